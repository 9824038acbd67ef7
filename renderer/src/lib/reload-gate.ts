/**
 * Lets at most one load of the same thing run at a time. During a sync, entries arrive in a batch
 * every few tens of milliseconds, and a screen reloads on each one; a large incident's state takes
 * the backend about half a second to derive (100k entries), so one request per batch queued up
 * seconds of work on the backend's thread, all but the last thrown away, and slowed the sync
 * itself. Reloads asked for while a load runs become one more load after it, which then reads
 * everything that arrived meanwhile.
 */
export interface ReloadGate {
  /** Whether a load may start now; if one is running, notes that another is wanted after it. */
  request(): boolean;
  /** A load starts (one wanted before it is covered by it). */
  started(): void;
  /** The running load settled: whether another was wanted meanwhile (the caller starts it). */
  settled(): boolean;
}

export function createReloadGate(): ReloadGate {
  let running = false;
  let wanted = false;
  return {
    request() {
      if (!running) return true;
      wanted = true;
      return false;
    },
    started() {
      running = true;
      wanted = false;
    },
    settled() {
      running = false;
      const again = wanted;
      wanted = false;
      return again;
    },
  };
}

/**
 * `load` behind a gate: the returned function starts it, or, while it runs, has it run once more
 * when it settles, with whatever `load` reads then.
 */
export function gatedReload(load: () => Promise<unknown>): () => void {
  const gate = createReloadGate();
  const run = (): void => {
    gate.started();
    void load()
      .catch(() => undefined)
      .finally(() => {
        if (gate.settled()) run();
      });
  };
  return () => {
    if (gate.request()) run();
  };
}
