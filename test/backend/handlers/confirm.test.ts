import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BakenError } from '../../../shared/contract/errors.js';
import { openTestBackend } from '../../support/backend.js';
import { useTempDirs } from '../../support/temp.js';
import { closedAfterEach } from '../../support/opened-backends.js';

/**
 * What most likely is a slip is refused until confirmed (`force`), whatever user interface sends
 * it: the GRIP level an incident is at already, a deadline that has passed, a bundle file that
 * exists. The refusal is a `conflict` naming the field, and writes nothing.
 */
const T = Date.parse('2026-11-30T21:40:00Z');
const tempDir = useTempDirs();
const opened = closedAfterEach();

async function laptop() {
  const backend = openTestBackend({ dataDir: tempDir(), create: true, clock: () => T });
  opened.push(backend);
  const { id: incident } = await backend.api['incident.create']({ title: 'Hoogwater', grip: 2 });
  return { backend, incident };
}

async function refusal(call: Promise<unknown>): Promise<BakenError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(BakenError);
    return error as BakenError;
  }
  throw new Error('not refused');
}

describe('what needs confirming', () => {
  it('the GRIP level the incident is at already', async () => {
    const { backend, incident } = await laptop();
    const refused = await refusal(backend.api['grip.set']({ incident, level: 2 }));
    expect(refused.toData()).toEqual({ code: 'conflict', field: 'level', message: `incident ${incident} is at GRIP 2 already; confirm (force) to record GRIP 2 again` });
    expect(backend.store.count()).toBe(1);
    await backend.api['grip.set']({ incident, level: 2, force: true, reason: 'Bevestigd' });
    await backend.api['grip.set']({ incident, level: 3 });
    expect((await backend.api['incident.state']({ incident })).grip.history.map((g) => g.level)).toEqual([2, 2, 3]);
  });

  it('a deadline that has passed, by the backend\'s clock (the current minute has not passed)', async () => {
    const { backend, incident } = await laptop();
    const action = { incident, text: 'Zandzakken', owner: 'Waterschap' };
    const refused = await refusal(backend.api['action.add']({ ...action, deadline: '2026-11-30T21:38:59.000Z' }));
    expect(refused.toData()).toEqual({
      code: 'conflict', field: 'deadline', message: 'the deadline 2026-11-30T21:38:59.000Z has passed already (it is 2026-11-30T21:40:00.000Z); confirm (force) to record it anyway',
    });
    expect(backend.store.count()).toBe(1);
    await backend.api['action.add']({ ...action, deadline: '2026-11-30T21:39:30.000Z' });
    await backend.api['action.add']({ ...action, deadline: '2026-11-30T21:38:59.000Z', force: true });
    await backend.api['action.add']({ ...action });
    expect((await backend.api['action.list']({ incident })).map((a) => a.deadline)).toEqual(['2026-11-30T21:39:30.000Z', '2026-11-30T21:38:59.000Z', null]);
  });

  it('a bundle file that exists', async () => {
    const { backend } = await laptop();
    const out = join(tempDir(), 'noord.baken');
    writeFileSync(out, 'de bundel van gisteren');
    const refused = await refusal(backend.api['bundle.export']({ out }));
    expect(refused.toData()).toEqual({ code: 'conflict', field: 'out', message: `${out} already exists; nothing was written. To replace it, add --force` });
    expect(readFileSync(out, 'utf8')).toBe('de bundel van gisteren');
    expect(await backend.api['bundle.export']({ out, force: true })).toMatchObject({ entries: 1 });
  });
});
