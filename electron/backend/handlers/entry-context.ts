import type { AnyEntry } from '../../../shared/domain/entry.js';
import { isKnownEntry } from '../../../shared/domain/entry.js';
import type { EntryContext } from '../../../shared/present/entry-line.js';
import type { LogStore } from '../store/index.js';

type Store = Pick<LogStore, 'entry' | 'list' | 'correctionsIn'>;

/**
 * What a list needs to show each entry in words, which the entry alone does not say: its
 * corrections (so the current text shows, marked), what it refers to (the action a status reports
 * on), and for a GRIP change the level before it. Read through the kind index: the corrections of
 * all the page's incidents in one query, GRIP changes per incident that has one on the page. A page
 * costs a few queries, not one per entry.
 */
export function entryContexts(store: Store, entries: readonly AnyEntry[]): Map<string, EntryContext> {
  const incidents = new Set(entries.map((e) => e.incident));
  const corrections = new Map<string, EntryContext['corrections']>();
  const gripBefore = new Map<string, number | null>();
  for (const c of store.correctionsIn([...incidents])) {
    if (!isKnownEntry(c) || c.kind !== 'correctie') continue;
    const list = corrections.get(c.body.target) ?? [];
    list.push({ id: c.id, author: c.author, t: c.hlc.t, text: c.body.text });
    corrections.set(c.body.target, list);
  }
  for (const incident of incidents) {
    if (entries.some((e) => e.incident === incident && e.kind === 'grip')) {
      const levels = [...allOf(store, incident, 'incident'), ...allOf(store, incident, 'grip')]
        .filter(isKnownEntry)
        .sort((a, b) => a.hlc.t - b.hlc.t || a.hlc.c - b.hlc.c || (a.id < b.id ? -1 : 1));
      let level: number | null = null;
      for (const e of levels) {
        if (e.kind === 'grip') {
          gripBefore.set(e.id, level);
          level = e.body.level;
        } else if (e.kind === 'incident' && e.body.grip !== undefined && level === null) {
          level = e.body.grip;
        }
      }
    }
  }
  const contexts = new Map<string, EntryContext>();
  for (const entry of entries) {
    contexts.set(entry.id, {
      corrections: corrections.get(entry.id) ?? [],
      refersTo: refersTo(store, entry, corrections),
      gripBefore: gripBefore.get(entry.id) ?? null,
    });
  }
  return contexts;
}

function refersTo(store: Store, entry: AnyEntry, corrections: Map<string, EntryContext['corrections']>): EntryContext['refersTo'] {
  if (!isKnownEntry(entry)) return null;
  const target =
    entry.kind === 'actiestatus' || entry.kind === 'actiewijziging' || entry.kind === 'actieintrekking' ? entry.body.action
      : entry.kind === 'correctie' ? entry.body.target
        : entry.kind === 'knelpuntstatus' ? entry.body.knelpunt
          : null;
  if (target === null) return null;
  const found = store.entry(target);
  if (!found) return null;
  const text = corrections.get(found.id)?.at(-1)?.text ?? (isKnownEntry(found) && 'text' in found.body && typeof found.body.text === 'string' ? found.body.text : found.kind);
  return { id: found.id, kind: found.kind, text };
}

/** Every entry of one kind in one incident, oldest first. */
function* allOf(store: Store, incident: string, kind: string): Generator<AnyEntry> {
  let cursor: string | undefined;
  do {
    const page = store.list({ incident, kind }, { cursor, limit: 1000, order: 'oldest' });
    yield* page.entries;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
