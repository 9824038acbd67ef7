import { join } from 'node:path';
import { openTestBackend } from '../../test/support/backend.js';
import { createNodeEntryCrypto } from '../../electron/backend/node-crypto.js';
import { openLogDatabase } from '../../electron/backend/store/database.js';
import { createEntryWriter } from '../../electron/backend/store/rows.js';
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
  let ingest: Timed = { ms: Infinity, bytes: null };
  let ceiling: Timed = { ms: Infinity, bytes: null };
  for (let round = 1; round <= ROUNDS; round++) {
    progress(`ingest round ${round} of ${ROUNDS}`);
    ingest = faster(ingest, timeIngest(batches));
    ceiling = faster(ceiling, timeCeiling(batches));
  }
  progress('ingest once more, attributing every page written to its table or index');
  const anatomy = ingestAnatomy(batches);
  const rate = total / (ingest.ms / 1000);
  const ceilingRate = total / (ceiling.ms / 1000);
  return {
    title: `Ingest: ${formatCount(total)} entries from another device, store.ingest in batches of ${formatCount(batchSize)}`,
    notes: [
      `ceiling: SHA-256 of canonical bytes + createEntryWriter insert, one transaction per batch, no validation or signature check; best of ${ROUNDS} rounds each`,
      'per part: a third, untimed ingest reads every WAL frame; checkpoints as SQLite would (same threshold); pages mapped to their owner with dbstat at the end',
    ],
    figures: [
      { name: 'store.ingest', value: formatRate(rate), target: `≥ ${formatRate(INGEST_RATE_TARGET)}`, met: rate >= INGEST_RATE_TARGET },
      { name: 'ceiling (hash + insert)', value: formatRate(ceilingRate) },
      { name: 'ingest / ceiling', value: `${((rate / ceilingRate) * 100).toFixed(0)} %`, target: `≥ ${INGEST_SHARE_OF_CEILING_TARGET * 100} %`, met: rate / ceilingRate >= INGEST_SHARE_OF_CEILING_TARGET },
      { name: 'written per entry: ingest', value: formatBytes(ingest.bytes === null ? null : ingest.bytes / total) },
      { name: 'written per entry: ceiling', value: formatBytes(ceiling.bytes === null ? null : ceiling.bytes / total) },
      ...anatomyFigures('per ingested entry', anatomy, INGEST_BYTES_TARGET),
    ],
  };
}

interface Timed {
  ms: number;
  /** Bytes written while timing (WAL, checkpoints), null where the OS does not say. */
  bytes: number | null;
}

function faster(a: Timed, b: Timed): Timed {
  return b.ms < a.ms ? b : a;
}

async function signRemoteLog(total: number, batchSize: number): Promise<SignedEntry[][]> {
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

function timeIngest(batches: readonly SignedEntry[][]): Timed {
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
    return { ms: nowMs() - start, bytes };
  } finally {
    backend.close();
    removeTempDir(dir);
  }
}

function timeCeiling(batches: readonly SignedEntry[][]): Timed {
  const dir = makeTempDir('ceiling');
  const db = openLogDatabase(join(dir, 'baken.db'));
  try {
    const crypto = createNodeEntryCrypto();
    const write = createEntryWriter(db);
    const store = db.transaction((batch: readonly SignedEntry[]) => {
      for (const entry of batch) {
        if (toHex(crypto.sha256(entryCanonicalBytes(entry))) !== entry.id) throw new Error('hash mismatch');
        write(entry, Date.now(), null);
      }
    });
    const start = nowMs();
    const { bytes } = countWrites(() => {
      for (const batch of batches) store.immediate(batch);
    });
    return { ms: nowMs() - start, bytes };
  } finally {
    db.close();
    removeTempDir(dir);
  }
}
