import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportClock, readClockFile } from '../../../../electron/backend/sync/bundle/clock-file.js';
import { PARTIAL_SUFFIX } from '../../../../electron/backend/sync/bundle/format.js';
import { makeChain, makeSigner } from '../../../support/entries.js';
import { INCIDENT, ingestChain, thrown, useLaptops, writeLog } from './laptops.js';

const { tempDir, laptop, exportAll } = useLaptops();

describe('clock files', () => {
  it('round-trips a clock, ignores fields of a later version, and refuses anything that is not a valid clock file', async () => {
    const a = laptop();
    await writeLog(a, 3);
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 3));
    const dir = tempDir();
    const file = join(dir, 'a.clock');
    writeFileSync(file, 'an older clock file');
    exportClock(a.store, file);
    expect(existsSync(file + PARTIAL_SUFFIX)).toBe(false);
    expect(readClockFile(file)).toEqual(Object.fromEntries(a.store.authorHeads()));

    const good = JSON.parse(readFileSync(file, 'utf8'));
    const [author] = Object.keys(good.clock);
    const cases: [string, string | Buffer, RegExp][] = [
      ['garbage', randomBytes(5000), /is not a Baken clock file/],
      ['not json', 'seq=4', /is not a Baken clock file \(not JSON\)/],
      ['bundle', readFileSync((await exportAll(a)).file), /is not a Baken clock file/],
      ['other', JSON.stringify({ format: 'other', clock: good.clock }), /is not a Baken clock file$/],
      ['newer', JSON.stringify({ ...good, version: 2 }), /newer Baken \(clock file version 2/],
      ['bad seq', JSON.stringify({ ...good, clock: { ...good.clock, [author!]: { seq: 0, head: good.clock[author!].head } } }), /damaged Baken clock file: clock\..*seq/],
      ['bad author', JSON.stringify({ ...good, clock: { NOTHEX: { seq: 1, head: 'a'.repeat(64) } } }), /damaged Baken clock file/],
      ['no device', JSON.stringify({ ...good, device: undefined }), /damaged Baken clock file: device/],
    ];
    for (const [name, content, message] of cases) {
      const path = join(dir, `${name}.clock`);
      writeFileSync(path, content);
      const error = await thrown(() => readClockFile(path));
      expect(error.code, name).toBe('invalid-input');
      expect(error.message, name).toMatch(message);
    }
    // A field of a later Baken is no damage: the clock is read as it is.
    const newer = join(dir, 'newer-field.clock');
    writeFileSync(newer, JSON.stringify({ ...good, written: '2027-01-01T00:00:00.000Z', team: { id: 'x' } }));
    expect(readClockFile(newer)).toEqual(Object.fromEntries(a.store.authorHeads()));
    expect((await thrown(() => readClockFile(join(dir, 'missing.clock')))).code).toBe('not-found');
    expect((await thrown(() => exportClock(a.store, join(dir, 'missing', 'a.clock')))).code).toBe('not-found');
  });
});
