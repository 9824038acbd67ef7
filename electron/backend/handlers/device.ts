import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { deviceArea, IdentityChoiceView } from '../../../shared/contract/device.js';
import { BakenError } from '../../../shared/contract/errors.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import type { Machine } from '../machine.js';
import { acquireNodeLock, clearForeignLock, NODE_LOCK_FILE, parseLock, type NodeLock } from '../node-lock.js';
import { claimOrigin, type Origin } from '../origin.js';
import { loadOrCreateDeviceIdentity, retireDeviceKey } from '../store/identity.js';

export interface DeviceHandlerDeps {
  dataDir: string;
  machine: Machine;
  now: () => number;
  /** The device key the backend signs with. */
  author: string;
  origin(): Origin;
  setOrigin(origin: Origin): void;
  /** The key was replaced: this backend still holds the old one, and must not sign with it. */
  keyReplaced(device: string): void;
}

/** Where this data directory belongs, and the two ways to go on with one copied to this computer. */
export function createDeviceHandlers(deps: DeviceHandlerDeps): HandlersOf<typeof deviceArea> {
  const { dataDir, machine, now } = deps;
  let device = deps.author;

  /** Records this computer as the directory's own, and removes a lock the other computer's node left in the copy. */
  const takeHere = (previous: string): IdentityChoiceView => {
    const before = deps.origin();
    const from = before.status === 'moved' ? before.recorded.host : null;
    deps.setOrigin({ status: 'here', recorded: claimOrigin(dataDir, machine, now()) });
    return { device, previous, host: machine.host, from, clearedLock: clearForeignLock(dataDir, machine) };
  };

  return {
    'device.origin': () => {
      const origin = deps.origin();
      return { status: origin.status, device, host: machine.host, recorded: origin.recorded && { host: origin.recorded.host, since: origin.recorded.since } };
    },
    'device.keepIdentity': () => takeHere(device),
    'device.newIdentity': () => {
      const previous = device;
      const lock = lockOutNodes(dataDir, machine, now, deps.origin().status === 'moved');
      try {
        retireDeviceKey(dataDir, previous);
        device = loadOrCreateDeviceIdentity(dataDir).publicKeyHex;
      } finally {
        lock?.release();
      }
      deps.keyReplaced(device);
      return takeHere(previous);
    },
  };
}

/**
 * A sync node on this directory (the window or `baken serve`, in this process or another) signs
 * and announces itself with the current key for as long as it runs: the key is not replaced under
 * it, and holding its lock while the key is replaced keeps one from starting meanwhile. A lock
 * taken on another computer that came with a copied directory is left for takeHere to remove: no
 * node on this computer can take the directory while that lock is in it.
 */
function lockOutNodes(dataDir: string, machine: Machine, now: () => number, copied: boolean): NodeLock | null {
  const held = () => {
    try {
      return parseLock(readFileSync(join(dataDir, NODE_LOCK_FILE), 'utf8'));
    } catch {
      return null;
    }
  };
  const before = held();
  if (copied && before && before.machine !== machine.id) return null;
  try {
    return acquireNodeLock(dataDir, { machine, now });
  } catch (error) {
    const holder = held();
    if (!(error instanceof BakenError) || error.code !== 'conflict' || !holder || holder.machine !== machine.id) throw error;
    const who = holder.pid === process.pid ? `this Baken process runs the sync node on ${dataDir}` : `a Baken sync node runs on ${dataDir} (pid ${holder.pid})`;
    throw new BakenError(
      'conflict',
      `${who} and signs with the current device key, so no new key was made; nothing was changed. ` +
        'Stop it first (close the Baken window, or stop baken serve), then run baken device new-identity again',
    );
  }
}
