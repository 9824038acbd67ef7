import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { closeSync, constants, fsyncSync, linkSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EntrySigner } from '../../../shared/domain/entry.js';
import { BakenError, storageError } from '../errors.js';

export const DEVICE_KEY_FILE = 'device-key.pem';

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
  // Written in full to a private temporary file, then published with link(), which fails when the
  // key exists: a process starting at the same moment sees no key or the whole key, never an empty file.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    writeSync(fd, pem);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    try {
      linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8');
      throw error;
    }
    return pem;
  } catch (error) {
    throw storageError(error, 'creating the device key');
  } finally {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
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
