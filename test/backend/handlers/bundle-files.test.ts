import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOCK_FILE_FORMAT } from '../../../electron/backend/sync/bundle/clock-file.js';
import { useLaptops, writeLog } from '../sync/bundle/laptops.js';

const { tempDir, laptop } = useLaptops();

/** The error an API call rejects with, as data. */
async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('the call was not refused');
}

describe('files written for another laptop (bundle.clock, bundle.export)', () => {
  it('never go into the data directory, where the log and the keys are, not even with force or by a link to it', async () => {
    const a = laptop();
    await writeLog(a, 2);
    const db = join(a.dataDir, 'baken.db');
    const key = join(a.dataDir, 'device-key.pem');
    const before = [readFileSync(db), readFileSync(key)];
    const link = join(tempDir(), 'data');
    symlinkSync(a.dataDir, link);
    for (const out of [db, key, join(link, 'baken.db'), join(a.dataDir, 'new.clock')]) {
      expect(await refusal(a.api['bundle.clock']({ out, force: true }))).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/data directory/) });
      expect(await refusal(a.api['bundle.export']({ out, force: true }))).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/data directory/) });
    }
    expect([readFileSync(db), readFileSync(key)]).toEqual(before);
  });

  it('replace an older clock file, but another existing file only with force', async () => {
    const a = laptop();
    await writeLog(a, 2);
    const dir = tempDir();
    const clock = join(dir, 'a.clock');
    await a.api['bundle.clock']({ out: clock });
    await writeLog(a, 1);
    await a.api['bundle.clock']({ out: clock });
    expect(JSON.parse(readFileSync(clock, 'utf8'))).toMatchObject({ format: CLOCK_FILE_FORMAT });

    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'verslag van vanochtend');
    expect(await refusal(a.api['bundle.clock']({ out: notes }))).toMatchObject({ code: 'conflict', message: expect.stringMatching(/not a Baken clock file.*--force/) });
    expect(readFileSync(notes, 'utf8')).toBe('verslag van vanochtend');
    await a.api['bundle.clock']({ out: notes, force: true });
    expect(JSON.parse(readFileSync(notes, 'utf8'))).toMatchObject({ format: CLOCK_FILE_FORMAT });

    // A named pipe is nobody's clock file: refused at once, never read (reading it would wait for a writer).
    const pipe = join(dir, 'pipe.clock');
    execFileSync('mkfifo', [pipe]);
    expect(await refusal(a.api['bundle.clock']({ out: pipe }))).toMatchObject({ code: 'conflict', message: expect.stringMatching(/not a Baken clock file/) });
  });
});
