import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareHlc, createHlcClock, DEFAULT_MAX_SKEW_MS, HLC_ZERO, MAX_COUNTER, skewOf, type Hlc } from '../../shared/domain/hlc.js';

const T0 = 1_790_000_000_000;
const YEAR_MS = 365 * 24 * 3600 * 1000;

/** A physical clock the test sets by hand. */
function manualClock(start: number) {
  let now = start;
  return { now: () => now, set: (t: number) => void (now = t), add: (d: number) => void (now += d) };
}

const hlcArb = fc.record({ t: fc.integer({ min: 0, max: 2 ** 43 - 1 }), c: fc.integer({ min: 0, max: MAX_COUNTER }) });
/** Small ranges so equal t and equal c happen often. */
const closeHlcArb = fc.record({ t: fc.integer({ min: 0, max: 3 }), c: fc.integer({ min: 0, max: 3 }) });

/** How the physical clock moves between events: forward, stuck, backwards (small or large), or to fractional ms. */
const clockStep = fc.oneof(
  fc.integer({ min: 0, max: 5 }),
  fc.constant(0),
  fc.integer({ min: -5, max: -1 }),
  fc.integer({ min: -YEAR_MS, max: -1000 }),
  fc.integer({ min: 1, max: 10 * 60_000 }),
  fc.double({ min: 0, max: 1, noNaN: true }),
);

