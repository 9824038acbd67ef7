import { z } from 'zod';
import type { ProfileVersion } from '../domain/people.js';
import { DISCIPLINES, MAX_LINE } from '../domain/kinds.js';
import { line } from './fields.js';
import type { AppendedView } from './log.js';
import { method } from './method.js';

/** A profile field to set: text, or '' to clear it. */
const clearable = z.string().trim().max(MAX_LINE, `must be at most ${MAX_LINE} characters`);
const clearableDiscipline = z
  .string()
  .trim()
  .toUpperCase()
  .refine((d) => d === '' || (DISCIPLINES as readonly string[]).includes(d), `must be one of ${DISCIPLINES.join(', ')}, or empty to clear it`);

/** This device, who it is, and who everyone else in the log is. */
export const peopleArea = {
  'device.info': method(z.strictObject({})).returns<DeviceView>(),
  /**
   * Says who this device is: a signed `profiel` entry that syncs like any other, so every teammate
   * shows the name. A field left out keeps its current value, '' clears it; nothing is written when
   * nothing changes. The first profile needs a name.
   */
  'device.set': method(
    z.strictObject({
      name: line.optional(),
      function: clearable.optional(),
      organisation: clearable.optional(),
      team: clearable.optional(),
      discipline: clearableDiscipline.optional(),
    }),
  ).returns<{ entry: AppendedView | null; person: PersonView }>(),
  /** Everyone who wrote to this log (and this device), each with their latest profile and its history, sorted by label. */
  'people.list': method(z.strictObject({})).returns<PersonView[]>(),
};

export interface PersonView {
  /** The device key. */
  author: string;
  /** Null, like the fields below, for a device without a profile. */
  name: string | null;
  /** An LCMS function code (IM, HIN, PLOT, …) or free text. */
  function: string | null;
  organisation: string | null;
  team: string | null;
  discipline: string | null;
  /** What to show instead of the key: "Anna de Vries (IM, ROT Brabant-Noord)", or "device 5cf67f49" without a profile. */
  label: string;
  /** This device. */
  self: boolean;
  /** Every profile it wrote, oldest first. */
  history: ProfileVersion[];
}

export interface DeviceView { author: string; dataDir: string; entries: number; forkedAuthors: string[]; person: PersonView }
