import type { Clock } from '../clock.js';
import type { Part } from '../lifecycle.js';

/**
 * With a large auto-checkpoint threshold (store/database.ts), the WAL is folded back into the
 * database while the log is quiet instead: a passive checkpoint costs nothing when there is nothing
 * to do and never waits for readers.
 */
export function createCheckpointer({ checkpoint, clock, intervalMs = 5000 }: { checkpoint: () => void; clock: Clock; intervalMs?: number }): Part {
  let cancel: (() => void) | null = null;
  return {
    name: 'checkpointer',
    start() {
      cancel = clock.every(intervalMs, () => {
        try {
          checkpoint();
        } catch {
          // busy or read-only: the next tick or SQLite's own auto-checkpoint will do it
        }
      });
    },
    stop() {
      cancel?.();
      cancel = null;
    },
  };
}
