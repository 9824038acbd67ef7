import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/backend/clock.js';
import { createPipelinedIngest } from '../../../electron/backend/entry-checks/pipelined-ingest.js';
import { createEntryCheckPool, type EntryChecker, type EntryCheckPool } from '../../../electron/backend/entry-checks/pool.js';
import { createMemoryReplica } from '../../../electron/backend/replica/memory-replica.js';
import { openLogDatabase, type SqliteDatabase } from '../../../electron/backend/store/database.js';
import { createLogStore } from '../../../electron/backend/store/index.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { useTempDirs } from '../../support/temp.js';

const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
const NOW = 1_790_000_000_000 + 86_400_000;
const tempDir = useTempDirs();
const opened: SqliteDatabase[] = [];
const pools: EntryCheckPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.stop();
  for (const db of opened.splice(0)) db.close();
});

const openStore = () => {
  const db = openLogDatabase(join(tempDir(), 'log.db'));
  opened.push(db);
  return createLogStore({ db, signer: makeSigner(), crypto: nodeCrypto, now: () => NOW });
};

async function startedPool() {
  const warnings: string[] = [];
  const pool = createEntryCheckPool({ crypto: nodeCrypto, clock: systemClock, warn: (line) => warnings.push(line) });
  pools.push(pool);
  await pool.start();
  return { pool, warnings };
}

/** Batches whose reports depend on their order: later entries first (they wait), then the gap, repeats, forgeries. */
function orderedBatches() {
  const a = makeChain(makeSigner(), INCIDENT, 40);
  const b = makeChain(makeSigner(), INCIDENT, 10);
  return [
    a.slice(20, 30),
    [...a.slice(0, 10), b[0]],
    [{ ...a[10]!, body: { text: 'vervalst' } }, ...a.slice(10, 20), ...b.slice(1, 5)],
    [...a.slice(25, 40), { ...b[5]!, sig: b[9]!.sig }, null],
    [...b.slice(5, 10), a[3]],
  ];
}

describe('pipelined ingest', () => {
  it('stores batches in the order given, each checked on the worker while the one before is stored, reporting what store.ingest reports', async () => {
    const { pool, warnings } = await startedPool();
    expect(pool.where()).toBe('worker');
    const batches = orderedBatches();
    const today = openStore();
    const expected = batches.map((batch) => today.ingest(batch, { from: 'peer-1' }));
    const store = openStore();
    // The first batch's checks answer last: storing must still keep the order the batches came in.
    let calls = 0;
    const slowFirst: EntryChecker = {
      check: (input) => (calls++ === 0 ? pool.check(input).then((batch) => new Promise((resolve) => setTimeout(() => resolve(batch), 100))) : pool.check(input)),
      checkFrame: (frame) => pool.checkFrame(frame),
    };
    const pipeline = createPipelinedIngest(slowFirst, store);
    // All handed over at once: checks run ahead, storing keeps the order.
    const reports = await Promise.all(batches.map((batch, i) => pipeline.ingest(i % 2 ? { json: JSON.stringify(batch) } : { candidates: batch }, { from: 'peer-1' })));
    expect(reports).toEqual(expected);
    expect(store.count()).toBe(today.count());
    expect(store.authorHeads()).toEqual(today.authorHeads());
    expect(warnings).toEqual([]);
  });

  it('refuses a batch that is not a JSON array with a clear error, storing nothing of it, and goes on with the next', async () => {
    const { pool } = await startedPool();
    const store = openStore();
    const pipeline = createPipelinedIngest(pool, store);
    const [first, , third] = orderedBatches();
    const results = await Promise.allSettled([
      pipeline.ingest({ json: JSON.stringify(first) }),
      pipeline.ingest({ json: '{"entries": "none"}' }),
      pipeline.ingest({ json: JSON.stringify(third) }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('the entries to check are not a JSON array');
    const added = (i: number) => (results[i] as PromiseFulfilledResult<{ added: string[] }>).value.added.length;
    expect(store.count()).toBe(added(0) + added(2));
  });

  it('stores the signed copy of an id sent with a damaged signature too, whichever copy comes first, as store.ingest does', async () => {
    const { pool } = await startedPool();
    const chain = makeChain(makeSigner(), INCIDENT, 3);
    const damaged = (i: number) => ({ ...chain[i]!, sig: chain[i]!.sig.replace(/^./, (c) => (c === '0' ? '1' : '0')) });
    const batches = [[chain[0], damaged(1), chain[1]], [damaged(2), chain[2], damaged(0), chain[0]]];
    const today = openStore();
    const expected = batches.map((batch) => today.ingest(batch));
    expect(expected[0]!.added).toEqual([chain[0]!.id, chain[1]!.id]);
    const store = openStore();
    const pipeline = createPipelinedIngest(pool, store);
    expect(await Promise.all(batches.map((batch) => pipeline.ingest({ candidates: batch })))).toEqual(expected);
    expect(chain.map((e) => store.entry(e.id)?.sig)).toEqual(chain.map((e) => e.sig));
  });

  it('lets a replica that checks everything itself take the candidates, in order', async () => {
    const { pool } = await startedPool();
    const signer = makeSigner();
    const memory = createMemoryReplica({ author: signer.publicKeyHex, crypto: nodeCrypto, now: () => NOW });
    const reference = createMemoryReplica({ author: signer.publicKeyHex, crypto: nodeCrypto, now: () => NOW });
    const batches = orderedBatches();
    const expected = batches.map((batch) => reference.ingest(batch));
    const pipeline = createPipelinedIngest(pool, memory);
    expect(await Promise.all(batches.map((batch) => pipeline.ingest({ json: JSON.stringify(batch) })))).toEqual(expected);
  });
});

describe('pipelined ingest when storing fails', () => {
  it('stores nothing after the batch that failed: the batches after it reject with the same error', async () => {
    const { pool } = await startedPool();
    const store = openStore();
    const [first, second, third] = orderedBatches();
    let storing = 0;
    const failing = {
      ingest: Object.assign((...args: Parameters<typeof store.ingest>) => store.ingest(...args), {
        checked: (...args: Parameters<NonNullable<typeof store.ingest.checked>>) => {
          if (++storing === 2) throw new Error('disk full');
          return store.ingest.checked!(...args);
        },
      }),
    };
    const pipeline = createPipelinedIngest(pool, failing);
    const results = await Promise.allSettled([first!, second!, third!].map((batch) => pipeline.ingest({ candidates: batch })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(results.slice(1).map((r) => (r as PromiseRejectedResult).reason.message)).toEqual(['disk full', 'disk full']);
    expect(storing).toBe(2);
    expect(store.count()).toBe((results[0] as PromiseFulfilledResult<{ added: string[] }>).value.added.length);
  });
});
