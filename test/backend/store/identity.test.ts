import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DATABASE_FILE } from '../../../electron/backend/device.js';
import { BakenError } from '../../../shared/contract/errors.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { DEVICE_KEY_FILE, loadOrCreateDeviceIdentity } from '../../../electron/backend/store/identity.js';
import { nodeCrypto } from '../../support/entries.js';
import { caught, sha256File } from '../../support/files.js';
import { useTempDirs } from '../../support/temp.js';

/**
 * node:fs as the backend sees it, with one hook: `duringKeyWrite` runs (once) when the key file's
 * bytes are about to be written, i.e. after the file exists but before it has content. That is
 * the moment a second Baken process starting at the same time can look at it.
 */
const hooks = vi.hoisted(() => ({ duringKeyWrite: undefined as (() => void) | undefined, fired: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const fire = () => {
    const hook = hooks.duringKeyWrite;
    if (!hook) return;
    hooks.duringKeyWrite = undefined;
    hooks.fired++;
    hook();
  };
  const writeSync = ((...args: Parameters<typeof real.writeSync>) => {
    fire();
    return (real.writeSync as (...a: unknown[]) => number)(...args);
  }) as typeof real.writeSync;
  const writeFileSync = ((...args: Parameters<typeof real.writeFileSync>) => {
    fire();
    return real.writeFileSync(...args);
  }) as typeof real.writeFileSync;
  return { ...real, default: { ...real, writeSync, writeFileSync }, writeSync, writeFileSync };
});

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const IDENTITY_CHILD = fileURLToPath(new URL('../../support/identity-child.ts', import.meta.url));
const execFileAsync = promisify(execFile);
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const tempDir = useTempDirs();
const backends: TestBackend[] = [];
afterEach(() => {
  for (const b of backends.splice(0)) b.close();
  hooks.duringKeyWrite = undefined;
  hooks.fired = 0;
});
function open(dataDir: string, create = false): TestBackend {
  const backend = openTestBackend({ dataDir, create });
  backends.push(backend);
  return backend;
}

const modeOf = (file: string) => statSync(file).mode & 0o777;

function expectKeyError(error: unknown, pattern: RegExp, file: string): void {
  expect(error, `not a BakenError: ${String(error)}`).toBeInstanceOf(BakenError);
  expect((error as BakenError).message).toMatch(pattern);
  expect((error as BakenError).message).toContain(file);
  expect((error as BakenError).message).not.toMatch(/\n/);
}

describe('device key', () => {
  for (const umask of [0o022, 0o000, 0o077]) {
    it(`is created with mode 0600 (umask ${umask.toString(8).padStart(3, '0')})`, () => {
      const dataDir = join(tempDir(), 'data');
      const previous = process.umask(umask);
      try {
        const backend = open(dataDir, true);
        const file = join(dataDir, DEVICE_KEY_FILE);
        expect(modeOf(file)).toBe(0o600);
        expect(statSync(file).isFile()).toBe(true);
        expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
        expect(backend.identity.publicKeyHex).toMatch(/^[0-9a-f]{64}$/);
        // the data directory it made is private too
        expect(modeOf(dataDir) & 0o077).toBe(0);
      } finally {
        process.umask(previous);
      }
    });
  }

  it('is a working Ed25519 identity: signatures verify, and the seed belongs to the public key', () => {
    const identity = loadOrCreateDeviceIdentity(tempDir());
    const message = new TextEncoder().encode('situatierapport 12:00');
    const signature = Buffer.from(identity.sign(message)).toString('hex');
    expect(nodeCrypto.verify(identity.publicKeyHex, message, signature)).toBe(true);
    expect(nodeCrypto.verify(identity.publicKeyHex, new TextEncoder().encode('iets anders'), signature)).toBe(false);
    expect(identity.privateKeySeed).toHaveLength(32);
    const fromSeed = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(identity.privateKeySeed)]),
      format: 'der',
      type: 'pkcs8',
    });
    const spki = createPublicKey(fromSeed).export({ format: 'der', type: 'spki' });
    expect(Buffer.from(spki.subarray(spki.length - 32)).toString('hex')).toBe(identity.publicKeyHex);
  });

  it('is reused on the next open: same author, same file, one continuous chain', async () => {
    const dataDir = tempDir();
    const first = open(dataDir, true);
    const file = join(dataDir, DEVICE_KEY_FILE);
    const bytes = sha256File(file);
    const author = first.identity.publicKeyHex;
    const created = await first.api['incident.create']({ title: 'Brand Haven', classification: 'intern' });
    first.close();

    const second = open(dataDir);
    expect(second.identity.publicKeyHex).toBe(author);
    expect(second.store.author).toBe(author);
    expect(Buffer.from(second.identity.privateKeySeed)).toEqual(Buffer.from(loadOrCreateDeviceIdentity(dataDir).privateKeySeed));
    const added = await second.api['log.add']({ incident: created.id, kind: 'melding', body: { text: 'Tweede sessie' }, classification: 'intern' });
    const entry = second.store.entry(added.id)!;
    expect(entry.author).toBe(author);
    expect(entry.seq).toBe(2);
    expect(entry.prev).toBe(created.entry.id);
    expect((await second.api['device.info']({})).author).toBe(author);
    expect((await second.api.verify({})).ok).toBe(true);
    expect(sha256File(file)).toBe(bytes);
    expect(modeOf(file)).toBe(0o600);
  });

  for (const mode of [0o644, 0o640, 0o604]) {
    it(`is refused when readable by others (mode ${mode.toString(8)}), with a message saying how to fix it`, async () => {
      const dataDir = tempDir();
      const author = open(dataDir, true).identity.publicKeyHex;
      backends.splice(0).forEach((b) => b.close());
      const file = join(dataDir, DEVICE_KEY_FILE);
      chmodSync(file, mode);
      const bytes = sha256File(file);
      const dbBytes = sha256File(join(dataDir, DATABASE_FILE));

      const viaBackend = await caught(() => open(dataDir));
      expectKeyError(viaBackend, /readable by other users/, file);
      expect((viaBackend as BakenError).message).toContain(`chmod 600 ${file}`);
      expectKeyError(await caught(() => loadOrCreateDeviceIdentity(dataDir)), /readable by other users/, file);
      // Left as it was: not silently re-moded, not replaced, and the log not touched.
      expect(modeOf(file)).toBe(mode);
      expect(sha256File(file)).toBe(bytes);
      expect(sha256File(join(dataDir, DATABASE_FILE))).toBe(dbBytes);

      chmodSync(file, 0o600);
      expect(open(dataDir).identity.publicKeyHex).toBe(author);
    });
  }

  it('is refused when readable by others even in a fresh data directory (nothing else created)', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, DEVICE_KEY_FILE);
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o644 });
    chmodSync(file, 0o644);
    expectKeyError(await caught(() => open(dataDir, true)), /readable by other users/, file);
    expect(existsSync(join(dataDir, DATABASE_FILE))).toBe(false);
  });

  const damaged: [string, (good: string) => string | Buffer, RegExp][] = [
    ['text that is not a key', () => 'dit is geen sleutel\n', /damaged/],
    ['a truncated PEM', (good) => good.slice(0, Math.floor(good.length / 2)), /damaged/],
    ['a PEM whose key bytes were changed', (good) => good.replace(/\n([A-Za-z0-9+/]{8})/, '\nAAAAAAAA'), /damaged/],
    ['random bytes', () => Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256)), /damaged/],
    ['an empty file', () => '', /damaged/],
    ['an RSA key instead of Ed25519', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), /not an Ed25519 key/],
    ['an EC P-256 key instead of Ed25519', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), /not an Ed25519 key/],
  ];
  for (const [name, corrupt, pattern] of damaged) {
    it(`that is damaged (${name}) gives a clear error and is not replaced`, async () => {
      const dataDir = tempDir();
      open(dataDir, true);
      backends.splice(0).forEach((b) => b.close());
      const file = join(dataDir, DEVICE_KEY_FILE);
      const good = readFileSync(file, 'utf8');
      writeFileSync(file, corrupt(good), { mode: 0o600 });
      const bytes = sha256File(file);

      const error = await caught(() => open(dataDir));
      expectKeyError(error, pattern, file);
      expect((error as BakenError).code).toBe('storage');
      expect(sha256File(file), 'the damaged key file was changed or replaced').toBe(bytes);
      expectKeyError(await caught(() => loadOrCreateDeviceIdentity(dataDir)), pattern, file);
    });
  }

  it('a directory where the key file should be gives a clear error', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, DEVICE_KEY_FILE));
    const error = await caught(() => open(dataDir, true));
    expect(error).toBeInstanceOf(BakenError);
    expect((error as BakenError).message).toMatch(/device key/);
    expect((error as BakenError).message).not.toMatch(/\n/);
  });

  it('two processes starting at once on a new data directory end up with the same key, and neither calls it damaged', async () => {
    const dataDir = tempDir();
    const marker = join(tempDir(), 'child-is-loading');
    let child: Promise<{ stdout: string; stderr: string }> | undefined;
    // This process has created the key file but not yet written it; a second Baken process starts
    // and looks at it now. This one carries on writing a moment later, as a real process would.
    hooks.duringKeyWrite = () => {
      child = execFileAsync(process.execPath, ['--import', 'tsx', IDENTITY_CHILD, dataDir, marker], { cwd: REPO, timeout: 20_000 });
      child.catch(() => undefined);
      const deadline = Date.now() + 15_000;
      while (!existsSync(marker) && Date.now() < deadline) sleepSync(5);
      expect(existsSync(marker), 'the second process did not start').toBe(true);
      sleepSync(300);
    };
    const first = loadOrCreateDeviceIdentity(dataDir);
    expect(hooks.fired, 'the key was not written with writeSync/writeFileSync, so this test could not interleave').toBe(1);
    const { stdout, stderr } = await child!;
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe(first.publicKeyHex);
    expect(loadOrCreateDeviceIdentity(dataDir).publicKeyHex).toBe(first.publicKeyHex);
    expect(fs.statSync(join(dataDir, DEVICE_KEY_FILE)).mode & 0o777).toBe(0o600);
  });
});
