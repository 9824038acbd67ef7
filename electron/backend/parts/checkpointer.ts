import type { Clock } from '../clock.js';
import type { Part } from '../lifecycle.js';

export interface CheckpointerDeps {
  /** Copies committed WAL pages into the database without waiting for readers. */
  checkpoint: () => void;
  /** Rows this process has written so far: unchanged over a whole interval means the log is quiet. */
  writes: () => number;
  clock: Clock;
  intervalMs?: number;
}

/**
 * With a large auto-checkpoint threshold for bulk writes (store/database.ts), the WAL is folded back
 * into the database while the log is quiet instead: a tick that follows writes only notes them, so
 * a sync that runs for seconds is not checkpointed halfway (each checkpoint rewrites pages its next
 * batches touch again). A passive checkpoint costs nothing when there is nothing to do and never
 * waits for readers.
 */
export function createCheckpointer({ checkpoint, writes, clock, intervalMs = 5000 }: CheckpointerDeps): Part {
  let cancel: (() => void) | null = null;
  return {
    name: 'checkpointer',
    start() {
      let seen = writes();
      cancel = clock.every(intervalMs, () => {
        try {
          const now = writes();
          if (now !== seen) {
            seen = now;
            return;
          }
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
