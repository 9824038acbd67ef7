import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../electron/backend/device.js';
import { createCheckpointer } from '../../../electron/backend/parts/checkpointer.js';
import { APPEND_CHECKPOINT_BYTES, BULK_CHECKPOINT_BYTES, checkpointThresholds, NEW_LOG_PAGE_SIZE, openLogDatabase, PASS_CHECKPOINT_BYTES } from '../../../electron/backend/store/database.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { makeChain, makeSigner } from '../../support/entries.js';
import { manualClock } from '../../support/manual-clock.js';
import { closedAfterEach } from '../../support/opened-backends.js';
import { useTempDirs } from '../../support/temp.js';

const tempDir = useTempDirs();
const opened = closedAfterEach();

function open(): TestBackend {
  const backend = openTestBackend({ dataDir: tempDir(), create: true });
  opened.push(backend);
  return backend;
}

const FRAME_BYTES = NEW_LOG_PAGE_SIZE + 24;
/** The thresholds in pages of a log this version creates, as SQLite counts them. */
const APPEND_CHECKPOINT_PAGES = APPEND_CHECKPOINT_BYTES / NEW_LOG_PAGE_SIZE;
const PASS_CHECKPOINT_PAGES = PASS_CHECKPOINT_BYTES / NEW_LOG_PAGE_SIZE;
const BULK_CHECKPOINT_PAGES = BULK_CHECKPOINT_BYTES / NEW_LOG_PAGE_SIZE;

/** The WAL file's length in frames: the most the WAL ever held since it was created, as SQLite never shortens it here. */
function walFileFrames(backend: TestBackend): number {
  return Math.floor(statSync(join(backend.dataDir, `${DATABASE_FILE}-wal`)).size / FRAME_BYTES);
}

/** The frames in the WAL now, from another connection (which checkpoints them: call it last). */
function walFramesNow(backend: TestBackend): number {
  const other = new Database(join(backend.dataDir, DATABASE_FILE));
  try {
    const [row] = other.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    return row!.log;
  } finally {
    other.close();
  }
}