describe('tick', () => {
  it('is strictly increasing whatever the physical clock does, and never behind it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 42 }), fc.array(clockStep, { minLength: 1, maxLength: 200 }), (start, steps) => {
        const clock = manualClock(start);
        const hlc = createHlcClock(clock.now);
        let previous: Hlc | null = null;
        for (const step of steps) {
          clock.add(step);
          const next = hlc.tick();
          if (previous) expect(compareHlc(next, previous)).toBe(1);
          expect(next.t).toBeGreaterThanOrEqual(Math.floor(clock.now()));
          expect(Number.isInteger(next.t)).toBe(true);
          expect(next.c).toBeGreaterThanOrEqual(0);
          expect(next.c).toBeLessThanOrEqual(MAX_COUNTER);
          expect(hlc.peek()).toEqual(next);
          previous = next;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('follows the physical clock when it moves forward, resetting the counter', () => {
    const clock = manualClock(T0);
    const hlc = createHlcClock(clock.now);
    expect(hlc.tick()).toEqual({ t: T0, c: 0 });
    expect(hlc.tick()).toEqual({ t: T0, c: 1 });
    clock.set(T0 + 7);
    expect(hlc.tick()).toEqual({ t: T0 + 7, c: 0 });
  });

  it('keeps counting on the last time when the clock is set back', () => {
    const clock = manualClock(T0);
    const hlc = createHlcClock(clock.now);
    hlc.tick();
    clock.set(T0 - 60_000);
    expect(hlc.tick()).toEqual({ t: T0, c: 1 });
    expect(hlc.tick()).toEqual({ t: T0, c: 2 });
  });

  it('resumes after its start value (as after a restart)', () => {
    const clock = manualClock(T0 - 5000);
    const hlc = createHlcClock(clock.now, { t: T0, c: 9 });
    expect(hlc.peek()).toEqual({ t: T0, c: 9 });
    expect(hlc.tick()).toEqual({ t: T0, c: 10 });
  });

  it('borrows a millisecond when the counter is full', () => {
    const clock = manualClock(T0);
    const hlc = createHlcClock(clock.now, { t: T0, c: MAX_COUNTER - 1 });
    expect(hlc.tick()).toEqual({ t: T0, c: MAX_COUNTER });
    expect(hlc.tick()).toEqual({ t: T0 + 1, c: 0 });
    expect(hlc.tick()).toEqual({ t: T0 + 1, c: 1 });
    // the physical clock catching up takes over again
    clock.set(T0 + 5);
    expect(hlc.tick()).toEqual({ t: T0 + 5, c: 0 });
  });

  it('stays strictly increasing through many counter overflows on a stuck clock', () => {
    const hlc = createHlcClock(() => T0);
    let previous = hlc.tick();
    const n = 3 * (MAX_COUNTER + 1);
    for (let i = 0; i < n; i++) {
      const next = hlc.tick();
      if (compareHlc(next, previous) !== 1) throw new Error(`tick ${i} did not increase: ${JSON.stringify(previous)} → ${JSON.stringify(next)}`);
      expect(next.c <= MAX_COUNTER).toBe(true);
      previous = next;
    }
    // 1 + 3·65536 ticks at 65536 per millisecond: three milliseconds borrowed
    expect(previous).toEqual({ t: T0 + 3, c: 0 });
  });

  it('borrows a millisecond after observing a remote with a full counter', () => {
    const hlc = createHlcClock(() => T0);
    expect(hlc.observe({ t: T0, c: MAX_COUNTER })).toBeNull();
    expect(hlc.tick()).toEqual({ t: T0 + 1, c: 0 });
  });
});

describe('observe', () => {
  it('a remote within the allowed skew is overtaken by the next tick', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2 ** 41, max: 2 ** 42 }),
        fc.array(clockStep, { maxLength: 20 }),
        fc.integer({ min: -YEAR_MS, max: DEFAULT_MAX_SKEW_MS }),
        fc.integer({ min: 0, max: MAX_COUNTER }),
        (start, steps, offset, counter) => {
          const clock = manualClock(start);
          const hlc = createHlcClock(clock.now);
          for (const step of steps) {
            clock.add(step);
            hlc.tick();
          }
          const before = hlc.peek();
          const remote = { t: Math.floor(clock.now()) + offset, c: counter };
          expect(hlc.observe(remote)).toBeNull();
          // observing never moves the clock backwards
          expect(compareHlc(hlc.peek(), before)).toBeGreaterThanOrEqual(0);
          const next = hlc.tick();
          expect(compareHlc(next, remote)).toBe(1);
          expect(compareHlc(next, before)).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a remote too far ahead is reported and does not advance the clock', () => {
    fc.assert(
      fc.property(
        fc.array(clockStep, { maxLength: 20 }),
        fc.integer({ min: 1000, max: 60_000 }),
        fc.integer({ min: DEFAULT_MAX_SKEW_MS + 1, max: 10 * YEAR_MS }),
        fc.integer({ min: 0, max: MAX_COUNTER }),
        fc.array(clockStep, { maxLength: 10 }),
        (steps, maxSkewMs, offset, counter, after) => {
          // Two identical clocks; only one of them sees the remote from the far future.
          const clock = manualClock(T0);
          const seeing = createHlcClock(clock.now, HLC_ZERO, maxSkewMs);
          const blind = createHlcClock(clock.now, HLC_ZERO, maxSkewMs);
          for (const step of steps) {
            clock.add(step);
            seeing.tick();
            blind.tick();
          }
          const before = seeing.peek();
          const ahead = Math.max(offset, maxSkewMs + 1);
          const remote = { t: Math.floor(clock.now()) + ahead, c: counter };
          expect(seeing.observe(remote)).toEqual({ aheadMs: ahead });
          expect(seeing.peek()).toEqual(before);
          for (const step of [0, ...after]) {
            clock.add(step);
            const next = seeing.tick();
            // exactly what a clock that never saw the remote gives
            expect(next).toEqual(blind.tick());
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a laptop with its clock a year ahead cannot drag the team clock', () => {
    const clock = manualClock(T0);
    const hlc = createHlcClock(clock.now);
    hlc.tick();
    const fromTheFuture = { t: T0 + YEAR_MS, c: 0 };
    expect(hlc.observe(fromTheFuture)).toEqual({ aheadMs: YEAR_MS });
    clock.add(1000);
    expect(hlc.tick()).toEqual({ t: T0 + 1000, c: 0 });
  });

  it('accepts a remote exactly maxSkewMs ahead, and reports one a millisecond further', () => {
    const clock = manualClock(T0);
    const hlc = createHlcClock(clock.now, HLC_ZERO, 10_000);
    expect(hlc.observe({ t: T0 + 10_001, c: 0 })).toEqual({ aheadMs: 10_001 });
    expect(hlc.peek()).toEqual(HLC_ZERO);
    expect(hlc.observe({ t: T0 + 10_000, c: 3 })).toBeNull();
    expect(hlc.peek()).toEqual({ t: T0 + 10_000, c: 3 });
    expect(hlc.tick()).toEqual({ t: T0 + 10_000, c: 4 });
  });

  it('uses a five-minute skew limit by default', () => {
    expect(DEFAULT_MAX_SKEW_MS).toBe(5 * 60 * 1000);
    const hlc = createHlcClock(() => T0);
    expect(hlc.observe({ t: T0 + DEFAULT_MAX_SKEW_MS + 1, c: 0 })).toEqual({ aheadMs: DEFAULT_MAX_SKEW_MS + 1 });
    expect(hlc.observe({ t: T0 + DEFAULT_MAX_SKEW_MS, c: 0 })).toBeNull();
  });

  it('ignores a remote that lies behind the clock', () => {
    const hlc = createHlcClock(() => T0);
    hlc.tick();
    hlc.tick();
    expect(hlc.observe({ t: T0 - 100, c: 50 })).toBeNull();
    expect(hlc.peek()).toEqual({ t: T0, c: 1 });
  });

  it('does not keep a reference to the remote object', () => {
    const hlc = createHlcClock(() => T0);
    const remote = { t: T0 + 10, c: 1 };
    hlc.observe(remote);
    remote.t = T0 + YEAR_MS;
    expect(hlc.peek()).toEqual({ t: T0 + 10, c: 1 });
  });
});

describe('skewOf', () => {
  it('reports how far ahead a remote lies, only beyond the limit', () => {
    fc.assert(
      fc.property(hlcArb, fc.integer({ min: 0, max: 2 ** 43 }), fc.integer({ min: 0, max: YEAR_MS }), (remote, now, max) => {
        const report = skewOf(remote, now, max);
        if (remote.t - now > max) expect(report).toEqual({ aheadMs: remote.t - now });
        else expect(report).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});

describe('compareHlc is a total order', () => {
  const sign = (n: number) => Math.sign(n) + 0;

  it('is reflexive and zero exactly for equal timestamps', () => {
    fc.assert(
      fc.property(fc.oneof(hlcArb, closeHlcArb), fc.oneof(hlcArb, closeHlcArb), (a, b) => {
        expect(compareHlc(a, a)).toBe(0);
        expect(compareHlc(a, { ...a })).toBe(0);
        expect(compareHlc(a, b) === 0).toBe(a.t === b.t && a.c === b.c);
      }),
      { numRuns: 500 },
    );
  });

  it('is antisymmetric and returns only -1, 0 or 1', () => {
    fc.assert(
      fc.property(fc.oneof(hlcArb, closeHlcArb), fc.oneof(hlcArb, closeHlcArb), (a, b) => {
        const ab = compareHlc(a, b);
        expect([-1, 0, 1]).toContain(ab);
        expect(sign(ab) + sign(compareHlc(b, a))).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('is transitive and total (lexicographic on t, then c)', () => {
    fc.assert(
      fc.property(closeHlcArb, closeHlcArb, closeHlcArb, (a, b, c) => {
        if (compareHlc(a, b) <= 0 && compareHlc(b, c) <= 0) expect(compareHlc(a, c)).toBeLessThanOrEqual(0);
        const lex = a.t !== b.t ? sign(a.t - b.t) : sign(a.c - b.c);
        expect(compareHlc(a, b)).toBe(lex);
      }),
      { numRuns: 1000 },
    );
  });

  it('sorts any list into the same order whatever the input order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(closeHlcArb, hlcArb), { maxLength: 30 }), (list) => {
        const sorted = [...list].sort(compareHlc);
        const sortedReverse = [...list].reverse().sort(compareHlc);
        expect(sortedReverse).toEqual(sorted);
        for (let i = 1; i < sorted.length; i++) expect(compareHlc(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});
