import type { Database } from 'better-sqlite3';
import { migration010 } from './migrations/010-page-sized-leaves.js';

/**
 * Logs up to this size that were created with another page size are rewritten with the new one
 * when opened (at most a few seconds, once). A larger log keeps its pages: rewriting it would hold
 * the app's start for longer than the bytes it saves are worth to a team in a crisis.
 */
export const PAGE_SIZE_REWRITE_MAX_BYTES = 64 * 1024 * 1024;

export type PageSizeOutcome = 'already' | 'rewritten' | 'too-large' | 'in-use' | 'failed';

/**
 * Gives an existing log the page size a new one gets (store/database.ts), by VACUUM: SQLite copies
 * every row into a fresh file of the new page size and puts it in place under its rollback journal,
 * so a crash or power cut part-way leaves the old file whole; rowids of every table are kept, since
 * each Baken table that is read by position has an INTEGER PRIMARY KEY. It also gives back the pages
 * that migrations 5 and 8 freed. It needs the file to itself (WAL mode is left for the rewrite): with
 * another process on it (the CLI beside the app), it is left for a later open. Runs after the
 * migrations, then gives the full-text indexes leaves that fit the new page (migration 10 did it
 * for the page size the file had).
 */
export function adoptPageSize(db: Database, pageSize: number, maxBytes = PAGE_SIZE_REWRITE_MAX_BYTES): PageSizeOutcome {
  const current = db.pragma('page_size', { simple: true }) as number;
  if (current === pageSize) return 'already';
  // Pages in the WAL count too: the file alone can be far smaller than the log.
  if ((db.pragma('page_count', { simple: true }) as number) * current > maxBytes) return 'too-large';
  return rewrite(db, pageSize);
}

export type CompactOutcome = 'already' | 'rewritten' | 'in-use' | 'failed';

/** The log's size as SQLite counts it (the pages still in the WAL included). */
export interface LogFileShape {
  pageSize: number;
  pages: number;
  /** Pages no table or index uses, which SQLite fills before the file grows. */
  freePages: number;
}

export function logFileShape(db: Database): LogFileShape {
  return {
    pageSize: db.pragma('page_size', { simple: true }) as number,
    pages: db.pragma('page_count', { simple: true }) as number,
    freePages: db.pragma('freelist_count', { simple: true }) as number,
  };
}

/**
 * The same rewrite when a person asks for it (`baken compact`), whatever the log's size: for a log
 * too large to be rewritten when opened, and for the pages a log's own life has freed. Nothing to
 * do ('already') when the log has the page size and no free page.
 */
export function compactLog(db: Database, pageSize: number): CompactOutcome {
  const current = db.pragma('page_size', { simple: true }) as number;
  if (current === pageSize && (db.pragma('freelist_count', { simple: true }) as number) === 0) return 'already';
  return rewrite(db, pageSize);
}

function rewrite(db: Database, pageSize: number): 'rewritten' | 'in-use' | 'failed' {
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  // Another connection's lock means "not now": the open must not wait on it.
  db.pragma('busy_timeout = 0');
  let alone: boolean;
  try {
    alone = leaveWal(db);
  } finally {
    // From here on the usual wait: a process that opens the file meanwhile only reads briefly, and
    // going back to WAL must not fail on it.
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
  if (!alone) return 'in-use';
  let rewritten = true;
  try {
    db.pragma(`page_size = ${pageSize}`);
    db.exec('VACUUM');
  } catch {
    // No room for the copy, or anything else: the journal put the old file back, and the log
    // opens as it was; the next open tries again.
    rewritten = false;
  } finally {
    db.pragma('journal_mode = WAL');
  }
  if (!rewritten) return 'failed';
  db.exec(migration010.up);
  return 'rewritten';
}

/** Switches the file out of WAL mode, which only a connection alone on it may do. */
function leaveWal(db: Database): boolean {
  try {
    return db.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch (error) {
    if (((error as { code?: string }).code ?? '').startsWith('SQLITE_BUSY')) return false;
    throw error;
  }
}
