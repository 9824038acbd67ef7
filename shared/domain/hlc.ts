/**
 * Hybrid logical clock (Kulkarni et al.): wall-clock milliseconds plus a counter, so timestamps
 * stay close to real time yet never go backwards on one device, even when its clock is set back.
 *
 * Remote timestamps only pull this clock forward while they lie within `maxSkewMs` of our own
 * physical time. One laptop with a clock a year ahead must not drag the whole team's log into the
 * future (the NAFIN outage was itself a time-sync fault), so such a timestamp is reported as skew
 * and left where it is in the order instead.
 */
export interface Hlc {
  /** Milliseconds since the Unix epoch. */
  readonly t: number;
  /** Counter that orders events within the same millisecond. */
  readonly c: number;
}

export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;
export const HLC_ZERO: Hlc = { t: 0, c: 0 };
export const MAX_COUNTER = 0xffff;
/** The latest time an HLC may hold (43 bits of milliseconds: the year 2248), which lets the store keep time, counter and a slot in one 63-bit position. */
export const MAX_HLC_TIME = 2 ** 43 - 1;

export function compareHlc(a: Hlc, b: Hlc): number {
  return a.t !== b.t ? (a.t < b.t ? -1 : 1) : a.c !== b.c ? (a.c < b.c ? -1 : 1) : 0;
}

export interface SkewReport {
  /** How far the remote timestamp lies ahead of our physical time, in ms. */
  readonly aheadMs: number;
}

export interface HlcClock {
  /** A fresh timestamp for a local event, strictly greater than every earlier one. */
  tick(): Hlc;
  /** Takes a remote timestamp into account; returns a skew report when it is too far ahead. */
  observe(remote: Hlc): SkewReport | null;
  /** Moves the clock up to a timestamp this device itself issued (say, in another process), skew or not. */
  witness(own: Hlc): void;
  /** The latest timestamp issued or observed, without advancing. */
  peek(): Hlc;
}

export function createHlcClock(physicalNow: () => number, start: Hlc = HLC_ZERO, maxSkewMs = DEFAULT_MAX_SKEW_MS): HlcClock {
  let last: Hlc = start;
  return {
    tick() {
      const pt = Math.floor(physicalNow());
      // A clock stuck or set back for long enough would overflow the counter: borrow a millisecond instead.
      last = pt > last.t ? { t: pt, c: 0 } : last.c >= MAX_COUNTER ? { t: last.t + 1, c: 0 } : { t: last.t, c: last.c + 1 };
      return last;
    },
    observe(remote) {
      const skew = skewOf(remote, Math.floor(physicalNow()), maxSkewMs);
      if (skew) return skew;
      if (compareHlc(remote, last) > 0) last = { t: remote.t, c: remote.c };
      return null;
    },
    witness(own) {
      if (compareHlc(own, last) > 0) last = { t: own.t, c: own.c };
    },
    peek() {
      return last;
    },
  };
}

export function skewOf(remote: Hlc, physicalNowMs: number, maxSkewMs = DEFAULT_MAX_SKEW_MS): SkewReport | null {
  const aheadMs = remote.t - physicalNowMs;
  return aheadMs > maxSkewMs ? { aheadMs } : null;
}
