import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BakenError } from '../../shared/contract/errors.js';
import { machineHash, type Machine } from '../../electron/backend/machine.js';
import { acquireNodeLock, NODE_LOCK_FILE } from '../../electron/backend/node-lock.js';
import { DEVICE_KEY_FILE, RETIRED_KEYS_FOLDER } from '../../electron/backend/store/identity.js';
import { openTestBackend, type TestBackend } from '../support/backend.js';
import { useTempDirs } from '../support/temp.js';

/**
 * device.newIdentity while the same data directory is open elsewhere: the window, `baken serve`
 * and a CLI command each open their own backend on it, each holding the key it loaded. These run
 * in one process here; what they share is the directory, as separate processes do.
 */
const HERE: Machine = { id: machineHash('laptop-noord-id'), host: 'laptop-noord', source: 'machine-id' };
const ELSEWHERE: Machine = { id: machineHash('laptop-zuid-id'), host: 'laptop-zuid', source: 'machine-id' };
/** Above Linux's pid_max: no process has it, so its lock is stale. */
const GONE_PID = 99_999_999;

const tempDir = useTempDirs();
const opened: TestBackend[] = [];
afterEach(async () => {
  for (const backend of opened.splice(0)) await backend.stop();
});

function open(dataDir: string, options: { create?: boolean; machine?: Machine; network?: { listen: string[]; mdns: boolean } } = {}): TestBackend {
  const backend = openTestBackend({ dataDir, machine: HERE, ...options });
  opened.push(backend);
  return backend;
}

async function refused(call: Promise<unknown>): Promise<BakenError> {
  const error = await call.then(() => null, (e: unknown) => e);
  expect(error, 'the call was not refused').toBeInstanceOf(BakenError);
  return error as BakenError;
}

const keyFile = (dir: string) => join(dir, DEVICE_KEY_FILE);
const retired = (dir: string) => (existsSync(join(dir, RETIRED_KEYS_FOLDER)) ? readdirSync(join(dir, RETIRED_KEYS_FOLDER)).sort() : []);
const otherKey = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

async function withIncident(dir: string): Promise<{ a: TestBackend; incident: string }> {
  const a = open(dir, { create: true });
  const { id: incident } = await a.api['incident.create']({ title: 'Uitval NAFIN' });
  return { a, incident };
}

