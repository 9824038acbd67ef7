import Database from 'better-sqlite3';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { BakenError, storageError } from '../errors.js';
import { migrate, SCHEMA_VERSION, schemaVersion } from './migrations/index.js';

export type SqliteDatabase = Database.Database;
const SQLITE_HEADER = 'SQLite format 3\0';

/**
 * Opens (or creates) the log database. Everything that could reveal a file we must not touch (not
 * SQLite, damaged, written by a newer Baken) is checked read-only first, so such a file is refused
 * and left exactly as it was.
 */
export function openLogDatabase(file: string): SqliteDatabase {
  const exists = fileSize(file) !== null;
  if (exists) inspectExisting(file);
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    throw storageError(error, `opening the log database ${file}`);
  }
}

function inspectExisting(file: string): void {
  if ((fileSize(file) ?? 0) > 0 && readHeader(file) !== SQLITE_HEADER) {
    throw new BakenError('not-a-database', `${file} is not a Baken database (not a SQLite file); it was left untouched`);
  }
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const version = schemaVersion(db);
    if (version > SCHEMA_VERSION) {
      throw new BakenError('newer-database', `${file} was written by a newer Baken (schema ${version}; this version knows up to ${SCHEMA_VERSION}); update Baken to open it. The file was left untouched`);
    }
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (error) {
    if (error instanceof BakenError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      throw new BakenError('corrupt-database', `${file} is damaged and cannot be opened (${(error as Error).message}); it was left untouched`);
    }
    throw storageError(error, `opening the log database ${file}`);
  } finally {
    db?.close();
  }
}

function fileSize(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

function readHeader(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(16);
    const read = readSync(fd, buffer, 0, 16, 0);
    return buffer.subarray(0, read).toString('latin1');
  } finally {
    closeSync(fd);
  }
}
