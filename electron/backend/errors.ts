/** Error kinds the CLI and UI turn into exit codes and messages; the message is always one plain line. */
export type BakenErrorCode =
  | 'invalid-input'
  | 'not-found'
  | 'not-initialised'
  | 'newer-database'
  | 'not-a-database'
  | 'corrupt-database'
  | 'read-only'
  | 'disk-full'
  | 'storage';

export class BakenError extends Error {
  constructor(readonly code: BakenErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BakenError';
  }
}

/** Maps SQLite's error codes to what a user can act on; anything else stays a storage error. */
export function storageError(error: unknown, doing: string): BakenError {
  if (error instanceof BakenError) return error;
  const code = (error as { code?: string }).code ?? '';
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_FULL' || /ENOSPC/.test(detail)) return new BakenError('disk-full', `${doing} failed: the disk is full; nothing was written`, { cause: error });
  if (code.startsWith('SQLITE_READONLY') || /EROFS|EACCES|EPERM/.test(detail) || code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    return new BakenError('read-only', `${doing} failed: the data directory is read-only; nothing was written`, { cause: error });
  if (code === 'SQLITE_NOTADB') return new BakenError('not-a-database', `${doing} failed: the file is not a SQLite database`, { cause: error });
  if (code.startsWith('SQLITE_CORRUPT')) return new BakenError('corrupt-database', `${doing} failed: the database is corrupt (${detail})`, { cause: error });
  return new BakenError('storage', `${doing} failed: ${detail}`, { cause: error });
}