describe('a new device key while the data directory is open elsewhere', () => {
  it('a backend that stays open signs nothing more with the retired key: its writes are refused, nothing is written; reading goes on', async () => {
    const dir = tempDir();
    const { a, incident } = await withIncident(dir);
    const old = a.store.author;
    const b = open(dir);
    const chosen = await b.api['device.newIdentity']({});
    expect(chosen.previous).toBe(old);

    const count = a.store.count();
    for (const write of [a.api['log.add']({ incident, kind: 'melding', body: { text: 'met de oude sleutel?' } }), a.api['incident.create']({ title: 'na het vervangen' })]) {
      const error = await refused(write);
      expect(error.code).toBe('conflict');
      expect(error.message).toBe(
        `the device key ${keyFile(dir)} was replaced by another Baken process (baken device new-identity): this process still holds the old key, which signs nothing more, so nothing was written. ` +
          'Open Baken again (restart baken serve, or close and reopen the window) to go on with the new key',
      );
    }
    expect(a.store.count()).toBe(count);
    expect((await a.api['log.list']({ limit: 10 })).entries).toHaveLength(count);

    const again = open(dir);
    expect(again.store.author).toBe(chosen.device);
    const next = await again.api['log.add']({ incident, kind: 'melding', body: { text: 'als nieuw apparaat' } });
    const authors = (await again.api['log.list']({ limit: 10, order: 'oldest' })).entries.map((e) => e.author);
    expect(authors).toEqual([old, chosen.device]);
    expect(next.seq).toBe(1);
    expect(await again.api.verify({})).toMatchObject({ ok: true, entries: 2 });
  });

  it('while the key is set aside, before the new one is made, an open backend signs nothing either', async () => {
    const dir = tempDir();
    const { a, incident } = await withIncident(dir);
    const pem = readFileSync(keyFile(dir), 'utf8');
    unlinkSync(keyFile(dir));
    const error = await refused(a.api['log.add']({ incident, kind: 'melding', body: { text: 'zonder sleutel' } }));
    expect(error.message).toMatch(new RegExp(`^the device key ${keyFile(dir)} was set aside \\(baken device new-identity\\) by another Baken process: `));
    writeFileSync(keyFile(dir), pem, { mode: 0o600 });
    expect((await a.api['log.add']({ incident, kind: 'melding', body: { text: 'sleutel terug' } })).seq).toBe(2);
  });

  it('the same key touched, or put back by hand as another file, signs on; another key in its place does not', async () => {
    const dir = tempDir();
    const { a, incident } = await withIncident(dir);
    const add = (text: string) => a.api['log.add']({ incident, kind: 'melding', body: { text } });
    const pem = readFileSync(keyFile(dir), 'utf8');
    utimesSync(keyFile(dir), new Date(2030, 0, 1), new Date(2030, 0, 1));
    expect((await add('aangeraakt')).seq).toBe(2);
    unlinkSync(keyFile(dir));
    writeFileSync(keyFile(dir), pem, { mode: 0o600 });
    expect((await add('teruggezet')).seq).toBe(3);
    unlinkSync(keyFile(dir));
    writeFileSync(keyFile(dir), otherKey(), { mode: 0o600 });
    expect((await refused(add('andere sleutel'))).code).toBe('conflict');
    unlinkSync(keyFile(dir));
    writeFileSync(keyFile(dir), pem, { mode: 0o600 });
    expect((await add('weer de eigen')).seq).toBe(4);
    expect(await a.api.verify({})).toMatchObject({ ok: true, entries: 4 });
  });

  it('two backends asking for a new key: the second is refused and changes nothing; the retired file holds the old key, the new key stays', async () => {
    const dir = tempDir();
    const { a } = await withIncident(dir);
    const old = a.store.author;
    const oldPem = readFileSync(keyFile(dir), 'utf8');
    const b = open(dir);
    const first = await a.api['device.newIdentity']({});
    const newPem = readFileSync(keyFile(dir), 'utf8');

    const error = await refused(b.api['device.newIdentity']({}));
    expect(error.code).toBe('conflict');
    expect(error.message).toBe(
      `the device key ${keyFile(dir)} is no longer this process's key ${old.slice(0, 12)}: it now holds device ${first.device.slice(0, 12)}'s key, made by another Baken process (baken device new-identity); nothing was changed. ` +
        'Open Baken again to go on with the key that is there now; make another new key only if that is still what you want',
    );
    expect(readFileSync(keyFile(dir), 'utf8')).toBe(newPem);
    expect(retired(dir)).toEqual([`${old}.pem`]);
    expect(readFileSync(join(dir, RETIRED_KEYS_FOLDER, `${old}.pem`), 'utf8')).toBe(oldPem);
    expect(open(dir).store.author).toBe(first.device);
  });

  it('a retired key file is never overwritten: one holding another key refuses, changing nothing; one holding this key (a retire cut short) is finished', async () => {
    const dir = tempDir();
    const { a, incident } = await withIncident(dir);
    const old = a.store.author;
    const pem = readFileSync(keyFile(dir), 'utf8');
    const target = join(dir, RETIRED_KEYS_FOLDER, `${old}.pem`);
    mkdirSync(join(dir, RETIRED_KEYS_FOLDER), { mode: 0o700 });
    const stranger = otherKey();
    writeFileSync(target, stranger, { mode: 0o600 });

    const error = await refused(a.api['device.newIdentity']({}));
    expect(error.message).toBe(
      `${target} already exists and does not hold this device's key ${old.slice(0, 12)}: a retired key is never overwritten, so nothing was changed. ` +
        'Move that file somewhere safe, then run baken device new-identity again',
    );
    expect(readFileSync(target, 'utf8')).toBe(stranger);
    expect(readFileSync(keyFile(dir), 'utf8')).toBe(pem);
    expect(retired(dir)).toEqual([`${old}.pem`]);
    expect((await a.api['log.add']({ incident, kind: 'melding', body: { text: 'nog steeds' } })).seq).toBe(2);

    writeFileSync(target, pem, { mode: 0o600 });
    const chosen = await a.api['device.newIdentity']({});
    expect(chosen.previous).toBe(old);
    expect(readFileSync(target, 'utf8')).toBe(pem);
    expect(readFileSync(keyFile(dir), 'utf8')).not.toBe(pem);
    expect(readdirSync(dir).filter((f) => f.startsWith(DEVICE_KEY_FILE))).toEqual([DEVICE_KEY_FILE]);
  });

  it('is refused while a sync node runs on the directory in another process on this computer, naming it and changing nothing; a stale lock is no obstacle', async () => {
    const dir = tempDir();
    const { a, incident } = await withIncident(dir);
    const pem = readFileSync(keyFile(dir), 'utf8');
    const serve = acquireNodeLock(dir, { machine: HERE, now: Date.now, pid: process.ppid });
    const lock = readFileSync(join(dir, NODE_LOCK_FILE), 'utf8');

    const error = await refused(a.api['device.newIdentity']({}));
    expect(error.code).toBe('conflict');
    expect(error.message).toBe(
      `a Baken sync node runs on ${dir} (pid ${process.ppid}) and signs with the current device key, so no new key was made; nothing was changed. ` +
        'Stop it first (close the Baken window, or stop baken serve), then run baken device new-identity again',
    );
    expect(readFileSync(keyFile(dir), 'utf8')).toBe(pem);
    expect(existsSync(join(dir, RETIRED_KEYS_FOLDER))).toBe(false);
    expect(readFileSync(join(dir, NODE_LOCK_FILE), 'utf8')).toBe(lock);
    expect((await a.api['log.add']({ incident, kind: 'melding', body: { text: 'gaat door' } })).seq).toBe(2);

    serve.release();
    acquireNodeLock(dir, { machine: HERE, now: Date.now, pid: GONE_PID });
    const chosen = await a.api['device.newIdentity']({});
    expect(chosen.previous).toBe(a.store.author);
    expect(existsSync(join(dir, NODE_LOCK_FILE))).toBe(false);
  });

  it('a backend opened before the key was replaced does not start its sync node with the retired key, and leaves the node lock free', async () => {
    const dir = tempDir();
    const setup = open(dir, { create: true });
    await setup.api['team.create']({ name: 'ROT Test' });
    await setup.stop();
    const serve = open(dir, { network: { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false } });
    await open(dir).api['device.newIdentity']({});

    const error = await refused(serve.start());
    expect(error.message).toMatch(new RegExp(`^the device key ${keyFile(dir)} was replaced by another Baken process`));
    expect(existsSync(join(dir, NODE_LOCK_FILE))).toBe(false);
  });

  it('a copied directory with the other computer\'s node lock in it: the lock is no obstacle here, and is removed', async () => {
    const dir = tempDir();
    const made = open(dir, { create: true, machine: ELSEWHERE });
    await made.api['incident.create']({ title: 'Uitval NAFIN' });
    await made.stop();
    acquireNodeLock(dir, { machine: ELSEWHERE, now: Date.now, pid: 4242 });
    const copy = open(dir);
    expect((await copy.api['device.origin']({})).status).toBe('moved');
    expect(await copy.api['device.newIdentity']({})).toMatchObject({ previous: made.store.author, from: 'laptop-zuid', clearedLock: true });
    expect(existsSync(join(dir, NODE_LOCK_FILE))).toBe(false);
  });
});
