import { z } from 'zod';
import { CLASSIFICATIONS, isoInstantSchema, incidentIdSchema, kindNameSchema, MAX_LINE, MAX_TEXT } from '../domain/kinds.js';

/** Input fields several areas share. Inputs trim what people type; stored bodies never transform. */
export const text = z.string().trim().min(1, 'must not be empty').max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);
export const line = z.string().trim().min(1, 'must not be empty').max(MAX_LINE, `must be at most ${MAX_LINE} characters`);
export const gripLevel = z.number().int('must be a whole number').min(0, 'must be 0 to 5').max(5, 'must be 0 to 5');
export const classification = z.enum(CLASSIFICATIONS);
const pageLimit = z.number().int().min(1).max(1000).default(100);

export const entryFilterSchema = z.strictObject({
  incident: incidentIdSchema.optional(),
  // Any kind's name, so entries a newer version wrote can be listed by their kind too.
  kind: kindNameSchema.optional(),
  author: z.string().regex(/^[0-9a-f]{64}$/, 'must be an author key (64 hex characters)').optional(),
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
