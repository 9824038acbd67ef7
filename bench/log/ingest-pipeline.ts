import { systemClock } from '../../electron/backend/clock.js';
import { createEntryCheckPool } from '../../electron/backend/entry-checks/pool.js';
import { createPipelinedIngest, type PipelinedIngest } from '../../electron/backend/entry-checks/pipelined-ingest.js';
import { createNodeEntryCrypto } from '../../electron/backend/node-crypto.js';
import { candidatesOf } from '../../electron/backend/entry-checks/messages.js';
import { checkCandidates, decodeCheckedBatch, encodeCheckedBatch } from '../../electron/backend/replica/checked-batch.js';
import type { IngestReport } from '../../electron/backend/replica/replica.js';
import type { SignedEntry } from '../../shared/domain/entry.js';
import { openTestBackend } from '../../test/support/backend.js';
import { progress } from '../lib/progress.js';
import type { Figure, Section } from '../lib/report.js';
import { formatCount, formatRate, nowMs } from '../lib/stats.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';
import { AS_FILED_COMMIT, loadAsFiledIngest } from './as-filed.js';
import { signRemoteLog, timeBareInsert } from './ingest.js';

/** Issue 11: ingest with its checks on a second thread, against today's ingest and a bare insert of the same rows, all in this run. */
export const PIPELINE_GAIN_TARGET = 2;
export const PIPELINE_SHARE_OF_BARE_TARGET = 0.8;
const ROUNDS = 2;
/** Batches handed to the pipeline before waiting for the oldest: one being checked, one being stored. */
const DEPTH = 2;

/**
 * store.ingest (checks and inserts on one thread) against the pipelined ingest (checks of batch
 * k+1 on the entry check thread while batch k is stored), fed as JSON text (what sync frames and
 * bundles hold) and as objects in memory (sent to the thread as a structured clone); bare insert
 * of the same rows as the floor. Best of ROUNDS each, a fresh database every time.
 */
export async function measurePipelinedIngest(total: number, batchSize: number): Promise<Section> {
  progress(`signing ${formatCount(total)} entries of another device (not timed)`);
  const batches = await signRemoteLog(total, batchSize);
  const texts = batches.map((batch) => JSON.stringify(batch));
  const pool = createEntryCheckPool({ crypto: createNodeEntryCrypto(), clock: systemClock, warn: (line) => progress(line) });
  await pool.start();
  const where = pool.where();
  const asFiled = await loadAsFiledIngest();
  let filed = Infinity;
  let today = Infinity;
  let fromText = Infinity;
  let passes = Infinity;
  let fromObjects = Infinity;
  let bare = Infinity;
  let checksAlone = Infinity;
  let storingAlone = Infinity;
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      progress(`pipelined ingest round ${round} of ${ROUNDS}`);
      if ('time' in asFiled) filed = Math.min(filed, asFiled.time(batches));
      today = Math.min(today, timeStoreIngest(batches));
      const text = await timePipelined(batches, (pipeline, i) => pipeline.ingest({ json: texts[i]! }), pool);
      fromText = Math.min(fromText, text.ms);
      passes = Math.min(passes, text.passesMs);
      fromObjects = Math.min(fromObjects, (await timePipelined(batches, (pipeline, i) => pipeline.ingest({ candidates: batches[i]! }), pool)).ms);
      bare = Math.min(bare, timeBareInsert(batches).ms);
      const halves = timeHalves(texts);
      checksAlone = Math.min(checksAlone, halves.checks);
      storingAlone = Math.min(storingAlone, halves.storing);
    }
  } finally {
    await pool.stop();
    if ('close' in asFiled) asFiled.close();
  }
  const rate = (ms: number) => total / (ms / 1000);
  const best = Math.min(fromText, fromObjects);
  const us = (ms: number) => `${((ms * 1000) / total).toFixed(1)} µs`;
  // With the halves overlapping perfectly, the slower one sets the pace.
  const twoThreadMs = Math.max(checksAlone, storingAlone);
  const withPasses = fromText + passes;
  const asFiledFigures: Figure[] =
    'missing' in asFiled
      ? [{ name: `as filed (${AS_FILED_COMMIT}): store.ingest`, value: `n/a: ${asFiled.missing}` }]
      : [
          { name: `as filed (${AS_FILED_COMMIT}): store.ingest, text indexed in each batch`, value: formatRate(rate(filed)) },
          { name: 'pipelined (from JSON text) / as filed', value: `${(filed / fromText).toFixed(2)}×` },
          {
            name: '(pipelined + its search passes) / as filed',
            value: `${(filed / withPasses).toFixed(2)}× (${formatRate(rate(withPasses))})`,
            target: `≥ ${PIPELINE_GAIN_TARGET}×`,
            met: filed / withPasses >= PIPELINE_GAIN_TARGET,
          },
        ];
  return {
    title: `Pipelined ingest: ${formatCount(total)} entries from another device in batches of ${formatCount(batchSize)}, checks on a second thread`,
    notes: [
      `checks ran on: ${where}; ${DEPTH} batches in the pipeline (one checked while one is stored); best of ${ROUNDS} rounds each, fresh database each time`,
      `as filed: the code before work on issue 11 began (${AS_FILED_COMMIT}), taken from this clone's history and run on the same batches; it wrote each entry's text into the full-text index in its batch, where today's ingest leaves the text to the search passes that follow a sync, so the fair comparison adds those passes`,
      'store.ingest: today\'s ingest, checks and inserts on the main thread; bare insert: the same rows into a table without any index, one transaction per batch, WAL + synchronous=FULL',
      'the halves, each timed alone on this thread from the same JSON text: checks = what the check thread does per batch (parse, validate, hash, run signatures, encode its answer); storing = what the main thread does with that answer (decode it, store.ingest\'s lookups and inserts in one transaction). Overlapped perfectly, two threads go at the pace of the slower half; a share of the bare insert above storing alone / bare cannot be reached by moving checks anywhere',
    ],
    figures: [
      ...asFiledFigures,
      { name: 'store.ingest (one thread)', value: formatRate(rate(today)) },
      { name: 'pipelined, from JSON text', value: formatRate(rate(fromText)) },
      { name: 'pipelined, from objects (structured clone)', value: formatRate(rate(fromObjects)) },
      { name: 'bare insert (same rows, no index)', value: formatRate(rate(bare)) },
      { name: 'pipelined / store.ingest', value: `${(today / best).toFixed(2)}×`, target: `≥ ${PIPELINE_GAIN_TARGET}×`, met: today / best >= PIPELINE_GAIN_TARGET },
      { name: 'pipelined / bare insert', value: `${((bare / best) * 100).toFixed(0)} %`, target: `≥ ${PIPELINE_SHARE_OF_BARE_TARGET * 100} %`, met: bare / best >= PIPELINE_SHARE_OF_BARE_TARGET },
      { name: 'per entry: checks alone / storing alone / bare insert', value: `${us(checksAlone)} / ${us(storingAlone)} / ${us(bare)}` },
      { name: 'per entry: search passes after the pipelined ingest (background, on the main thread)', value: us(passes) },
      { name: 'two threads at the slower half\'s pace', value: `${formatRate(rate(twoThreadMs))} (pipelined at ${((twoThreadMs / best) * 100).toFixed(0)} % of it)` },
      { name: 'most two threads can gain: store.ingest / slower half', value: `${(today / twoThreadMs).toFixed(2)}×` },
      { name: 'most of the bare insert with storing on one thread: bare / storing alone', value: `${((bare / storingAlone) * 100).toFixed(0)} %` },
    ],
  };
}

