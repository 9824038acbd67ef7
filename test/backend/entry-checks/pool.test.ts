import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/backend/clock.js';
import { WORKER_READY } from '../../../electron/backend/entry-checks/messages.js';
import { createEntryCheckPool, type EntryCheckPool } from '../../../electron/backend/entry-checks/pool.js';
import { checkCandidates } from '../../../electron/backend/replica/checked-batch.js';
import { encodeMessage } from '../../../electron/backend/sync/protocol.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { manualClock } from '../../support/manual-clock.js';

const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
const pools: EntryCheckPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.stop();
});

function pool(deps: Partial<Parameters<typeof createEntryCheckPool>[0]> = {}) {
  const warnings: string[] = [];
  const made = createEntryCheckPool({ crypto: nodeCrypto, clock: systemClock, warn: (line) => warnings.push(line), ...deps });
  pools.push(made);
  return { pool: made, warnings };
}

/** Batches with every kind of trouble: a forged body, a signature that is not the author's, malformed input, a repeat, two authors. */
function troubledBatches() {
  const a = makeChain(makeSigner(), INCIDENT, 6);
  const b = makeChain(makeSigner(), INCIDENT, 3);
  return [
    [a[0], a[1], b[0]],
    [{ ...a[2]!, body: { text: 'vervalst' } }, a[2], a[3], a[3], null, { id: 'x'.repeat(80) }],
    [{ ...a[4]!, sig: a[5]!.sig }, a[5], b[1], b[2]],
  ];
}

/** A checked item without the signature verdict, which only the worker adds. */
const withoutSignature = (item: Record<string, unknown>) => {
  const { signature: _signature, ...rest } = item;
  return rest;
};

/** A worker from source text (tests only): how a crashing or silent worker is made. */
const evalWorker = (source: string) => () => new Worker(source, { eval: true });

describe('entry check pool', () => {
  it('checks on the worker thread exactly what the main thread would, in the order asked, from values, JSON text and sync frames', async () => {
    const { pool: checks, warnings } = pool();
    await checks.start();
    expect(checks.where()).toBe('worker');
    const batches = troubledBatches();
    const inputs = batches.flatMap((batch) => [{ candidates: batch }, { json: JSON.stringify(batch) }, { frame: encodeMessage({ type: 'entries', entries: batch }) }]);
    const answers = await Promise.all(inputs.map((input) => checks.check(input)));
    answers.forEach((answer, i) => {
      const expected = checkCandidates(batches[Math.floor(i / 3)]!, nodeCrypto, { signatures: true });
      expect(JSON.parse(JSON.stringify(answer.items))).toEqual(JSON.parse(JSON.stringify(expected.items)));
    });
    // The forged copy is refused by the worker's checks, for the same reason; a run's last signature
    // is checked (it covers the run, the wrong signature on entry 5 included: the store decides).
    expect(answers[3]!.items[0]).toEqual({ rejected: { id: batches[1]![1]!.id, reason: expect.stringMatching(/^hash-mismatch: /) } });
    expect(answers[6]!.items.map((item) => ('entry' in item ? item.signature : 'rejected'))).toEqual([undefined, true, undefined, true]);
    expect(warnings).toEqual([]);
  });

  it('decodes and checks whole sync frames on the worker as the main thread would, and leaves any other frame to the caller', async () => {
    const { pool: checks } = pool();
    await checks.start();
    const frames = troubledBatches().map((entries) => encodeMessage({ type: 'entries', entries }));
    const others = [encodeMessage({ type: 'want', authors: [] }), new TextEncoder().encode('{"type":"entries","entries":[]}'), new TextEncoder().encode('{"broken"')];
    const onWorker = await Promise.all([...frames, ...others].map((frame) => checks.checkFrame(frame)));
    await checks.stop();
    const onMain = await Promise.all([...frames, ...others].map((frame) => checks.checkFrame(frame)));
    expect(onWorker.slice(frames.length)).toEqual([null, null, null]);
    expect(onMain.slice(frames.length)).toEqual([null, null, null]);
    frames.forEach((_frame, i) => {
      const [worker, main] = [onWorker[i]!, onMain[i]!];
      expect(JSON.parse(JSON.stringify(worker.batch.items)).map(withoutSignature)).toEqual(JSON.parse(JSON.stringify(main.batch.items)));
      // The session reads author, seq and id of every candidate that has them, in order.
      const shape = (e: unknown) => { const { author, seq, id } = e as { author: string; seq: number; id: string }; return { author, seq, id }; };
      expect(worker.entries.map(shape)).toEqual(main.entries.filter((e) => typeof e === 'object' && e !== null && 'author' in e).map(shape));
    });
  });

  it('says in plain words when the worker cannot start, and checks on the main thread instead', async () => {
    const { pool: checks, warnings } = pool({ startWorker: evalWorker('process.exit(3)') });
    await checks.start();
    expect(checks.where()).toBe('main thread');
    expect(warnings).toEqual([expect.stringMatching(/^The entry check thread could not start \(it exited with code 3\); received entries are checked on the main thread, which is slower\.$/)]);
    const [batch] = troubledBatches();
    expect((await checks.check({ candidates: batch! })).items).toEqual(checkCandidates(batch!, nodeCrypto, { signatures: false }).items);
  });

  it('gives up on a worker that does not load in time, by the injected clock', async () => {
    const clock = manualClock();
    const { pool: checks, warnings } = pool({ clock, readyTimeoutMs: 5000, startWorker: evalWorker('setInterval(() => {}, 1000)') });
    const started = checks.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.advance(5000);
    await started;
    expect(checks.where()).toBe('main thread');
    expect(warnings).toEqual([expect.stringContaining('(it did not load in time)')]);
  });

  it('checks on the main thread what a worker that crashed mid-batch owed, in order, and everything after', async () => {
    const crashing = `const { parentPort } = require('node:worker_threads'); parentPort.postMessage(${JSON.stringify(WORKER_READY)}); parentPort.on('message', () => process.exit(7));`;
    const { pool: checks, warnings } = pool({ startWorker: evalWorker(crashing) });
    await checks.start();
    expect(checks.where()).toBe('worker');
    const batches = troubledBatches();
    const answers = await Promise.all(batches.map((batch) => checks.check({ json: JSON.stringify(batch) })));
    answers.forEach((answer, i) => expect(answer.items).toEqual(checkCandidates(batches[i]!, nodeCrypto, { signatures: false }).items));
    expect(checks.where()).toBe('main thread');
    expect(warnings).toEqual([expect.stringMatching(/^The entry check thread stopped \(it exited with code 7\); received entries are checked on the main thread from now on, which is slower\.$/)]);
  });

  it('refuses input that is not a JSON array of entries with a clear error, wherever it is checked', async () => {
    const { pool: checks } = pool();
    await checks.start();
    await expect(checks.check({ json: '{"not":"an array"}' })).rejects.toThrow('the entries to check are not a JSON array');
    await checks.stop();
    await expect(checks.check({ json: '{"not":"an array"}' })).rejects.toThrow('the entries to check are not a JSON array');
  });

  it('stops cleanly: no warning, and checks go on on the main thread', async () => {
    const { pool: checks, warnings } = pool();
    await checks.start();
    await checks.stop();
    expect(checks.where()).toBe('main thread');
    const [batch] = troubledBatches();
    expect((await checks.check({ candidates: batch! })).items).toHaveLength(3);
    expect(warnings).toEqual([]);
  });
});
