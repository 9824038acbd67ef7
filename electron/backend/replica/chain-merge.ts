import type { AnyEntry } from '../../../shared/domain/entry.js';
import type { Replica } from './replica.js';

/** Where an author's chain is read from next: entries after (seq, id), as Replica.chainAfter takes it. */
export interface ChainCursor {
  seq: number;
  id: string;
}

export interface ChainMergeOptions {
  /** Authors read side by side; the others wait their turn, so memory stays bounded with thousands of authors. */
  activeAuthors?: number;
  /** Entries read ahead per active author (at most activeAuthors × readAhead entries held per merge). */
  readAhead?: number;
}

/**
 * Several authors' chains, read out as one stream in time order (HLC), each chain still in its own
 * order (seq, forks by id). A receiver stores rows by position, which is time: a batch of one author
 * after another (33,000 of author 1, then author 2's between them) lands all over the table and its
 * indexes, and with 3 authors wrote 4,552 bytes per entry at 15 % less speed than the same entries
 * in time order (3,124 bytes). Sync sessions and bundle exports send through this.
 */
export function createChainMerge(read: Pick<Replica, 'chainAfter'>, options: ChainMergeOptions = {}) {
  const activeAuthors = options.activeAuthors ?? 32;
  const readAhead = options.readAhead ?? 128;
  /** Per author: the last entry taken (the next read starts after it). */
  const cursors = new Map<string, ChainCursor>();
  /** Per author: entries read after its cursor and not taken yet. */
  const ahead = new Map<string, { entries: AnyEntry[]; next: number }>();

  /** The author's next entry, reading ahead when needed; null once its chain has nothing after the cursor. */
  function head(author: string): AnyEntry | null {
    let buffer = ahead.get(author);
    if (!buffer || buffer.next >= buffer.entries.length) {
      const cursor = cursors.get(author)!;
      buffer = { entries: read.chainAfter(author, cursor.seq, cursor.id, readAhead), next: 0 };
      if (buffer.entries.length === 0) {
        ahead.delete(author);
        cursors.delete(author);
        return null;
      }
      ahead.set(author, buffer);
    }
    return buffer.entries[buffer.next]!;
  }

  function earliestHead(): { author: string; entry: AnyEntry } | null {
    for (;;) {
      let best: { author: string; entry: AnyEntry } | null = null;
      let exhausted = false;
      let looked = 0;
      for (const author of cursors.keys()) {
        if (looked++ >= activeAuthors) break;
        const entry = head(author);
        if (!entry) {
          exhausted = true;
          continue;
        }
        if (!best || earlier(entry, best.entry)) best = { author, entry };
      }
      // An author that ran out left room for a waiting one, which may hold an earlier entry.
      if (!exhausted || cursors.size === 0) return best;
    }
  }

  return {
    /**
     * Sends `author`'s chain from `from` on: a cursor earlier than the one held replaces it (what
     * was read ahead is read again), a later one changes nothing.
     */
    queue(author: string, from: ChainCursor): void {
      const current = cursors.get(author);
      if (current && !(from.seq < current.seq || (from.seq === current.seq && from.id < current.id))) return;
      cursors.set(author, from);
      ahead.delete(author);
    },

    /** Authors with entries possibly left to take, and the cursor of each. */
    cursors(): ReadonlyMap<string, ChainCursor> {
      return cursors;
    },

    get size(): number {
      return cursors.size;
    },

    /**
     * Takes up to `limit` entries, earliest first across the active authors, while `fits` accepts
     * the next one (it is not taken when refused, so it comes first next time).
     */
    take(limit: number, fits: (entry: AnyEntry, taken: number) => boolean): AnyEntry[] {
      const taken: AnyEntry[] = [];
      while (taken.length < limit) {
        const next = earliestHead();
        if (!next || !fits(next.entry, taken.length)) break;
        taken.push(next.entry);
        ahead.get(next.author)!.next++;
        cursors.set(next.author, { seq: next.entry.seq, id: next.entry.id });
      }
      return taken;
    },
  };
}

export type ChainMerge = ReturnType<typeof createChainMerge>;

function earlier(a: AnyEntry, b: AnyEntry): boolean {
  if (a.hlc.t !== b.hlc.t) return a.hlc.t < b.hlc.t;
  if (a.hlc.c !== b.hlc.c) return a.hlc.c < b.hlc.c;
  return a.author < b.author;
}
