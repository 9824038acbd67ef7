import { closeSync, fstatSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { BakenError } from '../../../../shared/contract/errors.js';
import { fromHex, toHex } from '../../../../shared/domain/hex.js';
import { storageError } from '../../errors.js';
import { createFileExclusive, syncFolder } from '../../files/atomic-write.js';

/**
 * team.key holds the team's 256-bit pre-shared key as the standard libp2p/IPFS swarm.key text: the
 * exact bytes @libp2p/pnet's preSharedKey({ psk }) takes, so other libp2p tools can read it too.
 * Whoever has it is in the team, so it is private (mode 0600), and it is only ever created where
 * none exists: which key is there decides which team the device is in.
 */
export const TEAM_KEY_FILE = 'team.key';

export interface TeamKey {
  /** The raw 32-byte pre-shared key. */
  key: Uint8Array;
  /** The exact bytes of team.key (swarm.key format): what @libp2p/pnet's preSharedKey({ psk }) takes. */
  psk: Uint8Array;
}

const SWARM_KEY_HEADER = '/key/swarm/psk/1.0.0/\n/base16/\n';
const SWARM_KEY_PATTERN = /^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n([0-9a-f]{64})\n?$/;
const MAX_KEY_FILE_BYTES = 1024;

/** The swarm.key text for a key, byte for byte what @libp2p/pnet's generateKey writes. */
export function swarmKeyBytes(key: Uint8Array): Uint8Array {
  return new TextEncoder().encode(SWARM_KEY_HEADER + toHex(key));
}

/**
 * team.key, checked; null when it does not exist. Throws a BakenError ('storage') when it is
 * damaged or readable by other users: a key others can read is no longer the team's secret.
 */
export function readTeamKey(dataDir: string): TeamKey | null {
  const file = join(dataDir, TEAM_KEY_FILE);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw storageError(error, 'reading the team key');
  }
  let bytes: Buffer;
  let mode: number;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_KEY_FILE_BYTES) throw damagedKey(file);
    mode = stat.mode;
    bytes = readFileSync(fd);
  } catch (error) {
    if (error instanceof BakenError) throw error;
    throw storageError(error, 'reading the team key');
  } finally {
    closeSync(fd);
  }
  const match = SWARM_KEY_PATTERN.exec(bytes.toString('latin1'));
  if (!match) throw damagedKey(file);
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new BakenError('storage', `the team key ${file} is readable by other users; run: chmod 600 ${file}`);
  }
  return { key: fromHex(match[1]!), psk: new Uint8Array(bytes) };
}

function damagedKey(file: string): BakenError {
  return new BakenError('storage', `the team key ${file} is damaged (not a libp2p swarm key); delete it and join the team again with an invite code`);
}

/** Creates team.key (mode 0600) for `key` unless a team.key exists; false when one does (nothing written). */
export function createTeamKey(dataDir: string, key: Uint8Array): boolean {
  return createFileExclusive(join(dataDir, TEAM_KEY_FILE), swarmKeyBytes(key), { doing: 'writing the team key', mode: 0o600 });
}

/** Takes back a team.key just created, when the rest of the team could not be written. */
export function removeTeamKey(dataDir: string): void {
  try {
    unlinkSync(join(dataDir, TEAM_KEY_FILE));
  } catch {
    // already gone, or nothing more can be done: the failure that led here is the one to report
  }
  syncFolder(dataDir);
}
