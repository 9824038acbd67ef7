import { dirname } from 'node:path';
import { BakenError } from '../../shared/contract/errors.js';

/** What a failed file or database operation was doing, so its message can say where. */
export interface StorageContext {
  /** The file read or written; a write's folder is named when the folder is the problem. */
  path?: string;
  /** Set when reading: what the file should be ("bundle", "clock file"), for "no such bundle: …". */
  reading?: string;
}

/**
 * The one mapping from operating-system and SQLite failures to what a person can act on. `doing`
 * is a phrase like "writing the team file"; every message says that nothing was written where
 * that is so (SQLite rolls back, and every file Baken writes is replaced atomically).
 */
export function storageError(error: unknown, doing: string, context: StorageContext = {}): BakenError {
  if (error instanceof BakenError) return error;
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const detail = error instanceof Error ? error.message : String(error);
  const { path, reading } = context;
  const fail = (errorCode: BakenError['code'], message: string) => new BakenError(errorCode, message, { cause: error });

  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || /ENOSPC/.test(detail)) {
    return fail('disk-full', `${doing} failed: the disk is full; nothing was written`);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || /EROFS|EACCES|EPERM/.test(detail)) {
    if (reading && path) return fail('read-only', `cannot read ${path}: permission denied`);
    const where = path ? `${dirname(path)} is read-only or not writable` : 'the data directory is read-only';
    return fail('read-only', `${doing} failed: ${where}; nothing was written`);
  }
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    if (reading) return fail('not-found', `no such ${reading}: ${path ?? '(no path)'}`);
    return fail('not-found', `${doing} failed: the folder ${path ? dirname(path) : '(unknown)'} does not exist`);
  }
  if (code === 'EISDIR') {
    if (reading) return fail('invalid-input', `${path} is a folder, not a Baken ${reading}`);
    return fail('invalid-input', `${doing} failed: ${path ?? 'the target'} is a folder`);
  }
  if (code === 'EEXIST') return fail('conflict', `${doing} failed: ${path ?? 'the file'} already exists`);
  if (code === 'SQLITE_BUSY' || code === 'EBUSY') return fail('conflict', `${doing} failed: another process is using it; try again`);
  if (code === 'SQLITE_NOTADB') return fail('not-a-database', `${doing} failed: the file is not a SQLite database`);
  if (code.startsWith('SQLITE_CORRUPT')) return fail('corrupt-database', `${doing} failed: the database is corrupt (${detail})`);
  if (reading && path) return fail('invalid-input', `cannot read ${path}: ${detail}`);
  return fail('storage', `${doing} failed: ${detail}`);
}
