/**
 * "Did you mean …" for what a person mistyped: a command, an option, a value. Edit distance with
 * swapped neighbours counted as one edit (optimal string alignment), since "incdient" is one slip
 * of the fingers, not two.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidates closest to what was typed, when close enough to be a slip: at most one edit in a
 * short word, two in a longer one, three in a long one; or what was typed is the start of a
 * candidate (`--inc` for `--incident`). Case does not count. At most three, best first.
 */
export function closest(typed: string, candidates: Iterable<string>): string[] {
  const word = typed.toLowerCase();
  if (word === '') return [];
  const allowed = word.length <= 3 ? 1 : word.length <= 7 ? 2 : 3;
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of new Set(candidates)) {
    const lower = candidate.toLowerCase();
    const distance = editDistance(word, lower);
    const score = word.length >= 2 && lower.startsWith(word) ? Math.min(distance, 1) : distance;
    if (score <= allowed) scored.push({ candidate, score });
  }
  scored.sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate));
  const best = scored[0]?.score;
  return scored.filter((s) => s.score === best).slice(0, 3).map((s) => s.candidate);
}

/** "; did you mean --incident?" or "; did you mean high or hoog?"; empty when nothing is close. */
export function didYouMean(typed: string, candidates: Iterable<string>, show: (candidate: string) => string = (c) => c): string {
  const found = closest(typed, candidates);
  if (found.length === 0) return '';
  return `; did you mean ${joinOr(found.map(show))}?`;
}

/** "a", "a or b", "a, b or c". */
export function joinOr(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
