import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { BakenError } from '../../../shared/contract/errors.js';
import { storageError } from '../errors.js';
import { migrate, SCHEMA_VERSION, schemaVersion } from './migrations/index.js';
import { adoptPageSize } from './page-size.js';
import type { SqliteModule } from './sqlite-module.js';

export type SqliteDatabase = Database.Database;

/**
 * The page size of a log this version creates. Each commit writes a whole page to the WAL for every
 * B-tree it touches: an append touches three (the table, the chain index, the incident index), so
 * 4 KB pages made each append write three times a raw one-row commit at SQLite's default. With 2 KB
 * pages an append writes about 40 % less, while entries of about 450 bytes still fill a page (1 KB
 * pages fit two and wasted a quarter: ingest wrote more, not less). Measured with bench/log (per
 * log.add with its search passes: 20.3 kB at 4 KB, 12.0 kB at 2 KB, 8.6 kB at 1 KB; per ingested
 * entry 1,992, 1,942 and 2,125 B). An older log is rewritten with these pages when opened, up to
 * a size (store/page-size.ts); a larger one keeps its pages.
 */
export const NEW_LOG_PAGE_SIZE = 2048;

/** WAL bytes after which a commit of received entries, a large search pass or a migration checkpoints. */
export const BULK_CHECKPOINT_BYTES = 10_000 * 4096;

/**
 * WAL bytes after which an append's commit checkpoints: the connection's default, so appends set
 * nothing. The next commit after a checkpoint writes
 * the WAL from its start again, over blocks the file already has; a commit that makes the WAL
 * longer also has the file system record its new size and blocks at the fsync. In a burst of
 * appends with a search pass every 16 (bench/log/append.ts), this and PASS_CHECKPOINT_BYTES took
 * log.add's p50 from 0.48 to 0.35 ms, for 1.4 KB more written per append by the more frequent
 * checkpoints, which the passes now take. (Measured as 2,000 and 1,000 pages of 4 KB; thresholds
 * are in bytes so a log with smaller pages checkpoints as often.)
 */
export const APPEND_CHECKPOINT_BYTES = 2_000 * 4096;

/**
 * WAL bytes after which a small search pass (what follows appends: store/search-backlog.ts)
 * checkpoints: below an append's threshold, so the background pass takes the checkpoint (about
 * 2 ms) before a person's append has to.
 */
export const PASS_CHECKPOINT_BYTES = 1_000 * 4096;

export type BulkThreshold = typeof BULK_CHECKPOINT_BYTES | typeof PASS_CHECKPOINT_BYTES;

/** SQLite counts its checkpoint threshold in pages of the file. */
export function checkpointPages(db: Database.Database, bytes: number): number {
  return Math.max(1, Math.floor(bytes / (db.pragma('page_size', { simple: true }) as number)));
}

/**
 * Sets the checkpoint threshold for the commits of one bulk write and puts the connection's
 * default (an append's) back after it, whatever happens: `run(raise)` calls raise() before its
 * commit, with PASS_CHECKPOINT_BYTES or BULK_CHECKPOINT_BYTES. Appends, the hot path, set nothing.
 * Each call prepares its PRAGMA afresh: SQLite applies this one when the statement is prepared, so
 * a statement prepared once and run at each write did nothing the first time (measured; a test
 * checks).
 */
export function checkpointThresholds(db: Database.Database) {
  const set = (bytes: number) => void db.pragma(`wal_autocheckpoint = ${checkpointPages(db, bytes)}`);
  return <T>(run: (raise: (bytes: BulkThreshold) => void) => T): T => {
    try {
      return run(set);
    } finally {
      set(APPEND_CHECKPOINT_BYTES);
    }
  };
}

const SQLITE_HEADER = 'SQLite format 3\0';

/**
 * Opens (or creates) the log database. Everything that could reveal a file we must not touch (not
 * SQLite, damaged, written by a newer Baken) is checked read-only first, so such a file is refused
 * and left exactly as it was. `sqlite` says which build of the native module to use (sqlite-module.ts).
 */
