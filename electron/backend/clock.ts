/**
 * Time as a dependency. Every timestamp and every timer in the backend comes from the Clock it is
 * given, so a test can run a node with its clock ten years ahead, or step a watchdog past its
 * deadline without waiting for it.
 */
export interface Clock {
  /** Physical time, epoch milliseconds. */
  now(): number;
  /** Calls `fn` every `ms` until cancelled. Timers never keep the process alive on their own. */
  every(ms: number, fn: () => void): Cancel;
  /** Calls `fn` once after `ms` unless cancelled first. */
  after(ms: number, fn: () => void): Cancel;
  /** A signal that aborts after `ms` (for dials and stream opens with a deadline). */
  abortAfter(ms: number): AbortSignal;
}

export type Cancel = () => void;

/** The machine's clock and real timers. */
export const systemClock: Clock = clockWithTime(Date.now);

/** Real timers with another source of time (a peer whose clock is set wrong, a test's fixed time). */
export function clockWithTime(now: () => number): Clock {
  return {
    now,
    every(ms, fn) {
      const timer = setInterval(fn, ms);
      timer.unref();
      return () => clearInterval(timer);
    },
    after(ms, fn) {
      const timer = setTimeout(fn, ms);
      timer.unref();
      return () => clearTimeout(timer);
    },
    abortAfter(ms) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')), ms);
      timer.unref();
      return controller.signal;
    },
  };
}
