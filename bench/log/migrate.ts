import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { NEW_LOG_PAGE_SIZE, openLogDatabase, type SqliteDatabase } from '../../electron/backend/store/database.js';
import { compactLog, PAGE_SIZE_REWRITE_MAX_BYTES } from '../../electron/backend/store/page-size.js';
import { migrate, SCHEMA_VERSION } from '../../electron/backend/store/migrations/index.js';
import { createEntryWriter } from '../../electron/backend/store/rows.js';
import { countWrites, formatBytes } from '../lib/io.js';
import { progress } from '../lib/progress.js';
import { createRandom } from '../lib/random.js';
import { makeRemoteDevices, prepareRemoteLog, type PreparedEntry } from '../lib/remote-log.js';
import type { Figure, Section } from '../lib/report.js';
import { copyEntriesAsText, scratchLog } from '../../test/support/text-schema.js';
import { formatCount, formatMb, formatMs, nowMs } from '../lib/stats.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';

/**
 * Opening a log written by an older version with this one, which migrates it in place before the app
 * can start: from schema 4 (migration 5 rebuilds the three tables without STRICT, 6 fills the id
 * index, 8 rebuilds entries with ids and keys as bytes), and from schema 7, the last release's, where
 * only migration 8 runs. Each migration is one transaction. The rows are realistic (texts, several
 * devices); signatures are random, since nothing checks them.
 */
export function measureMigration(total: number, batchSize: number, rewritten: number): Section {
  progress(`writing ${formatCount(total)} entries with this version's writer (not timed)`);
  const scratch = writeScratchLog(total, batchSize);
  try {
    const figures = [4, 7].flatMap((schema) => upgradeFigures(scratch, schema));
    figures.push(...rewriteFigures(rewritten, batchSize));
    return {
      title: `Upgrade: opening a log of ${formatCount(total)} entries written at schema 4, and at schema 7, with this version (schema ${SCHEMA_VERSION}); rewriting a smaller log with ${NEW_LOG_PAGE_SIZE}-byte pages`,
      notes: [
        'one transaction per migration; the app starts only after them, so this is a one-time wait at the first start of the new version',
        `a log of at most ${formatMb(PAGE_SIZE_REWRITE_MAX_BYTES)} with other pages is rewritten with ${NEW_LOG_PAGE_SIZE}-byte pages at its first open (store/page-size.ts); a larger log keeps 4 KB pages, and the pages migrations freed, until a person runs baken compact (its figure reads "already" when the open rewrote the log)`,
      ],
      figures,
    };
  } finally {
    scratch.close();
  }
}

function upgradeFigures(scratch: SqliteDatabase, schema: number): Figure[] {
  const dir = makeTempDir('migrate');
  try {
    const file = join(dir, 'baken.db');
    progress(`copying them into a log at schema ${schema} (not timed)`);
    writeOldLog(file, scratch, schema);
    const sizeBefore = statSync(file).size;
    const { db, ms, bytes } = openTimed(file);
    try {
      const free = db.pragma('freelist_count', { simple: true }) as number;
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma('wal_checkpoint(TRUNCATE)');
      const sizeAfter = statSync(file).size;
      // What `baken compact` does when the person chooses (store.compact, log.compact).
      const compactStart = nowMs();
      const compacted = compactLog(db, NEW_LOG_PAGE_SIZE);
      const compactMs = nowMs() - compactStart;
      db.pragma('wal_checkpoint(TRUNCATE)');
      return [
        { name: `from schema ${schema}: open + migrate to schema ${SCHEMA_VERSION}`, value: formatMs(ms) },
        { name: `from schema ${schema}: database file before`, value: formatMb(sizeBefore) },
        { name: `from schema ${schema}: database file after (old pages kept free for reuse)`, value: formatMb(sizeAfter) },
        { name: `from schema ${schema}: free pages after`, value: formatMb(free * pageSize) },
        { name: `from schema ${schema}: written (WAL + checkpoints)`, value: formatBytes(bytes) },
        { name: `from schema ${schema}, then baken compact: time / file after (${NEW_LOG_PAGE_SIZE}-byte pages, none free)`, value: compacted === 'rewritten' ? `${formatMs(compactMs)} / ${formatMb(statSync(file).size)}` : compacted },
      ];
    } finally {
      db.close();
    }
  } finally {
    removeTempDir(dir);
  }
}

/** A log at schema 9 (the release before 2 KB pages) with 4 KB pages, every entry indexed, opened by this version. */
function rewriteFigures(total: number, batchSize: number): Figure[] {
  const dir = makeTempDir('rewrite');
  try {
    const file = join(dir, 'baken.db');
    progress(`writing ${formatCount(total)} entries into a log with 4 KB pages at schema 9 (not timed)`);
    const old = new Database(file);
    try {
      old.pragma('page_size = 4096');
      old.pragma('journal_mode = WAL');
      migrate(old, 9);
      const write = createEntryWriter(old);
      const random = createRandom(6);
      const writeBatch = old.transaction((batch: PreparedEntry[]) => {
        for (const { entry, id } of batch) write({ ...entry, id, sig: random.hex(128) }, Date.now(), null);
      });
      for (const batch of prepareRemoteLog({ seed: 6, entries: total, incidents: 4, devices: makeRemoteDevices(4), spanMs: 2 * 24 * 3600_000 }, batchSize)) writeBatch(batch);
      old.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      old.close();
    }
    const sizeBefore = statSync(file).size;
    const { db, ms, bytes } = openTimed(file);
    try {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      return [
        { name: `${formatCount(total)} entries at schema 9, 4 KB pages: open + migrate + rewrite`, value: formatMs(ms) },
        { name: `  page size after`, value: `${pageSize} B` },
        { name: `  database file before / after`, value: `${formatMb(sizeBefore)} / ${formatMb(statSync(file).size)}` },
        { name: `  written`, value: formatBytes(bytes) },
      ];
    } finally {
      db.close();
    }
  } finally {
    removeTempDir(dir);
  }
}

/** Opens an older log as the app does (migrations, and a rewrite where it applies): how long it took and what it wrote. */
function openTimed(file: string): { db: SqliteDatabase; ms: number; bytes: number | null } {
  const start = nowMs();
  const { result: db, bytes } = countWrites(() => openLogDatabase(file));
  return { db, ms: nowMs() - start, bytes };
}

/** The log, written by today's writer into a scratch database (today's schema, in memory). */
function writeScratchLog(total: number, batchSize: number): SqliteDatabase {
  const db = scratchLog();
  const write = createEntryWriter(db);
  const random = createRandom(5);
  const devices = makeRemoteDevices(8);
  const writeBatch = db.transaction((batch: PreparedEntry[]) => {
    for (const { entry, id } of batch) write({ ...entry, id, sig: random.hex(128) }, Date.now(), null);
  });
  for (const batch of prepareRemoteLog({ seed: 5, entries: total, incidents: 12, devices, spanMs: 14 * 24 * 3600_000 }, batchSize)) writeBatch(batch);
  return db;
}

/** A WAL-mode log at `schema` holding the scratch log's entries as that schema stored them. */
function writeOldLog(file: string, scratch: SqliteDatabase, schema: number): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    migrate(db, schema);
    copyEntriesAsText(scratch, db);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