export function openLogDatabase(file: string, sqlite: SqliteModule = {}): SqliteDatabase {
  const size = fileSize(file);
  if (size !== null) inspectExisting(file, sqlite);
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(file, { ...sqlite });
    // Only a file with no page written yet takes a page size; WAL mode would fix it from here on.
    if (!size) db.pragma(`page_size = ${NEW_LOG_PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // INSERT OR REPLACE deletes the row it replaces; only with recursive triggers does that delete
    // hit entries_no_delete. (A trigger on INSERT would do it too, but halves write throughput.)
    db.pragma('recursive_triggers = ON');
    db.pragma('busy_timeout = 5000');
    // Migrations rewrite whole tables: they checkpoint as bulk writes do (each checkpoint rewrites
    // pages that later commits touch again). Afterwards the connection's default is an append's
    // threshold, and bulk writers raise it for their own commits (withBulkCheckpoints).
    db.pragma(`wal_autocheckpoint = ${checkpointPages(db, BULK_CHECKPOINT_BYTES)}`);
    upgrade(db, file);
    if (size) adoptPageSize(db, NEW_LOG_PAGE_SIZE);
    db.pragma(`wal_autocheckpoint = ${checkpointPages(db, APPEND_CHECKPOINT_BYTES)}`);
    return db;
  } catch (error) {
    db?.close();
    throw error instanceof BakenError ? error : openError(error, file);
  }
}

/**
 * Applies the missing migrations. A row the new schema refuses (one written by hand, or by a tool
 * that is not Baken) stops the migration it is in; that migration is undone with its transaction,
 * so the file stays at the schema before it, and the person is told so in plain words.
 */
function upgrade(db: SqliteDatabase, file: string): void {
  try {
    migrate(db);
  } catch (error) {
    if (!((error as { code?: string }).code ?? '').startsWith('SQLITE_CONSTRAINT')) throw error;
    const at = schemaVersion(db);
    throw new BakenError(
      'corrupt-database',
      `${file} holds a row this version cannot carry over to schema ${at + 1} (${(error as Error).message}); the upgrade was undone and the file left at schema ${at}`,
      { cause: error },
    );
  }
}

/** SQLite only says "unable to open database file" when it cannot create its -wal/-shm files. */
function openError(error: unknown, file: string): BakenError {
  const code = (error as { code?: string }).code ?? '';
  if ((code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_READONLY')) && !writable(file)) {
    return new BakenError('read-only', `opening the log database ${file} failed: the data directory is read-only; nothing was written`, { cause: error });
  }
  return storageError(error, `opening the log database ${file}`);
}

function writable(file: string): boolean {
  try {
    accessSync(dirname(file), constants.W_OK);
    accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function newerError(file: string, version: number): BakenError {
  return new BakenError('newer-database', `${file} was written by a newer Baken (schema ${version}; this version knows up to ${SCHEMA_VERSION}); update Baken to open it. The file was left untouched`);
}

function inspectExisting(file: string, sqlite: SqliteModule): void {
  const header = (fileSize(file) ?? 0) > 0 ? readHeader(file, 100) : null;
  if (header && header.subarray(0, 16).toString('latin1') !== SQLITE_HEADER) {
    throw new BakenError('not-a-database', `${file} is not a Baken database (not a SQLite file); it was left untouched`);
  }
  // With no WAL next to it, the header's user_version (offset 60) is current: refuse a newer log
  // before SQLite opens it, because a read-only connection to a WAL-mode file leaves -wal/-shm behind.
  if (header && header.length >= 64 && !existsSync(`${file}-wal`) && header.readInt32BE(60) > SCHEMA_VERSION) {
    throw newerError(file, header.readInt32BE(60));
  }
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(file, { ...sqlite, readonly: true, fileMustExist: true });
    const version = schemaVersion(db);
    if (version > SCHEMA_VERSION) throw newerError(file, version);
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (error) {
    if (error instanceof BakenError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      throw new BakenError('corrupt-database', `${file} is damaged and cannot be opened (${(error as Error).message}); it was left untouched`);
    }
    throw openError(error, file);
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

function readHeader(file: string, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
