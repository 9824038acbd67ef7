import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { closeSync, fstatSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { EntrySigner } from '../../../shared/domain/entry.js';
import { BakenError } from '../../../shared/contract/errors.js';
import { storageError } from '../errors.js';
import { createFileExclusive, syncFolder } from '../files/atomic-write.js';

export const DEVICE_KEY_FILE = 'device-key.pem';
/** Where a replaced device key is kept: never loaded again, but not destroyed either. */
export const RETIRED_KEYS_FOLDER = 'retired-device-keys';

export interface DeviceIdentity extends EntrySigner {
  /** The raw 32-byte Ed25519 seed, for libp2p's identity (same key, one device). */
  readonly privateKeySeed: Uint8Array;
  /**
   * Throws a `conflict` when device-key.pem no longer holds this key: another process on the data
   * directory retired it (device.newIdentity). `sign` checks this itself before every signature.
   */
  assertCurrent(): void;
}

/** Loads the device's Ed25519 key, making it on first use (mode 0600: it is the device's signature). */
export function loadOrCreateDeviceIdentity(dataDir: string): DeviceIdentity {
  const file = join(dataDir, DEVICE_KEY_FILE);
  let read = readKeyFile(file);
  if (!read) {
    createKeyFile(file);
    // The one that loses the creation race uses the winner's key.
    read = readKeyFile(file);
    if (!read) throw new BakenError('storage', `the device key ${file} was removed while it was being created; open Baken again`);
  }
  return identityFromPem(read, file);
}

function createKeyFile(file: string): void {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  // Exclusive: a process starting at the same moment sees no key or the whole key, never an
  // empty file.
  createFileExclusive(file, pem, { doing: 'creating the device key', mode: 0o600 });
}

/** Which file was read: a file put in its place since differs in one of these. */
interface Stamp {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

const stampOf = (s: Stats): Stamp => ({ dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs });
const sameStamp = (s: Stats, t: Stamp) => s.ino === t.ino && s.mtimeMs === t.mtimeMs && s.ctimeMs === t.ctimeMs && s.size === t.size && s.dev === t.dev;

interface KeyFile {
  pem: string;
  stamp: Stamp;
  mode: number;
}

/**
 * The key file's text with the stamp of the very file read (fstat of the open file, before
 * reading it: a stamp taken by path could describe a file that replaced it meanwhile); null when
 * there is none.
 */
function readKeyFile(file: string): KeyFile | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw storageError(error, 'reading the device key', { path: file, reading: 'device key' });
  }
  try {
    const stats = fstatSync(fd);
    return { stamp: stampOf(stats), mode: stats.mode, pem: readFileSync(fd, 'utf8') };
  } catch (error) {
    throw storageError(error, 'reading the device key', { path: file, reading: 'device key' });
  } finally {
    closeSync(fd);
  }
}

