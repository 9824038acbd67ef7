import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BakenError } from '../../../shared/contract/errors.js';
import { TRANSFER_IDLE_MS } from '../../../shared/contract/transfers.js';
import { createTransferStore } from '../../../electron/backend/transfers/transfer-store.js';
import { manualClock } from '../../support/manual-clock.js';
import { useTempDirs } from '../../support/temp.js';

const tempDir = useTempDirs();

describe('the transfer store', () => {
  it('clears pieces left from before a restart when it starts', async () => {
    const dir = join(tempDir(), 'transfers');
    mkdirSync(dir);
    const stale = join(dir, '.0123456789abcdef.received.1a2b3c.tmp');
    writeFileSync(stale, 'half a file');
    const store = createTransferStore({ dir, clock: manualClock() });
    await store.start();
    expect(existsSync(stale)).toBe(false);
    await store.stop();
  });

  it('drops a transfer idle for 30 minutes, and keeps one in use', async () => {
    const clock = manualClock();
    const dir = join(tempDir(), 'transfers');
    const store = createTransferStore({ dir, clock });
    await store.start();
    const idle = store.receive('idle.baken', 10);
    const busy = store.receive('busy.baken', 10);
    await store.append(idle.id, 0, Buffer.from('abc'));
    for (let minute = 0; minute < 40; minute += 5) {
      clock.advance(5 * 60 * 1000);
      await store.append(busy.id, minute / 5, Buffer.from('x'));
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(TRANSFER_IDLE_MS).toBeLessThan(40 * 60 * 1000);
    await expect(store.append(idle.id, 3, Buffer.from('d'))).rejects.toThrow(/not open/);
    expect((await store.append(busy.id, 8, Buffer.from('yz'))).received).toBe(10);
    await store.stop();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stops with nothing left behind, and refuses a ninth open transfer', async () => {
    const dir = join(tempDir(), 'transfers');
    const store = createTransferStore({ dir, clock: manualClock() });
    await store.start();
    for (let i = 0; i < 8; i++) await store.append(store.receive(`f${i}`, 100).id, 0, Buffer.from('half'));
    expect(() => store.receive('one too many', 100)).toThrow(BakenError);
    expect(readdirSync(dir)).toHaveLength(8);
    await store.stop();
    expect(readdirSync(dir)).toEqual([]);
  });
});
