import { z } from 'zod';
import { method } from './method.js';

/**
 * Which computer this data directory belongs to, and the choice a person makes when it was copied
 * to another one. Until that choice, every other method is refused with a `conflict` (two
 * computers signing as one device fork its log), so a user interface asks `device.origin` first.
 */
export const deviceArea = {
  'device.origin': method(z.strictObject({})).returns<OriginView>(),
  /** This computer goes on as the device the data directory holds; the other copy must never run again. */
  'device.keepIdentity': method(z.strictObject({})).returns<IdentityChoiceView>(),
  /**
   * This computer gets a new device key (the old one is kept aside, unused); the entries so far stay,
   * signed by the old key. The backend that did this must be opened again to sign with the new key.
   */
  'device.newIdentity': method(z.strictObject({})).returns<IdentityChoiceView>(),
};

export interface OriginView {
  /** `here`: opened on the computer it belongs to. `moved`: made on another one; nothing is written or synced until a choice. */
  status: 'here' | 'moved';
  /** The device key this data directory signs with (64 hex). */
  device: string;
  /** This computer's name. */
  host: string;
  /** The computer it belongs to, as recorded; null when it could not be recorded (a read-only disk). */
  recorded: { host: string; since: string } | null;
}

export interface IdentityChoiceView {
  /** The device key this data directory signs with from now on. */
  device: string;
  /** The one it signed with before (the same after keepIdentity). */
  previous: string;
  /** The computer it now belongs to. */
  host: string;
  /** The computer it was copied from, when it was moved. */
  from: string | null;
  /** A node lock left by a node on the other computer was removed. */
  clearedLock: boolean;
}