function privateKeyFromPem(pem: string, file: string): KeyObject {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new BakenError('storage', `the device key ${file} is damaged; restore it from a backup (entries signed with it stay valid)`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new BakenError('storage', `the device key ${file} is not an Ed25519 key`);
  return privateKey;
}

function publicKeyHexOf(privateKey: KeyObject): string {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return Buffer.from(spki.subarray(spki.length - 32)).toString('hex');
}

/** The public key in this text; null when it is no Ed25519 key. */
function publicKeyOfPem(pem: string, file: string): string | null {
  try {
    return publicKeyHexOf(privateKeyFromPem(pem, file));
  } catch {
    return null;
  }
}

/** The public key of the key in `file`; null when there is no such file, 'damaged' when it holds no Ed25519 key. */
function publicKeyInFile(file: string): string | null | 'damaged' {
  const read = readKeyFile(file);
  return read && (publicKeyOfPem(read.pem, file) ?? 'damaged');
}

function identityFromPem(read: KeyFile, file: string): DeviceIdentity {
  const privateKey = privateKeyFromPem(read.pem, file);
  if (process.platform !== 'win32' && (read.mode & 0o077) !== 0) {
    throw new BakenError('storage', `the device key ${file} is readable by other users; run: chmod 600 ${file}`);
  }
  const publicKeyHex = publicKeyHexOf(privateKey);
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  let stamp = read.stamp;
  // Every process on the data directory (the window, `baken serve`, the CLI) holds the key it
  // loaded; when another one retires it, this one must notice before it signs again. A stat per
  // signature, compared with the file that was loaded; the file is read again only when it changed.
  const assertCurrent = () => {
    let now: Stats | undefined;
    try {
      now = statSync(file, { throwIfNoEntry: false });
    } catch (error) {
      throw storageError(error, 'checking the device key', { path: file });
    }
    if (now && sameStamp(now, stamp)) return;
    const again = now ? readKeyFile(file) : null;
    if (!again) throw keyNoLongerHere(file, null);
    const holds = publicKeyOfPem(again.pem, file);
    if (holds !== publicKeyHex) throw keyNoLongerHere(file, holds);
    // The same key (touched, or put back by hand): go on, and compare with this file from now on.
    stamp = again.stamp;
  };
  return {
    publicKeyHex,
    privateKeySeed: new Uint8Array(pkcs8.subarray(pkcs8.length - 32)),
    assertCurrent,
    sign: (message) => {
      assertCurrent();
      return sign(null, message, privateKey);
    },
  };
}

function keyNoLongerHere(file: string, holds: string | null): BakenError {
  const what = holds === null ? `was set aside (baken device new-identity) by another Baken process` : `was replaced by another Baken process (baken device new-identity)`;
  return new BakenError(
    'conflict',
    `the device key ${file} ${what}: this process still holds the old key, which signs nothing more, so nothing was written. ` +
      'Open Baken again (restart baken serve, or close and reopen the window) to go on with the new key',
  );
}

/**
 * Moves the device key aside (retired-device-keys/<its public key>.pem) so the next open makes a
 * new one. It is kept rather than deleted: going back to it is then still possible by hand, for
 * whoever finds the other copy really is gone. Baken never signs with it again.
 *
 * Only the key this backend holds is retired: another process on the directory may have replaced
 * it already, and moving that one aside would file a key under the wrong name and drop the one in
 * use. A file in the retired folder is never overwritten. Refusals change nothing.
 */
export function retireDeviceKey(dataDir: string, publicKeyHex: string): string {
  const file = join(dataDir, DEVICE_KEY_FILE);
  const folder = join(dataDir, RETIRED_KEYS_FOLDER);
  const target = join(folder, `${publicKeyHex}.pem`);
  const read = readKeyFile(file);
  const holds = read && (publicKeyOfPem(read.pem, file) ?? 'damaged');
  if (!read || holds !== publicKeyHex) throw notThisKey(file, publicKeyHex, holds);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw storageError(error, 'setting the old device key aside', { path: target });
  }
  // A copy made exclusively, of the text just checked: never over another file, whatever is in
  // device-key.pem by now.
  if (!createFileExclusive(target, read.pem, { doing: 'setting the old device key aside', mode: 0o600 })) {
    // Already there: from a retire that was cut short, or one running right now in another
    // process. Only when it is this very key may device-key.pem go.
    const there = publicKeyInFile(target);
    if (there !== publicKeyHex) {
      throw new BakenError(
        'conflict',
        `${target} already exists and does not hold this device's key ${publicKeyHex.slice(0, 12)}: a retired key is never overwritten, so nothing was changed. ` +
          'Move that file somewhere safe, then run baken device new-identity again',
      );
    }
  }
  removeKeyFileIfStill(file, publicKeyHex);
  try {
    syncFolder(folder, { strict: true });
    syncFolder(dataDir, { strict: true });
  } catch (error) {
    throw storageError(error, 'setting the old device key aside', { path: target });
  }
  return target;
}

/**
 * device-key.pem goes only while it holds `publicKeyHex`: it is first moved to a name of its own
 * (atomic: whatever is there then, is what gets checked), and put back when another process
 * replaced it meanwhile. Checking first and then deleting by name could delete a new key.
 */
function removeKeyFileIfStill(file: string, publicKeyHex: string): void {
  const aside = `${file}.retiring-${randomBytes(6).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notThisKey(file, publicKeyHex, null);
    throw storageError(error, 'setting the old device key aside', { path: file });
  }
  const moved = publicKeyInFile(aside);
  if (moved === publicKeyHex) {
    // Its copy in the retired folder is what counts; a leftover here is never loaded.
    unlinkQuietly(aside);
    return;
  }
  const error = notThisKey(file, publicKeyHex, moved);
  if (putBack(aside, file)) throw error;
  throw new BakenError('conflict', `${error.message}. The key found there is kept as ${aside}`);
}

/** Back under its name (exclusively); false when yet another key was made meanwhile, or this disk has no hard links. */
function putBack(aside: string, file: string): boolean {
  try {
    linkSync(aside, file);
  } catch {
    return false;
  }
  unlinkQuietly(aside);
  return true;
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone, or stays as a file nothing reads.
  }
}

function notThisKey(file: string, mine: string, holds: string | null | 'damaged'): BakenError {
  const head = `the device key ${file} is no longer this process's key ${mine.slice(0, 12)}`;
  if (holds === 'damaged') {
    return new BakenError('conflict', `${head}: the file is damaged; nothing was changed. Restore it from a backup, or from ${RETIRED_KEYS_FOLDER} if it was set aside there`);
  }
  const why = holds === null ? 'another Baken process has just set it aside' : `it now holds device ${holds.slice(0, 12)}'s key, made by another Baken process`;
  return new BakenError(
    'conflict',
    `${head}: ${why} (baken device new-identity); nothing was changed. ` +
      'Open Baken again to go on with the key that is there now; make another new key only if that is still what you want',
  );
}
