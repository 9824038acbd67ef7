import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
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
}

/** Loads the device's Ed25519 key, making it on first use (mode 0600: it is the device's signature). */
export function loadOrCreateDeviceIdentity(dataDir: string): DeviceIdentity {
  const file = join(dataDir, DEVICE_KEY_FILE);
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw storageError(error, 'reading the device key');
    pem = createKeyFile(file);
  }
  return identityFromPem(pem, file);
}

function createKeyFile(file: string): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  // Exclusive: a process starting at the same moment sees no key or the whole key, never an
  // empty file, and the one that loses the race uses the winner's key.
  if (createFileExclusive(file, pem, { doing: 'creating the device key', mode: 0o600 })) return pem;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw storageError(error, 'reading the device key');
  }
}

function identityFromPem(pem: string, file: string): DeviceIdentity {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new BakenError('storage', `the device key ${file} is damaged; restore it from a backup (entries signed with it stay valid)`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new BakenError('storage', `the device key ${file} is not an Ed25519 key`);
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new BakenError('storage', `the device key ${file} is readable by other users; run: chmod 600 ${file}`);
  }
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  return {
    publicKeyHex: Buffer.from(spki.subarray(spki.length - 32)).toString('hex'),
    privateKeySeed: new Uint8Array(pkcs8.subarray(pkcs8.length - 32)),
    sign: (message) => sign(null, message, privateKey),
  };
}

/**
 * Moves the device key aside (retired-device-keys/<its public key>.pem) so the next open makes a
 * new one. It is kept rather than deleted: going back to it is then still possible by hand, for
 * whoever finds the other copy really is gone. Baken never signs with it again.
 */
export function retireDeviceKey(dataDir: string, publicKeyHex: string): string {
  const folder = join(dataDir, RETIRED_KEYS_FOLDER);
  const target = join(folder, `${publicKeyHex}.pem`);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    renameSync(join(dataDir, DEVICE_KEY_FILE), target);
    syncFolder(folder, { strict: true });
    syncFolder(dataDir, { strict: true });
  } catch (error) {
    throw storageError(error, 'setting the old device key aside');
  }
  return target;
}
