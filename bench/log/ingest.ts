import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openTestBackend } from '../../test/support/backend.js';
import { createNodeEntryCrypto } from '../../electron/backend/node-crypto.js';
import { BULK_CHECKPOINT_BYTES, checkpointPages, openLogDatabase } from '../../electron/backend/store/database.js';
import { basePosition } from '../../electron/backend/store/positions.js';
import { createEntryWriter } from '../../electron/backend/store/rows.js';
import { INDEX_PASS_ENTRIES } from '../../electron/backend/store/search-backlog.js';
import { canonicalJson } from '../../shared/domain/canonical.js';
import { entryCanonicalBytes, type SignedEntry } from '../../shared/domain/entry.js';
import { toHex } from '../../shared/domain/hex.js';
import { countWrites, formatBytes } from '../lib/io.js';
import { progress } from '../lib/progress.js';
import { makeRemoteDevices, prepareRemoteLog } from '../lib/remote-log.js';
import type { Section } from '../lib/report.js';
import { createSigningPool } from '../lib/signing.js';
import { formatCount, formatRate, nowMs } from '../lib/stats.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';
import { anatomyFigures, ingestAnatomy } from './anatomy.js';

export const INGEST_RATE_TARGET = 40_000;
export const INGEST_SHARE_OF_CEILING_TARGET = 0.5;
export const INGEST_SHARE_OF_BARE_TARGET = 0.8;
/** Bytes written per ingested entry (WAL and checkpoints, the last one included), whatever the machine. */
export const INGEST_BYTES_TARGET = 2000;
const ROUNDS = 2;

/**
 * store.ingest of another device's log, against the ceiling for the same rows: hash and insert
 * with the store's own writer, no parsing and no signature check. Signing happens before the clock
 * starts. Best of ROUNDS each (fresh database every round), so JIT warm-up favours neither.
 */
export async function measureIngest(total: number, batchSize: number): Promise<Section> {
  progress(`signing ${formatCount(total)} entries of another device (not timed)`);
  const batches = await signRemoteLog(total, batchSize);
  let ingest: TimedIngest = { ms: Infinity, bytes: null, passMs: 0, passBytes: null };
  let ceiling: Timed = { ms: Infinity, bytes: null };
  let bare: Timed = { ms: Infinity, bytes: null };
  for (let round = 1; round <= ROUNDS; round++) {
    progress(`ingest round ${round} of ${ROUNDS}`);
    ingest = faster(ingest, timeIngest(batches));
    ceiling = faster(ceiling, timeCeiling(batches));
    bare = faster(bare, timeBareInsert(batches));
  }
  progress('ingest once more, attributing every page written to its table or index');
  const anatomy = ingestAnatomy(batches);
  const rate = total / (ingest.ms / 1000);
  const withPasses = total / ((ingest.ms + ingest.passMs) / 1000);
  const ceilingRate = total / (ceiling.ms / 1000);
  const bareRate = total / (bare.ms / 1000);
  const share = (a: number, b: number) => `${((a / b) * 100).toFixed(0)} %`;
  return {
    title: `Ingest: ${formatCount(total)} entries from another device, store.ingest in batches of ${formatCount(batchSize)}`,
    notes: [
      `store.ingest stores each entry and its id; its text waits in the search backlog (migration 7). The search index passes (${formatCount(INDEX_PASS_ENTRIES)} entries each, as the background indexer runs them) are timed apart, after the last batch, and counted in "ingest + passes"`,
      `ceiling: SHA-256 of canonical bytes + the store's own row writer (text left for later too), one transaction per batch, no validation or signature check; best of ${ROUNDS} rounds each`,
      'bare insert: the same rows into a table of the same columns without any index or full-text index, one transaction per batch, WAL + synchronous=FULL',
      `per part: a third, untimed ingest reads every WAL frame; a search index pass runs whenever ${formatCount(INDEX_PASS_ENTRIES)} entries wait, and after the last batch; checkpoints where SQLite runs them, at the store's own thresholds; pages mapped to their owner with dbstat at the end`,
    ],
    figures: [
      { name: 'store.ingest', value: formatRate(rate), target: `≥ ${formatRate(INGEST_RATE_TARGET)}`, met: rate >= INGEST_RATE_TARGET },
      { name: 'search index passes for the same entries', value: `${(ingest.passMs / 1000).toFixed(2)} s` },
      { name: 'store.ingest + passes', value: formatRate(withPasses) },
      { name: 'ceiling (hash + insert)', value: formatRate(ceilingRate) },
      { name: 'ingest / ceiling', value: share(rate, ceilingRate), target: `≥ ${INGEST_SHARE_OF_CEILING_TARGET * 100} %`, met: rate / ceilingRate >= INGEST_SHARE_OF_CEILING_TARGET },
      { name: 'bare insert (same rows, no index, no full-text)', value: formatRate(bareRate) },
      { name: 'ingest / bare insert', value: share(rate, bareRate), target: `≥ ${INGEST_SHARE_OF_BARE_TARGET * 100} %`, met: rate / bareRate >= INGEST_SHARE_OF_BARE_TARGET },
      { name: '(ingest + passes) / bare insert', value: share(withPasses, bareRate) },
      { name: 'written per entry: bare insert', value: formatBytes(bare.bytes === null ? null : bare.bytes / total) },
      { name: 'written per entry: ingest', value: formatBytes(ingest.bytes === null ? null : ingest.bytes / total) },
      { name: 'written per entry: its search index passes', value: formatBytes(ingest.passBytes === null ? null : ingest.passBytes / total) },
      { name: 'written per entry: ceiling', value: formatBytes(ceiling.bytes === null ? null : ceiling.bytes / total) },
      ...anatomyFigures('per ingested entry', anatomy, INGEST_BYTES_TARGET),
    ],
  };
}

