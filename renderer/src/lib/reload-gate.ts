/**
 * Lets at most one load of the same thing run at a time. During a sync, entries arrive in a batch
 * every few tens of milliseconds, and a screen reloads on each one; a large incident's state takes
 * the backend about half a second to derive (100k entries), so one request per batch queued up
 * seconds of work on the backend's thread, all but the last thrown away, and slowed the sync
 * itself. Reloads asked for while a load runs become one more load after it, which then reads
 * everything that arrived meanwhile; that one waits REST_FACTOR times as long as the load before it
 * took, so a screen kept busy by arriving entries takes at most a quarter of the backend's time.
 * The wait is capped at MAX_REST_MS: a person's own reload (after an edit) may be the one waiting.
 */
export const REST_FACTOR = 3;
export const MAX_REST_MS = 2000;

export interface ReloadGate {
  /** Whether a load may start now; if one is running (or waiting to), notes that another is wanted. */
  request(): boolean;
  /** A load starts (one wanted before it is covered by it). */
  started(): void;
  /**
   * The running load settled after `tookMs`: null when nothing more is wanted, else how long to
   * wait before the caller starts the next one (the gate stays closed until it does).
   */
  settled(tookMs: number): number | null;
}

export function createReloadGate(): ReloadGate {
  let closed = false;
  let wanted = false;
  return {
    request() {
      if (!closed) return true;
      wanted = true;
      return false;
    },
    started() {
      closed = true;
      wanted = false;
    },
    settled(tookMs) {
      if (!wanted) {
        closed = false;
        return null;
      }
      wanted = false;
      return Math.min(MAX_REST_MS, Math.max(0, tookMs) * REST_FACTOR);
    },
  };
}

export interface ReloadTimer {
  now(): number;
  after(ms: number, run: () => void): void;
}

const browserTimer: ReloadTimer = { now: () => performance.now(), after: (ms, run) => void setTimeout(run, ms) };

/**
 * `load` behind a gate: the returned function starts it, or, while it runs, has it run once more
 * after it settles (and a rest), with whatever `load` reads then.
 */
export function gatedReload(load: () => Promise<unknown>, timer: ReloadTimer = browserTimer): () => void {
  const gate = createReloadGate();
  const run = (): void => {
    gate.started();
    const start = timer.now();
    void load()
      .catch(() => undefined)
      .finally(() => {
        const rest = gate.settled(timer.now() - start);
        if (rest !== null) timer.after(rest, run);
      });
  };
  return () => {
    if (gate.request()) run();
  };
}