function timeStoreIngest(batches: readonly SignedEntry[][]): number {
  return withBackend('ingest-today', (backend) => {
    const start = nowMs();
    for (const batch of batches) expectAll(backend.store.ingest(batch), batch.length);
    return nowMs() - start;
  });
}

/** The pipelined ingest of every batch, and apart from it the search index passes that then index their text (the background indexer's work after a sync). */
async function timePipelined(batches: readonly SignedEntry[][], feed: (pipeline: PipelinedIngest, batch: number) => Promise<IngestReport>, checker: Parameters<typeof createPipelinedIngest>[0]): Promise<{ ms: number; passesMs: number }> {
  const dir = makeTempDir('ingest-pipelined');
  const backend = openTestBackend({ dataDir: dir, create: true });
  try {
    const pipeline = createPipelinedIngest(checker, backend.store);
    const inFlight: { report: Promise<IngestReport>; size: number }[] = [];
    const start = nowMs();
    for (let i = 0; i < batches.length; i++) {
      inFlight.push({ report: feed(pipeline, i), size: batches[i]!.length });
      if (inFlight.length >= DEPTH) {
        const oldest = inFlight.shift()!;
        expectAll(await oldest.report, oldest.size);
      }
    }
    for (const { report, size } of inFlight) expectAll(await report, size);
    const ms = nowMs() - start;
    const passesStart = nowMs();
    backend.store.indexSearchBacklog();
    return { ms, passesMs: nowMs() - passesStart };
  } finally {
    backend.close();
    removeTempDir(dir);
  }
}

/**
 * Each half of the pipeline alone on this thread, on the same JSON text: the check thread's work
 * (entry-checks/worker.ts per request) for every batch, then the main thread's work with those
 * answers on a fresh database (decode, store.ingest.checked).
 */
function timeHalves(texts: readonly string[]): { checks: number; storing: number } {
  const crypto = createNodeEntryCrypto();
  const answers: { checked: string; count: number }[] = [];
  const checkStart = nowMs();
  for (const json of texts) {
    const candidates = candidatesOf({ json });
    answers.push({ checked: encodeCheckedBatch(checkCandidates(candidates, crypto, { signatures: true })), count: candidates.length });
  }
  const checks = nowMs() - checkStart;
  const storing = withBackend('ingest-storing-half', (backend) => {
    const storeChecked = backend.store.ingest.checked!;
    const start = nowMs();
    for (const { checked, count } of answers) expectAll(storeChecked(decodeCheckedBatch(checked, count)), count);
    return nowMs() - start;
  });
  return { checks, storing };
}

function expectAll(report: IngestReport, expected: number): void {
  if (report.added.length !== expected) throw new Error(`ingest refused entries: ${JSON.stringify(report.rejected.slice(0, 3))}`);
}

function withBackend<T>(label: string, run: (backend: ReturnType<typeof openTestBackend>) => T): T {
  const dir = makeTempDir(label);
  const backend = openTestBackend({ dataDir: dir, create: true });
  try {
    return run(backend);
  } finally {
    backend.close();
    removeTempDir(dir);
  }
}

/** The floor (as in bench/log/ingest.ts): the table alone, no index, no full-text index, no checks. */