export interface Timed {
  ms: number;
  /** Bytes written while timing (WAL, checkpoints), null where the OS does not say. */
  bytes: number | null;
}

interface TimedIngest extends Timed {
  /** The search index passes over what the ingest left in the backlog, timed after it. */
  passMs: number;
  passBytes: number | null;
}

function faster<T extends Timed>(a: T, b: T): T {
  return b.ms < a.ms ? b : a;
}

export async function signRemoteLog(total: number, batchSize: number): Promise<SignedEntry[][]> {
  const devices = makeRemoteDevices(1);
  const pool = createSigningPool(devices, 2);
  try {
    const batches: SignedEntry[][] = [];
    for (const batch of prepareRemoteLog({ seed: 2, entries: total, incidents: 6, devices, spanMs: 3 * 24 * 3600_000 }, batchSize)) {
      batches.push(await pool.sign(batch));
    }
    return batches;
  } finally {
    await pool.close();
  }
}

function timeIngest(batches: readonly SignedEntry[][]): TimedIngest {
  const dir = makeTempDir('ingest');
  const backend = openTestBackend({ dataDir: dir, create: true });
  try {
    const start = nowMs();
    const { bytes } = countWrites(() => {
      for (const batch of batches) {
        const report = backend.store.ingest(batch);
        if (report.added.length !== batch.length) throw new Error(`ingest refused entries: ${JSON.stringify(report.rejected.slice(0, 3))}`);
      }
    });
    const ms = nowMs() - start;
    const passStart = nowMs();
    const { bytes: passBytes } = countWrites(() => backend.store.indexSearchBacklog());
    return { ms, bytes, passMs: nowMs() - passStart, passBytes };
  } finally {
    backend.close();
    removeTempDir(dir);
  }
}

function timeCeiling(batches: readonly SignedEntry[][]): Timed {
  const dir = makeTempDir('ceiling');
  const db = openLogDatabase(join(dir, 'baken.db'));
  // Checkpoints as store.ingest has them for its batches.
  db.pragma(`wal_autocheckpoint = ${checkpointPages(db, BULK_CHECKPOINT_BYTES)}`);
  try {
    const crypto = createNodeEntryCrypto();
    const write = createEntryWriter(db, { later: 'text' });
    const store = db.transaction((batch: readonly SignedEntry[]) => {
      for (const entry of batch) {
        if (toHex(crypto.sha256(entryCanonicalBytes(entry))) !== entry.id) throw new Error('hash mismatch');
        write(entry, Date.now(), null);
      }
    });
    return timeTransactions(store, batches);
  } finally {
    db.close();
    removeTempDir(dir);
  }
}

/** The floor of what storing these rows costs: the table alone, no index, no full-text index, no hashing. */
export function timeBareInsert(batches: readonly SignedEntry[][]): Timed {
  const dir = makeTempDir('bare');
  const db = new Database(join(dir, 'bare.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('wal_autocheckpoint = 10000');
    db.exec(`CREATE TABLE entries (pos INTEGER PRIMARY KEY, id TEXT NOT NULL, v INTEGER NOT NULL, author TEXT NOT NULL, seq INTEGER NOT NULL,
      prev TEXT, hlc_t INTEGER NOT NULL, hlc_c INTEGER NOT NULL, incident TEXT NOT NULL, kind TEXT NOT NULL, classification TEXT NOT NULL,
      body TEXT NOT NULL, sig TEXT NOT NULL, received_at INTEGER NOT NULL, skew_ms INTEGER)`);
    const insert = db.prepare(`INSERT INTO entries (pos, id, v, author, seq, prev, hlc_t, hlc_c, incident, kind, classification, body, sig, skew_ms, received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const store = db.transaction((batch: readonly SignedEntry[]) => {
      for (const e of batch) {
        insert.run(basePosition(e.hlc), e.id, e.v, e.author, e.seq, e.prev, e.hlc.t, e.hlc.c, e.incident, e.kind, e.classification, canonicalJson(e.body), e.sig, null, Date.now());
      }
    });
    return timeTransactions(store, batches);
  } finally {
    db.close();
    removeTempDir(dir);
  }
}

/** Each batch in its own IMMEDIATE transaction: the time and the bytes written for all of them. */
function timeTransactions(store: { immediate(batch: readonly SignedEntry[]): void }, batches: readonly SignedEntry[][]): Timed {
  const start = nowMs();
  const { bytes } = countWrites(() => {
    for (const batch of batches) store.immediate(batch);
  });
  return { ms: nowMs() - start, bytes };
}
