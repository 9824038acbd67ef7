import { z } from 'zod';
import { CLASSIFICATIONS, DISCIPLINES, isoInstantSchema, kindNameSchema, MAX_LINE, MAX_TEXT } from '../domain/kinds.js';

/** Input fields several areas share. Inputs trim what people type; stored bodies never transform. */
export const text = z.string().trim().min(1, 'must not be empty').max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);
export const line = z.string().trim().min(1, 'must not be empty').max(MAX_LINE, `must be at most ${MAX_LINE} characters`);
export const gripLevel = z.number().int('must be a whole number').min(0, 'must be 0 to 5').max(5, 'must be 0 to 5');
export const classification = z.enum(CLASSIFICATIONS);
const pageLimit = z.number().int().min(1).max(1000).default(100);

/**
 * Ids as people type them: the whole id, or any start of it of 6 or more hex characters, in either
 * case (ids are lowercase hex; a person copying one from paper may not be). The backend resolves a
 * start to the one id it begins (electron/backend/handlers/resolve.ts), and refuses one that begins
 * several, naming them.
 */
const idRef = (max: number, what: string) =>
  z.string().trim().toLowerCase().regex(new RegExp(`^[0-9a-f]{6,${max}}$`), `must be ${what}: its ${max} hex characters, or a unique start of 6 or more`);
export const entryRef = idRef(64, 'an entry id');
export const incidentRef = idRef(32, 'an incident id');
export const authorRef = idRef(64, 'a device key');

/** A discipline as LCMS codes it, in any case. */
export const discipline = z.string().trim().toUpperCase().pipe(z.enum(DISCIPLINES, { error: `must be one of ${DISCIPLINES.join(', ')}` }));

/**
 * Who is at the keyboard (on a shared laptop, the person, not the device) and when what is logged
 * happened, when that was earlier than now. Every method that writes an entry takes them.
 */
export const whoWhen = { happenedAt: isoInstantSchema.optional(), operator: line.optional() };

/**
 * An action's owner or issuer as an address: a device of the people directory (its key or a start
 * of it), the person at its keyboard, or organisation / team / discipline / function as LCMS has them.
 */
export const party = z
  .strictObject({ device: authorRef.optional(), person: line.optional(), organisation: line.optional(), team: line.optional(), discipline: discipline.optional(), function: line.optional() })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'give a device, a person, an organisation, a team, a discipline or a function', path: ['person'] });
export type PartyInput = z.output<typeof party>;

export const entryFilterSchema = z.strictObject({
  incident: incidentRef.optional(),
  // Any kind's name, so entries a newer version wrote can be listed by their kind too.
  kind: kindNameSchema.optional(),
  author: authorRef.optional(),
  classification: classification.optional(),
  from: isoInstantSchema.optional(),
  to: isoInstantSchema.optional(),
  cursor: z.string().regex(/^[0-9]{1,19}$/, 'is not a cursor from a previous page').optional(),
  limit: pageLimit,
  order: z.enum(['newest', 'oldest']).default('newest'),
});
export type EntryFilterInput = z.output<typeof entryFilterSchema>;

/**
 * A long operation's id, chosen by the client so it can tell its own progress events from others'
 * (a window may run an import while a teammate's export runs in the CLI). The backend makes one when absent.
 */
export const operationId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, - or _').optional();
