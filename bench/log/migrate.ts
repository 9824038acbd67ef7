import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openLogDatabase } from '../../electron/backend/store/database.js';
import { migrate, SCHEMA_VERSION } from '../../electron/backend/store/migrations/index.js';
import { createEntryWriter } from '../../electron/backend/store/rows.js';
import { countWrites, formatBytes } from '../lib/io.js';
import { progress } from '../lib/progress.js';
import { createRandom } from '../lib/random.js';
import { makeRemoteDevices, prepareRemoteLog, type PreparedEntry } from '../lib/remote-log.js';
import type { Section } from '../lib/report.js';
import { formatCount, formatMb, formatMs, nowMs } from '../lib/stats.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';

/**
 * Opening a log written at schema 4 with this version: migration 5 rebuilds the three tables
 * without STRICT (copying every row) and its indexes, in one transaction, before the app can start.
 * The rows are realistic (texts, several devices); signatures are random, since nothing checks them.
 */
export function measureMigration(total: number, batchSize: number): Section {
  const dir = makeTempDir('migrate');
  try {
    const file = join(dir, 'baken.db');
    progress(`writing ${formatCount(total)} entries at schema 4 (not timed)`);
    writeSchema4Log(file, total, batchSize);
    const sizeBefore = statSync(file).size;
    const start = nowMs();
    const { result: db, bytes } = countWrites(() => openLogDatabase(file));
    const ms = nowMs() - start;
    try {
      const free = db.pragma('freelist_count', { simple: true }) as number;
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma('wal_checkpoint(TRUNCATE)');
      return {
        title: `Upgrade: opening a log of ${formatCount(total)} entries written at schema 4 (migration 5 rebuilds its tables, 6 fills the id index)`,
        notes: ['one transaction; the app starts only after it, so this is a one-time wait at the first start of the new version'],
        figures: [
          { name: `open + migrate to schema ${SCHEMA_VERSION}`, value: formatMs(ms) },
          { name: 'database file before', value: formatMb(sizeBefore) },
          { name: 'database file after (old pages kept free for reuse)', value: formatMb(statSync(file).size) },
          { name: 'free pages after', value: formatMb(free * pageSize) },
          { name: 'written (WAL + checkpoints)', value: formatBytes(bytes) },
        ],
      };
    } finally {
      db.close();
    }
  } finally {
    removeTempDir(dir);
  }
}

function writeSchema4Log(file: string, total: number, batchSize: number): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    migrate(db, 4);
    // This version's writer also fills the id index of migration 6: a temporary one here.
    db.exec("CREATE VIRTUAL TABLE temp.entry_ids USING fts5 (id, content = '', detail = none)");
    const write = createEntryWriter(db);
    const random = createRandom(5);
    const devices = makeRemoteDevices(8);
    const writeBatch = db.transaction((batch: PreparedEntry[]) => {
      for (const { entry, id } of batch) write({ ...entry, id, sig: random.hex(128) }, Date.now(), null);
    });
    for (const batch of prepareRemoteLog({ seed: 5, entries: total, incidents: 12, devices, spanMs: 14 * 24 * 3600_000 }, batchSize)) writeBatch(batch);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
