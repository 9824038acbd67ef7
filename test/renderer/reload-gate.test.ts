import { describe, expect, it } from 'vitest';
import { gatedReload, MAX_REST_MS, REST_FACTOR, type ReloadTimer } from '../../renderer/src/lib/reload-gate.js';

/** A load whose every call waits until the test settles it, and a clock and timers the test moves. */
function controlled() {
  const pending: { settle: () => void; fail: () => void }[] = [];
  let calls = 0;
  let now = 0;
  const timers: { due: number; run: () => void }[] = [];
  const load = () => {
    calls++;
    return new Promise<void>((resolve, reject) => pending.push({ settle: resolve, fail: () => reject(new Error('backend gone')) }));
  };
  const timer: ReloadTimer = {
    now: () => now,
    after: (ms, run) => {
      const t = { due: now + ms, run };
      timers.push(t);
      return () => void (timers.includes(t) && timers.splice(timers.indexOf(t), 1));
    },
  };
  const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((t) => t.due <= now)) {
      timers.splice(timers.indexOf(t), 1);
      t.run();
    }
  };
  return { load, timer, pending, calls: () => calls, flush, advance, waiting: () => timers.length };
}

describe('reloads while one runs', () => {
  it('a burst of reloads while one runs becomes one more, after it and a rest', async () => {
    const c = controlled();
    const reload = gatedReload(c.load, c.timer);
    reload();
    for (let i = 0; i < 50; i++) reload();
    expect(c.calls()).toBe(1);
    c.advance(400);
    c.pending.shift()!.settle();
    await c.flush();
    // The next load waits REST_FACTOR × 400 ms; reloads meanwhile do not start another.
    expect(c.calls()).toBe(1);
    reload();
    c.advance(REST_FACTOR * 400 - 1);
    expect(c.calls()).toBe(1);
    c.advance(1);
    expect(c.calls()).toBe(2);
    c.pending.shift()!.settle();
    await c.flush();
    expect(c.calls()).toBe(2);
    expect(c.waiting()).toBe(0);
  });

  it('a reload after the last one settled, with none wanted meanwhile, runs at once', async () => {
    const c = controlled();
    const reload = gatedReload(c.load, c.timer);
    reload();
    c.advance(400);
    c.pending.shift()!.settle();
    await c.flush();
    reload();
    expect(c.calls()).toBe(2);
  });

  it('a load that fails does not stop the next one', async () => {
    const c = controlled();
    const reload = gatedReload(c.load, c.timer);
    reload();
    reload();
    c.pending.shift()!.fail();
    await c.flush();
    c.advance(0);
    expect(c.calls()).toBe(2);
    c.pending.shift()!.settle();
    await c.flush();
    reload();
    expect(c.calls()).toBe(3);
  });

  it('never rests longer than MAX_REST_MS, however long the load took', async () => {
    const c = controlled();
    const reload = gatedReload(c.load, c.timer);
    reload();
    reload();
    c.advance(10_000);
    c.pending.shift()!.settle();
    await c.flush();
    c.advance(MAX_REST_MS - 1);
    expect(c.calls()).toBe(1);
    c.advance(1);
    expect(c.calls()).toBe(2);
  });

  it('an urgent reload (the person\'s own change) while one runs follows it without a rest', async () => {
    const c = controlled();
    const reload = gatedReload(c.load, c.timer);
    reload();
    reload();
    reload(true);
    reload();
    expect(c.calls()).toBe(1);
    c.advance(600);
    c.pending.shift()!.settle();
    await c.flush();
    c.advance(0);
    expect(c.calls()).toBe(2);
    c.pending.shift()!.settle();
    await c.flush();
    expect(c.waiting()).toBe(0);
  });

  it('an urgent reload during a rest starts at once, and the rest does not start another', async () => {
    const c = controlled();
    const reload = gatedReload(c.load, c.timer);
    reload();
    reload();
    c.advance(500);
    c.pending.shift()!.settle();
    await c.flush();
    // Resting for REST_FACTOR × 500 ms; a background reload waits, the person's does not.
    reload();
    expect(c.calls()).toBe(1);
    reload(true);
    expect(c.calls()).toBe(2);
    expect(c.waiting()).toBe(0);
    c.advance(REST_FACTOR * 500);
    expect(c.calls()).toBe(2);
    c.pending.shift()!.settle();
    await c.flush();
    reload();
    expect(c.calls()).toBe(3);
  });
});
