import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { formatZodIssues } from '../../../../shared/domain/entry.js';
import { BakenError } from '../../../../shared/contract/errors.js';
import { storageError } from '../../errors.js';
import { writeFileAtomic } from '../../files/atomic-write.js';
import type { Replica } from '../../replica/replica.js';
import { clockSchema, type SyncClock } from '../protocol.js';
import { hex64, PARTIAL_SUFFIX } from './format.js';

/**
 * A clock file (docs/BUNDLE.md): what a receiver carries to a sender on the stick, so the sender's
 * bundle holds only what the receiver lacks (`--since`).
 */

export const CLOCK_FILE_FORMAT = 'baken-clock';
export const CLOCK_FILE_VERSION = 1;
/** Largest clock file readClockFile accepts. */
/** Largest clock file read: the same room as a bundle header's clock (over 400 000 authors). */
export const MAX_CLOCK_FILE_BYTES = 64 * 1024 * 1024;

/** Fields a later version may add without a new version number are ignored (dropped from what is read). */
export const clockFileSchema = z.object({
  format: z.literal(CLOCK_FILE_FORMAT),
  version: z.literal(CLOCK_FILE_VERSION),
  device: hex64,
  clock: clockSchema,
});
export type ClockFile = z.infer<typeof clockFileSchema>;

/**
 * Writes this device's clock. Synchronous (the file is small): when it returns, the file is
 * complete and synced.
 */
export function exportClock(store: Pick<Replica, 'author' | 'authorHeads'>, out: string): { file: string; authors: number } {
  const clock = Object.fromEntries(store.authorHeads()) as SyncClock;
  const file: ClockFile = { format: CLOCK_FILE_FORMAT, version: CLOCK_FILE_VERSION, device: store.author, clock };
  writeFileAtomic(out, `${JSON.stringify(file)}\n`, { doing: `writing the clock file ${out}`, partialFile: out + PARTIAL_SUFFIX });
  return { file: out, authors: Object.keys(clock).length };
}

/** Reads and checks a clock file written by exportClock; anything else is BakenError('invalid-input'). */
export function readClockFile(path: string): SyncClock {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_CLOCK_FILE_BYTES) throw new BakenError('invalid-input', `${path} is not a Baken clock file (it is ${size} bytes, far more than a clock)`);
    bytes = readFileSync(path);
  } catch (error) {
    throw storageError(error, `reading the clock file ${path}`, { path, reading: 'clock file' });
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new BakenError('invalid-input', `${path} is not a Baken clock file (${error instanceof SyntaxError ? 'not JSON' : 'not UTF-8 text'})`);
  }
  const envelope = value as { format?: unknown; version?: unknown } | null;
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope) || envelope.format !== CLOCK_FILE_FORMAT) {
    throw new BakenError('invalid-input', `${path} is not a Baken clock file`);
  }
  if (typeof envelope.version === 'number' && Number.isInteger(envelope.version) && envelope.version > CLOCK_FILE_VERSION) {
    throw new BakenError('invalid-input', `${path} was written by a newer Baken (clock file version ${envelope.version}; this Baken reads version ${CLOCK_FILE_VERSION}); update Baken to use it`);
  }
  const parsed = clockFileSchema.safeParse(value);
  if (!parsed.success) throw new BakenError('invalid-input', `${path} is a damaged Baken clock file: ${formatZodIssues(parsed.error)}`);
  return parsed.data.clock;
}
