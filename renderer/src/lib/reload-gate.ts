/**
 * Lets at most one load of the same thing run at a time. During a sync, entries arrive in a batch
 * every few tens of milliseconds, and a screen reloads on each one; a large incident's state takes
 * the backend about half a second to derive (100k entries), so one request per batch queued up
 * seconds of work on the backend's thread, all but the last thrown away, and slowed the sync
 * itself. Reloads asked for while a load runs become one more load after it, which then reads
 * everything that arrived meanwhile; that one waits REST_FACTOR times as long as the load before it
 * took, so a screen kept busy by arriving entries takes at most a quarter of the backend's time.
 * The wait is capped at MAX_REST_MS. A reload that shows what the person just did (their own entry
 * arrived, or they changed something) is urgent: it waits for the running load, never for a rest,
 * and cuts a rest short.
 */
export const REST_FACTOR = 3;
export const MAX_REST_MS = 2000;

export interface ReloadGate {
  /**
   * Whether a load may start now: none is running or resting, or this one is urgent and the gate
   * only rests (the caller then cancels its rest). Otherwise notes that another is wanted.
   */
  request(urgent?: boolean): boolean;
  /** A load starts (one wanted before it is covered by it). */
  started(): void;
  /**
   * The running load settled after `tookMs`: null when nothing more is wanted, else how long to
   * wait before the caller starts the next one (0 for an urgent one; the gate stays closed until it does).
   */
  settled(tookMs: number): number | null;
}

export function createReloadGate(): ReloadGate {
  let phase: 'open' | 'loading' | 'resting' = 'open';
  let wanted = false;
  let urgentWanted = false;
  return {
    request(urgent = false) {
      if (phase === 'open' || (phase === 'resting' && urgent)) return true;
      if (phase === 'loading') {
        wanted = true;
        urgentWanted ||= urgent;
      }
      return false;
    },
    started() {
      phase = 'loading';
      wanted = false;
      urgentWanted = false;
    },
    settled(tookMs) {
      if (!wanted) {
        phase = 'open';
        return null;
      }
      phase = 'resting';
      const rest = urgentWanted ? 0 : Math.min(MAX_REST_MS, Math.max(0, tookMs) * REST_FACTOR);
      wanted = false;
      urgentWanted = false;
      return rest;
    },
  };
}

export interface ReloadTimer {
  now(): number;
  /** Runs `run` after `ms`; returns what cancels it. */
  after(ms: number, run: () => void): () => void;
}

const browserTimer: ReloadTimer = {
  now: () => performance.now(),
  after: (ms, run) => {
    const id = setTimeout(run, ms);
    return () => clearTimeout(id);
  },
};

/**
 * `load` behind a gate: the returned function starts it, or, while it runs, has it run once more
 * after it settles (and a rest, unless urgent), with whatever `load` reads then.
 */
export function gatedReload(load: () => Promise<unknown>, timer: ReloadTimer = browserTimer): (urgent?: boolean) => void {
  const gate = createReloadGate();
  let cancelRest: (() => void) | null = null;
  const run = (): void => {
    cancelRest = null;
    gate.started();
    const start = timer.now();
    void load()
      .catch(() => undefined)
      .finally(() => {
        const rest = gate.settled(timer.now() - start);
        if (rest !== null) cancelRest = timer.after(rest, run);
      });
  };
  return (urgent = false) => {
    if (!gate.request(urgent)) return;
    cancelRest?.();
    run();
  };
}
