import { join } from 'node:path';
import { BULK_CHECKPOINT_BYTES, checkpointPages, openLogDatabase, type SqliteDatabase } from '../../electron/backend/store/database.js';
import { createEntryWriter } from '../../electron/backend/store/rows.js';
import { canonicalJson } from '../../shared/domain/canonical.js';
import type { SignedEntry } from '../../shared/domain/entry.js';
import { progress } from '../lib/progress.js';
import type { Section } from '../lib/report.js';
import { formatCount, formatRate, nowMs } from '../lib/stats.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';
import { signRemoteLog } from './ingest.js';

const ROUNDS = 3;

interface Variant {
  name: string;
  /** Run on a fresh database before the clock starts: drops what this variant goes without. */
  without?: string;
  /** 'text': the id into its index at once, the text to the backlog (received entries today); 'text-and-id': neither (as an append). */
  later: 'text' | 'text-and-id';
}

const VARIANTS: Variant[] = [
  { name: 'the store\'s row writer, as store.ingest uses it', later: 'text' },
  { name: 'without the kind index', without: 'DROP INDEX entries_kind', later: 'text' },
  { name: 'without the incident index', without: 'DROP INDEX entries_incident', later: 'text' },
  { name: 'without the chain index (author, seq, id)', without: 'DROP INDEX entries_author_seq', later: 'text' },
  { name: 'without the id index and the text backlog row', later: 'text-and-id' },
  { name: 'the table alone (no index, no id, no backlog row)', without: 'DROP INDEX entries_kind; DROP INDEX entries_incident; DROP INDEX entries_author_seq', later: 'text-and-id' },
];

/**
 * What the store's row writer costs per received entry, part by part: the same rows written with
 * one index (or the id index and backlog row) left out at a time, on this thread, no checks and no
 * hashing, in the ingest's batches. A pipelined ingest stores on one thread, so its rate cannot pass
 * the first row; the last is what storing costs without any lookup structure.
 */
export async function measureWriterParts(total: number, batchSize: number): Promise<Section> {
  progress(`signing ${formatCount(total)} entries of another device for the row writer's parts (not timed)`);
  const batches = await signRemoteLog(total, batchSize);
  const bodies = batches.map((batch) => batch.map((entry) => canonicalJson(entry.body)));
  const times = VARIANTS.map((variant) => {
    progress(`row writer: ${variant.name}`);
    let best = Infinity;
    for (let round = 0; round < ROUNDS; round++) best = Math.min(best, timeWriter(variant, batches, bodies));
    return best;
  });
  const perEntryUs = (ms: number) => (ms * 1000) / total;
  const full = times[0]!;
  return {
    title: `Row writer by part: ${formatCount(total)} received entries written in batches of ${formatCount(batchSize)}, no checks`,
    notes: [
      `each row a fresh database with one part left out; best of ${ROUNDS} rounds; WAL + synchronous=FULL as the store opens it; µs per entry and what leaving the part out saves`,
    ],
    figures: VARIANTS.map((variant, i) => ({
      name: variant.name,
      value: `${formatRate(total / (times[i]! / 1000))} (${perEntryUs(times[i]!).toFixed(1)} µs${i === 0 ? '' : `, ${saving(perEntryUs(full - times[i]!))}`})`,
    })),
  };
}

/** What leaving a part out saved, signed: a part that costs less than the noise can come out slower without it. */
function saving(us: number): string {
  return `${us >= 0 ? '−' : '+'}${Math.abs(us).toFixed(1)} µs`;
}

function timeWriter(variant: Variant, batches: readonly SignedEntry[][], bodies: readonly string[][]): number {
  const dir = makeTempDir('writer-parts');
  const db: SqliteDatabase = openLogDatabase(join(dir, 'baken.db'));
  // Checkpoints as store.ingest has them for its batches.
  db.pragma(`wal_autocheckpoint = ${checkpointPages(db, BULK_CHECKPOINT_BYTES)}`);
  try {
    if (variant.without) db.exec(variant.without);
    const write = createEntryWriter(db, { later: variant.later });
    const store = db.transaction((batch: number) => {
      const entries = batches[batch]!;
      for (let i = 0; i < entries.length; i++) write(entries[i]!, Date.now(), null, bodies[batch]![i]);
    });
    const start = nowMs();
    for (let batch = 0; batch < batches.length; batch++) store.immediate(batch);
    return nowMs() - start;
  } finally {
    db.close();
    removeTempDir(dir);
  }
}
