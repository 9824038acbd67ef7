import type { Clock } from '../clock.js';
import type { Part } from '../lifecycle.js';

/**
 * Puts appended entries' text into the search index every so often (migration 006), so a run of
 * appends shares one FTS5 segment instead of writing one each. Search indexes the backlog itself
 * before it reads, so how often this runs decides only how much each run writes, never what search finds.
 */
export function createSearchIndexer({ indexBacklog, clock, intervalMs = 30_000 }: { indexBacklog: () => void; clock: Clock; intervalMs?: number }): Part {
  let cancel: (() => void) | null = null;
  return {
    name: 'search indexer',
    start() {
      cancel = clock.every(intervalMs, () => {
        try {
          indexBacklog();
        } catch {
          // busy (another process writes) or read-only: the next tick, or the next search, does it
        }
      });
    },
    stop() {
      cancel?.();
      cancel = null;
      try {
        indexBacklog();
      } catch {
        // the backlog is durable: the next start indexes it
      }
    },
  };
}
