/**
 * Errors as data. Whatever carries a call (the CLI in-process, Electron IPC, the headless host's
 * WebSocket) carries a failure as one plain object, `{ code, message, field? }`, because an error's
 * class does not survive structured clone or JSON. The client side turns it back into a BakenError,
 * so every user interface handles the same codes the same way.
 */

/** What went wrong, as a user interface needs to know it: each code has one meaning and one exit code. */
export const ERROR_CODES = {
  /** The input is wrong (a field's value, a file that is not what it claims): fix it and retry. */
  'invalid-input': 'the input is not valid',
  /** The thing named does not exist (an incident, an entry, a file, a folder). */
  'not-found': 'not found',
  /** There is no Baken log in the data directory yet. */
  'not-initialised': 'no Baken log here yet',
  /** The request clashes with the current state (already in a team, another process holds it, changed underfoot). */
  conflict: 'conflicts with the current state',
  /** The database was written by a newer Baken. */
  'newer-database': 'written by a newer Baken',
  /** The file is not a SQLite database. */
  'not-a-database': 'not a Baken database',
  /** The database is damaged. */
  'corrupt-database': 'the database is damaged',
  /** The data directory or target folder cannot be written. */
  'read-only': 'cannot write here',
  /** The disk is full. */
  'disk-full': 'the disk is full',
  /** Any other failure to read or write files or the database. */
  storage: 'reading or writing failed',
  /** The network could not be used (a port in use, an address that cannot be listened on or dialled). */
  network: 'the network failed',
  /** A bug: something Baken did not expect. The message says what; nothing acknowledged was lost. */
  internal: 'an unexpected error',
} as const satisfies Record<string, string>;

export type BakenErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as BakenErrorCode[];

/** The one serialisable form of a failure. `field` is the input's path ("body.text", "deadline") when one field is at fault. */
export interface BakenErrorData {
  code: BakenErrorCode;
  message: string;
  field?: string;
}

/** A failure with a code a user interface can act on; its message is always one plain line. */
export class BakenError extends Error {
  readonly code: BakenErrorCode;
  readonly field: string | undefined;

  constructor(code: BakenErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(oneLine(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BakenError';
    this.code = code;
    this.field = options?.field;
  }

  toData(): BakenErrorData {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field };
  }
}

export function isBakenErrorCode(value: unknown): value is BakenErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/**
 * Any thrown value as error data: a BakenError keeps its code; anything else is a bug and becomes
 * `internal`, with the first line of its message (never a stack trace).
 */
export function toErrorData(error: unknown): BakenErrorData {
  if (error instanceof BakenError) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `internal error: ${oneLine(message) || 'no message'}` };
}

/**
 * Error data as received from a transport, back into a BakenError. Data that is not a well-formed
 * error (a newer backend's unknown code, a garbled frame) still becomes an error, never a crash.
 */
export function fromErrorData(data: unknown): BakenError {
  const value = (typeof data === 'object' && data !== null ? data : {}) as Partial<Record<keyof BakenErrorData, unknown>>;
  const message = typeof value.message === 'string' && value.message.trim() !== '' ? value.message : 'the backend reported an error without a message';
  const field = typeof value.field === 'string' ? value.field : undefined;
  const code = isBakenErrorCode(value.code) ? value.code : 'internal';
  return new BakenError(code, message, field === undefined ? undefined : { field });
}

/** The CLI's exit code for a failure: 2 when the user should change what they typed, 1 otherwise. */
export function exitCodeFor(code: BakenErrorCode): 1 | 2 {
  return code === 'invalid-input' ? 2 : 1;
}

/** What a call returns across a transport: the value, or the error as data. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: BakenErrorData };

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
