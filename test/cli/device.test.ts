import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../electron/cli/baken.js';
import { thisMachine } from '../../electron/backend/machine.js';
import { acquireNodeLock } from '../../electron/backend/node-lock.js';
import { ORIGIN_FILE } from '../../electron/backend/origin.js';
import { DEVICE_KEY_FILE, RETIRED_KEYS_FOLDER } from '../../electron/backend/store/identity.js';
import { useTempDirs } from '../support/temp.js';

async function run(data: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: {} };
  const code = await main(['--data', data, '--tz', 'UTC', ...args], io);
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as any };
}

/** What a copy made on another computer looks like here: its record names that computer. */
function madeElsewhere(data: string, host = 'laptop-oud'): void {
  const record = JSON.parse(readFileSync(join(data, ORIGIN_FILE), 'utf8'));
  writeFileSync(join(data, ORIGIN_FILE), JSON.stringify({ ...record, machine: 'f'.repeat(32), host }));
}

describe('a data directory copied to another computer, from the CLI', () => {
  const tempDir = useTempDirs();

  async function copiedLog() {
    const data = tempDir();
    const author = (await run(data, 'init', '--json')).json().author as string;
    const incident = (await run(data, 'incident', 'create', '--title', 'Uitval NAFIN', '--json')).json().id as string;
    madeElsewhere(data);
    return { data, author, incident };
  }

  it('is refused with both choices named, writing nothing; baken device and init say what it is', async () => {
    const { data, author, incident } = await copiedLog();
    const refused = await run(data, 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'vanaf de kopie');
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/^baken: this data directory belongs to the computer laptop-oud, and is now opened on .+: it was copied or moved\./);
    expect(refused.stderr).toContain(`the copy on laptop-oud will never run again: baken device keep-identity (this computer goes on as device ${author.slice(0, 12)}).`);
    expect(refused.stderr).toContain('Otherwise (a restored backup, which may lack what was written since, or both copies in use): baken device new-identity (a new device key; every entry so far stays)\n');
    expect((await run(data, 'log', 'list')).code).toBe(1);

    const device = await run(data, 'device');
    expect(device.code).toBe(0);
    expect(device.stdout).toMatch(/^computer .+, but this data directory belongs to laptop-oud: choose baken device keep-identity or baken device new-identity$/m);
    expect((await run(data, 'init')).stdout).toContain('This data directory belongs to laptop-oud: it was copied here. Choose: baken device keep-identity, or baken device new-identity');
    expect((await run(data, 'device', '--json')).json()).toMatchObject({ entries: 1, origin: { status: 'moved', recorded: { host: 'laptop-oud' } } });
  });

  it('keep-identity: goes on as the same device, and says the other copy must never run again', async () => {
    const { data, author, incident } = await copiedLog();
    const kept = await run(data, 'device', 'keep-identity');
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(new RegExp(`^This computer \\(.+\\) goes on as device ${author}\\.\\nThe copy on laptop-oud must never run Baken again: two computers signing as one device fork its log\\. Wipe that copy, or run baken device new-identity there before it writes anything\\.\\n$`));
    const added = await run(data, 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'verder', '--json');
    expect(added.json().seq).toBe(2);
    expect((await run(data, 'device')).stdout).toMatch(/^computer .+, where this data directory belongs since (\d+ \w{3} )?\d\d:\d\d UTC$/m);
  });

  it('new-identity: a new device, the entries so far kept and verified', async () => {
    const { data, author, incident } = await copiedLog();
    const renewed = await run(data, 'device', 'new-identity', '--json');
    expect(renewed.code).toBe(0);
    const device = renewed.json().device as string;
    expect(device).not.toBe(author);
    madeElsewhere(data);
    const text = (await run(data, 'device', 'new-identity')).stdout;
    expect(text).toContain(`Every entry so far stays in the log, signed by the old device ${device}; the old key is kept aside in retired-device-keys and never used again.`);
    const now = (await run(data, 'device', '--json')).json().author as string;
    expect(now).not.toBe(device);
    expect((await run(data, 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'als nieuw apparaat', '--json')).json().seq).toBe(1);
    const authors = (await run(data, 'log', 'list', '--json')).json().map((e: { author: string }) => e.author);
    expect(authors).toEqual([now, author]);
    expect((await run(data, 'verify', '--json')).json()).toMatchObject({ ok: true, entries: 2 });
  });
});

describe('baken device new-identity beside a running node', () => {
  const tempDir = useTempDirs();

  it('is refused while baken serve (a sync node) runs on the data directory, changing nothing', async () => {
    const data = tempDir();
    const author = (await run(data, 'init', '--json')).json().author as string;
    const key = readFileSync(join(data, DEVICE_KEY_FILE), 'utf8');
    // A lock as `baken serve` holds it: this computer, a process that runs (this test's parent).
    const serve = acquireNodeLock(data, { machine: thisMachine(), now: Date.now, pid: process.ppid });
    const renewed = await run(data, 'device', 'new-identity');
    expect(renewed).toMatchObject({ code: 1, stdout: '' });
    expect(renewed.stderr).toBe(
      `baken: a Baken sync node runs on ${data} (pid ${process.ppid}) and signs with the current device key, so no new key was made; nothing was changed. ` +
        'Stop it first (close the Baken window, or stop baken serve), then run baken device new-identity again\n',
    );
    expect(readFileSync(join(data, DEVICE_KEY_FILE), 'utf8')).toBe(key);
    expect(existsSync(join(data, RETIRED_KEYS_FOLDER))).toBe(false);
    serve.release();
    expect((await run(data, 'device', 'new-identity', '--json')).json().previous).toBe(author);
  });
});
