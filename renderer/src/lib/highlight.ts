/**
 * Search hits in a text as segments to render as text: never HTML. Each whitespace-separated term
 * of the query is found case-insensitively (and ignoring accents, as people type "ontruiming" for
 * "óntruiming"); overlapping hits merge.
 */
export interface Segment {
  text: string;
  hit: boolean;
}

export function searchTerms(query: string): string[] {
  return [...new Set(query.trim().split(/\s+/).filter((t) => t.length > 0).map(fold))];
}

/** Lower case without accents, keeping the string's length per character so offsets still match. */
function fold(text: string): string {
  return [...text].map((c) => {
    const base = c.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    return base.length === c.length ? base : c.toLowerCase().length === c.length ? c.toLowerCase() : c;
  }).join('');
}

export function splitHighlight(text: string, query: string): Segment[] {
  const terms = searchTerms(query);
  if (terms.length === 0 || text.length === 0) return text.length ? [{ text, hit: false }] : [];
  const folded = fold(text);
  const ranges: [number, number][] = [];
  for (const term of terms) {
    let from = 0;
    for (;;) {
      const at = folded.indexOf(term, from);
      if (at < 0) break;
      ranges.push([at, at + term.length]);
      from = at + term.length;
    }
  }
  if (ranges.length === 0) return [{ text, hit: false }];
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  const out: Segment[] = [];
  let pos = 0;
  for (const [start, end] of merged) {
    if (start > pos) out.push({ text: text.slice(pos, start), hit: false });
    out.push({ text: text.slice(start, end), hit: true });
    pos = end;
  }
  if (pos < text.length) out.push({ text: text.slice(pos), hit: false });
  return out;
}
