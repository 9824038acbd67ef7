import type { Clock } from '../clock.js';
import type { Part } from '../lifecycle.js';

/** What the indexer needs of the store's search backlog (store/search-backlog.ts). */
export interface SearchBacklogPasses {
  /** Entries waiting to be indexed. */
  size(): number;
  /** One pass (one transaction, a bounded number of entries); how many it indexed. */
  indexSome(): number;
  /** Everything waiting, pass after pass. */
  index(): number;
}

export interface SearchIndexerOptions {
  backlog: SearchBacklogPasses;
  clock: Clock;
  /** A backlog smaller than `soonAt` is indexed at most this often: a run of appends shares one FTS5 segment. */
  intervalMs?: number;
  /** How often the backlog's size is looked at. */
  checkMs?: number;
  /**
   * A backlog this large (a sync or a bundle came in) is indexed as soon as it stops growing, not at
   * the interval: passes while entries still arrive would take turns with storing them.
   */
  soonAt?: number;
  /** The pause between two passes of a large backlog, so the backend answers the window and takes appends meanwhile. */
  gapMs?: number;
}

/**
 * Indexes the search backlog in the background (migrations 6 and 7 say why entries wait there).
 * Search indexes the backlog itself before it reads, so when this runs decides only how much each
 * pass writes and how long the first search after a large sync waits, never what search finds.
 */
export function createSearchIndexer({ backlog, clock, intervalMs = 30_000, checkMs = 2_000, soonAt = 1_000, gapMs = 20 }: SearchIndexerOptions): Part {
  let cancelCheck: (() => void) | null = null;
  let cancelNext: (() => void) | null = null;
  let lastPass = 0;
  /** The backlog's size at the last look. */
  let lastSeen = 0;

  const attempt = (run: () => number): number => {
    try {
      return run();
    } catch {
      // busy (another process writes) or read-only: the next check, or the next search, does it
      return 0;
    }
  };
  // Passes one after another with a pause between them, until the backlog is empty.
  const passes = (): void => {
    cancelNext = null;
    lastPass = clock.now();
    const indexed = attempt(() => backlog.indexSome());
    lastSeen = attempt(() => backlog.size());
    if (indexed > 0 && lastSeen > 0) cancelNext = clock.after(gapMs, passes);
  };
  const check = (): void => {
    if (cancelNext) return; // passes are under way
    const waiting = attempt(() => backlog.size());
    const settled = waiting <= lastSeen;
    lastSeen = waiting;
    if ((waiting >= soonAt && settled) || (waiting > 0 && clock.now() - lastPass >= intervalMs)) passes();
  };

  return {
    name: 'search indexer',
    start() {
      lastPass = clock.now();
      cancelCheck = clock.every(checkMs, check);
    },
    stop() {
      cancelCheck?.();
      cancelNext?.();
      cancelCheck = cancelNext = null;
      // The backlog is durable: what this misses, the next start indexes.
      attempt(() => backlog.index());
    },
  };
}