describe('WAL checkpoints: appends reuse a short WAL, bulk writes let it grow', () => {
  it('an opened log commits at an append\'s threshold; a bulk write raises it for itself only, also when it fails', () => {
    const db = openLogDatabase(join(tempDir(), DATABASE_FILE));
    try {
      const threshold = () => db.pragma('wal_autocheckpoint', { simple: true });
      expect(db.pragma('page_size', { simple: true })).toBe(NEW_LOG_PAGE_SIZE);
      expect(threshold()).toBe(APPEND_CHECKPOINT_PAGES);
      const withThreshold = checkpointThresholds(db);
      expect(withThreshold((raise) => (raise(BULK_CHECKPOINT_BYTES), threshold()))).toBe(BULK_CHECKPOINT_PAGES);
      expect(threshold()).toBe(APPEND_CHECKPOINT_PAGES);
      expect(() => withThreshold((raise) => {
        raise(PASS_CHECKPOINT_BYTES);
        throw new Error('disk full');
      })).toThrow('disk full');
      expect(threshold()).toBe(APPEND_CHECKPOINT_PAGES);
    } finally {
      db.close();
    }
  });

  it('a log that keeps 4 KB pages has the same thresholds in bytes, counted in its own pages', () => {
    const file = join(tempDir(), DATABASE_FILE);
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    // Open elsewhere, so it keeps its pages (store/page-size.ts).
    old.prepare('SELECT 1 FROM sqlite_schema').all();
    const db = openLogDatabase(file);
    try {
      expect(db.pragma('page_size', { simple: true })).toBe(4096);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(APPEND_CHECKPOINT_BYTES / 4096);
      expect(checkpointThresholds(db)((raise) => (raise(BULK_CHECKPOINT_BYTES), db.pragma('wal_autocheckpoint', { simple: true })))).toBe(BULK_CHECKPOINT_BYTES / 4096);
    } finally {
      db.close();
      old.close();
    }
  });

  it('appends checkpoint at their own threshold, so the WAL starts over instead of growing', async () => {
    const backend = open();
    const { id: incident } = await backend.api['incident.create']({ title: 'Stroomstoring Woensel' });
    // Each append writes at least three pages (row, chain index, incident index): enough for twice the threshold.
    for (let i = 0; i < (2 * APPEND_CHECKPOINT_PAGES) / 3; i++) {
      await backend.api['log.add']({ incident, kind: 'melding', body: { text: `Melding ${i}: spanning weg in wijk ${i % 7}` } });
    }
    expect(walFileFrames(backend)).toBeLessThan(APPEND_CHECKPOINT_PAGES + 20);
  });

  it('a small search pass after appends takes the checkpoint before an append has to', async () => {
    const backend = open();
    const { id: incident } = await backend.api['incident.create']({ title: 'Stroomstoring Woensel' });
    // As the background indexer runs between appends; enough appends for more than the append threshold.
    for (let i = 1; i <= (2 * APPEND_CHECKPOINT_PAGES) / 3; i++) {
      await backend.api['log.add']({ incident, kind: 'melding', body: { text: `Melding ${i}: spanning weg in wijk ${i % 7}` } });
      if (i % 16 === 0) backend.store.indexSearchBacklogPass();
    }
    // One pass's commit (about 20 frames) past the pass threshold at most, far below the append threshold.
    expect(walFileFrames(backend)).toBeLessThan(PASS_CHECKPOINT_PAGES + 100);
  });

  it('received entries do not checkpoint below the bulk threshold; an append then checkpoints what they wrote', async () => {
    const backend = open();
    const { id: incident } = await backend.api['incident.create']({ title: 'Stroomstoring Woensel' });
    const other = makeSigner();
    const text = (i: number) => `Ontvangen melding ${i}: ${'aggregaat, kabel en schakelkast '.repeat(12)}`;
    const chain = makeChain(other, incident, 10_000, { text });
    for (let i = 0; i < chain.length; i += 500) expect(backend.store.ingest(chain.slice(i, i + 500)).added).toHaveLength(500);
    const grown = walFileFrames(backend);
    // Checkpointing at the append threshold would have kept it near that threshold plus one batch (about 130 frames).
    expect(grown).toBeGreaterThan(APPEND_CHECKPOINT_PAGES + 300);
    expect(grown).toBeLessThan(BULK_CHECKPOINT_PAGES);
    // The append's commit checkpoints all of it, so the next batch writes the WAL from its start.
    await backend.api['log.add']({ incident, kind: 'melding', body: { text: 'Aggregaat draait' } });
    const afterAppend = walFileFrames(backend);
    const more = makeChain(other, incident, 100, { startSeq: 10_001, prev: chain.at(-1)!.id, t0: 1_790_000_100_000, text });
    expect(backend.store.ingest(more).added).toHaveLength(100);
    expect(walFramesNow(backend)).toBeLessThan(APPEND_CHECKPOINT_PAGES);
    expect(walFileFrames(backend)).toBe(afterAppend);
  });
});

describe('the checkpointer: folds the WAL back while the log is quiet', () => {
  it('checkpoints on a tick only when nothing was written since the tick before', async () => {
    const clock = manualClock();
    let writes = 0;
    let checkpoints = 0;
    const part = createCheckpointer({ checkpoint: () => void checkpoints++, writes: () => writes, clock, intervalMs: 5000 });
    await part.start();
    clock.advance(5000);
    expect(checkpoints).toBe(1);
    // A sync writing batch after batch: no tick in the middle of it checkpoints.
    for (let tick = 0; tick < 4; tick++) {
      writes += 1000;
      clock.advance(5000);
    }
    expect(checkpoints).toBe(1);
    clock.advance(5000);
    expect(checkpoints).toBe(2);
    await part.stop();
    clock.advance(50_000);
    expect(checkpoints).toBe(2);
  });

  it('keeps ticking after a checkpoint fails (another process holds the lock)', async () => {
    const clock = manualClock();
    let attempts = 0;
    const part = createCheckpointer({ checkpoint: () => { attempts++; throw new Error('database is locked'); }, writes: () => 0, clock, intervalMs: 1000 });
    await part.start();
    clock.advance(3000);
    expect(attempts).toBe(3);
    await part.stop();
  });

  it('counts appends and received entries as writes', async () => {
    const backend = open();
    const before = backend.store.writes();
    const { id: incident } = await backend.api['incident.create']({ title: 'Stroomstoring Woensel' });
    const afterAppend = backend.store.writes();
    expect(afterAppend).toBeGreaterThan(before);
    expect(backend.store.ingest(makeChain(makeSigner(), incident, 3)).added).toHaveLength(3);
    expect(backend.store.writes()).toBeGreaterThan(afterAppend);
    const quiet = backend.store.writes();
    await backend.api['log.list']({ incident, limit: 10 });
    expect(backend.store.writes()).toBe(quiet);
  });
});
