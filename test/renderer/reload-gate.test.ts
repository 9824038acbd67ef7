import { describe, expect, it } from 'vitest';
import { gatedReload } from '../../renderer/src/lib/reload-gate.js';

/** A load whose every call waits until the test settles it. */
function controlledLoad() {
  const pending: { settle: () => void; fail: () => void }[] = [];
  let calls = 0;
  const load = () => {
    calls++;
    return new Promise<void>((resolve, reject) => pending.push({ settle: resolve, fail: () => reject(new Error('backend gone')) }));
  };
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { load, pending, calls: () => calls, tick };
}

describe('reloads while one runs', () => {
  it('a burst of reloads while one runs becomes one more, after it', async () => {
    const { load, pending, calls, tick } = controlledLoad();
    const reload = gatedReload(load);
    reload();
    for (let i = 0; i < 50; i++) reload();
    expect(calls()).toBe(1);
    pending.shift()!.settle();
    await tick();
    expect(calls()).toBe(2);
    pending.shift()!.settle();
    await tick();
    expect(calls()).toBe(2);
  });

  it('a reload after the last one settled runs at once', async () => {
    const { load, pending, calls, tick } = controlledLoad();
    const reload = gatedReload(load);
    reload();
    pending.shift()!.settle();
    await tick();
    reload();
    expect(calls()).toBe(2);
  });

  it('a load that fails does not stop the next one', async () => {
    const { load, pending, calls, tick } = controlledLoad();
    const reload = gatedReload(load);
    reload();
    reload();
    pending.shift()!.fail();
    await tick();
    expect(calls()).toBe(2);
    pending.shift()!.settle();
    await tick();
    reload();
    expect(calls()).toBe(3);
  });
});
