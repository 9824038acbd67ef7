import type { deviceArea, IdentityChoiceView } from '../../../shared/contract/device.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import type { Machine } from '../machine.js';
import { clearForeignLock } from '../node-lock.js';
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
      retireDeviceKey(dataDir, previous);
      device = loadOrCreateDeviceIdentity(dataDir).publicKeyHex;
      deps.keyReplaced(device);
      return takeHere(previous);
    },
  };
}
