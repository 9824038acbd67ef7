import type { Clock } from '../../electron/backend/clock.js';

/** A clock whose time moves only when a test says so; its timers fire as it moves past them. */
export interface ManualClock extends Clock {
  /** Moves time forward, firing every timer that falls due on the way, in time order. */
  advance(ms: number): void;
  /** Timers still waiting (repeating ones count until cancelled). */
  pending(): number;
}

export function manualClock(start = Date.UTC(2026, 10, 22, 12, 0, 0)): ManualClock {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, { due: number; every: number | null; fn: () => void }>();
  const schedule = (ms: number, every: number | null, fn: () => void) => {
    const id = nextId++;
    timers.set(id, { due: now + ms, every, fn });
    return () => void timers.delete(id);
  };
  return {
    now: () => now,
    every: (ms, fn) => schedule(ms, ms, fn),
    after: (ms, fn) => schedule(ms, null, fn),
    abortAfter(ms) {
      const controller = new AbortController();
      schedule(ms, null, () => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')));
      return controller.signal;
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        let next: [number, { due: number; every: number | null; fn: () => void }] | undefined;
        for (const timer of timers) if (timer[1].due <= until && (!next || timer[1].due < next[1].due)) next = timer;
        if (!next) break;
        const [id, timer] = next;
        now = timer.due;
        if (timer.every === null) timers.delete(id);
        else timer.due += Math.max(1, timer.every);
        timer.fn();
      }
      now = until;
    },
    pending: () => timers.size,
  };
}
