import { closeSync, openSync, readSync } from 'node:fs';
import { DEFAULT_MAX_SKEW_MS } from '../../../shared/domain/hlc.js';
import { MAX_TEXT } from '../../../shared/domain/kinds.js';
import { instantFlag, optionalFlag, UsageError, type CommandContext, type FlagSpec } from '../command.js';

/** Flags every command that writes an entry takes. */
export const WHO_WHEN_FLAGS: Record<string, FlagSpec> = {
  at: { type: 'string', value: 'TIME', description: 'when it happened, if earlier (the log still orders it by when it was logged)' },
  by: { type: 'string', value: 'NAME', description: 'who is at the keyboard, on a shared laptop (default: $BAKEN_OPERATOR)' },
};

/** `--at` through the one instant parser (so its rules change in one place), `--by` else BAKEN_OPERATOR for the whole shell. */
export function whoWhen(ctx: CommandContext): { happenedAt: string | undefined; operator: string | undefined } {
  const operator = optionalFlag(ctx, 'by') ?? ctx.env.BAKEN_OPERATOR;
  return { happenedAt: happenedAt(ctx), operator: operator?.trim() ? operator : undefined };
}

/**
 * `--at`, refused here when it has not come yet, in the reader's local time (the backend refuses it
 * too, in UTC). A time of day alone means today, so after midnight "23:40" is tonight: say how to
 * give yesterday's.
 */
function happenedAt(ctx: CommandContext): string | undefined {
  const at = instantFlag(ctx, 'at');
  if (at === undefined || Date.parse(at) <= ctx.time.now + DEFAULT_MAX_SKEW_MS) return at;
  const typed = optionalFlag(ctx, 'at')!.trim();
  const timeOfDay = /^\d{1,2}:\d\d(:\d\d)?$/.test(typed);
  const yesterday = `${localDate(Date.parse(at) - 86_400_000, ctx.time.zone)} ${typed}`;
  throw new UsageError(`--at ${ctx.time.at(at)} has not come yet (it is ${ctx.time.at(ctx.time.now)} now)${timeOfDay ? `; ${typed} means today: for yesterday, give --at "${yesterday}"` : ''}`);
}

/** A day as --at reads it: 2026-12-01, in the zone (en-CA writes dates year first). */
function localDate(ms: number, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

const LIMIT = `at most ${MAX_TEXT.toLocaleString('en')} characters`;
export const TEXT_FLAGS: Record<string, FlagSpec> = {
  text: { type: 'string', value: 'TEXT', description: `the entry text, ${LIMIT}; - reads it from standard input` },
  'text-file': { type: 'string', value: 'FILE', description: `read the entry text from this file (UTF-8, ${LIMIT})` },
};

// UTF-8 takes at most 3 bytes per UTF-16 code unit, so a text that fits is never longer than this
// (with room for the white space around it, which is trimmed); a longer input is not read whole.
const MAX_BYTES = MAX_TEXT * 3 + 4096;

/**
 * The text from `--text` (the text itself, or - for standard input) or `--text-file`; undefined when
 * neither is given. A text that cannot fit in an entry is refused here, saying how long it is,
 * before anything is written.
 */
export async function textFlag(ctx: CommandContext): Promise<string | undefined> {
  const direct = optionalFlag(ctx, 'text');
  const file = optionalFlag(ctx, 'text-file');
  if (direct !== undefined && file !== undefined) throw new UsageError('give either --text or --text-file, not both');
  let text: string | undefined;
  let from = 'the text';
  if (direct === '-') {
    from = 'the text on standard input';
    text = fitting(await ctx.stdin(MAX_BYTES), from);
  } else if (file !== undefined) {
    from = `the text in ${file}`;
    text = fitting(readText(file), from);
  } else text = direct;
  if (text === undefined) return undefined;
  const length = text.trim().length;
  if (length > MAX_TEXT) throw new UsageError(`${from} is ${length.toLocaleString('en')} characters long; an entry holds ${LIMIT}: split it over several entries`);
  // Typed on the command line, a blank text is the API's to refuse, naming the body's field.
  if (length === 0 && from !== 'the text') throw new UsageError(`${from} is empty`);
  return text;
}

function fitting(text: string | null, from: string): string {
  if (text === null) throw new UsageError(`${from} is longer than ${LIMIT} an entry holds: split it over several entries`);
  return text;
}

function readText(file: string): string | null {
  try {
    const bytes = readFileAtMost(file, MAX_BYTES);
    return bytes && new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`--text-file: there is no file ${file}`);
    if (code === 'EISDIR') throw new UsageError(`--text-file: ${file} is a folder, not a file`);
    if (code === 'EACCES') throw new UsageError(`--text-file: ${file} may not be read (permissions)`);
    if (error instanceof TypeError) throw new UsageError(`--text-file: ${file} is not UTF-8 text`);
    throw new UsageError(`--text-file: ${file} cannot be read: ${(error as Error).message}`);
  }
}

/**
 * The file's bytes, or null once it holds more than `maxBytes`. Read, not sized up front: a FIFO,
 * `<(command)` or a device such as /dev/zero has size 0 and may never end, so only reading at most
 * one byte past the limit keeps a wrong --text-file from filling the memory.
 */
function readFileAtMost(file: string, maxBytes: number): Buffer | null {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let size = 0;
    while (size < buffer.length) {
      const read = readSync(fd, buffer, size, buffer.length - size, null);
      if (read === 0) return buffer.subarray(0, size);
      size += read;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}
