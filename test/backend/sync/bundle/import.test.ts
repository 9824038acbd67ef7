import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signEntry, type SignedEntry } from '../../../../shared/domain/entry.js';
import { CLOCK_FILE_FORMAT, exportClock, readClockFile } from '../../../../electron/backend/sync/bundle/clock-file.js';
import type { IngestReport } from '../../../../electron/backend/replica/replica.js';
import { makeChain, makeSigner, nodeCrypto } from '../../../support/entries.js';
import { allIds, cleanReport, clockOf, expectHealthy, INCIDENT, ingestChain, linesOf, TEAM, useLaptops, writeLog, IMPORT_MODES, useImportMode } from './laptops.js';

const { tempDir, laptop, bundleFile, exportAll } = useLaptops();

describe.each(IMPORT_MODES)('bundle import, checked %s', (mode) => {
  const importBundle = useImportMode(mode);

  it('gives the receiver exactly the sender\'s entries, verified, and a second import finds them all known', async () => {
    const a = laptop();
    const incident = await writeLog(a, 25);
    const action = await a.api['action.add']({ incident, text: 'Aggregaat plaatsen', owner: 'Brandweer', priority: 'HIGH' });
    await a.api['action.status']({ action: action.id, status: 'not_done', reason: 'geen diesel' });
    ingestChain(a, makeChain(makeSigner(), incident, 40));
    const out = bundleFile();
    const { entries } = await exportAll(a, out);
    expect(entries).toBe(a.store.count());

    const b = laptop();
    const report = await importBundle(b.store, out);
    expect(report).toEqual(cleanReport(entries));
    expect(report.header).toMatchObject({ device: a.identity.publicKeyHex, team: TEAM, entries });
    expect(allIds(b)).toEqual(allIds(a));
    expect(await b.api['incident.state']({ incident })).toEqual(await a.api['incident.state']({ incident }));
    await expectHealthy(b);

    const again = await importBundle(b.store, out);
    expect(again).toEqual(expect.objectContaining({ entries, added: 0, known: entries, pending: 0, rejected: [], complete: true, problems: [] }));
    expect(allIds(b)).toEqual(allIds(a));
  });

  it('with a receiver\'s clock file exports only what it lacks, and importing that completes it', async () => {
    const a = laptop();
    const b = laptop();
    const incident = await writeLog(a, 10);
    const full = bundleFile();
    await exportAll(a, full);
    expect((await importBundle(b.store, full)).complete).toBe(true);

    // Apart: A logs 25 more and takes in another device's 40; B logs 7 of its own.
    await writeLog(a, 25, incident);
    const other = makeChain(makeSigner(), incident, 40);
    ingestChain(a, other);
    await writeLog(b, 7, incident);

    const clockFile = join(tempDir(), 'b.clock');
    expect(exportClock(b.store, clockFile)).toEqual({ file: clockFile, authors: 2 });
    const saved = JSON.parse(readFileSync(clockFile, 'utf8'));
    expect(saved).toEqual({ format: CLOCK_FILE_FORMAT, version: 1, device: b.identity.publicKeyHex, clock: Object.fromEntries(b.store.authorHeads()) });
    const since = readClockFile(clockFile);

    const delta = bundleFile();
    const result = await exportAll(a, delta, since);
    expect(result.entries).toBe(25 + 40);
    const carried = linesOf(delta).slice(1, -2).map((l) => JSON.parse(l) as SignedEntry);
    expect(carried).toHaveLength(65);
    const aHead = since[a.identity.publicKeyHex]!.seq;
    expect(carried.filter((e) => e.author === a.identity.publicKeyHex).map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => aHead + 1 + i));
    expect(carried.filter((e) => e.author !== a.identity.publicKeyHex).map((e) => e.id)).toEqual(other.map((e) => e.id));

    expect(await importBundle(b.store, delta)).toEqual(cleanReport(65));
    // And back: A gets only B's 7.
    const back = bundleFile();
    expect((await exportAll(b, back, clockOf(a))).entries).toBe(7);
    expect(await importBundle(a.store, back)).toEqual(cleanReport(7));
    expect(allIds(a)).toEqual(allIds(b));
    await expectHealthy(a);
    await expectHealthy(b);

    // Nothing left to send: an empty bundle that imports cleanly.
    const nothing = bundleFile();
    expect((await exportAll(a, nothing, clockOf(b))).entries).toBe(0);
    expect(linesOf(nothing)).toHaveLength(3);
    expect(await importBundle(b.store, nothing)).toEqual(expect.objectContaining({ entries: 0, added: 0, complete: true, problems: [] }));
  });

  it('carries a fork both ways', async () => {
    const a = laptop();
    const b = laptop();
    const rogue = makeSigner();
    const base = makeChain(rogue, INCIDENT, 3);
    const last = base[2]!;
    const forkA = signEntry({ ...last, seq: 4, prev: last.id, hlc: { t: last.hlc.t + 10, c: 0 }, body: { text: 'versie A' } }, rogue, nodeCrypto);
    const forkB = signEntry({ ...last, seq: 4, prev: last.id, hlc: { t: last.hlc.t + 11, c: 0 }, body: { text: 'versie B' } }, rogue, nodeCrypto);
    ingestChain(a, [...base, forkA]);
    ingestChain(b, [...base, forkB]);
    await writeLog(a, 3);

    // A's bundle for B: the rogue's whole chain (B's head is not in A's chain) and A's own 4.
    const toB = bundleFile();
    expect((await exportAll(a, toB, clockOf(b))).entries).toBe(4 + 4);
    const intoB = await importBundle(b.store, toB);
    expect(intoB).toMatchObject({ entries: 8, added: 5, known: 3, pending: 0, rejected: [], forks: 1, complete: true });
    expect(b.store.entry(forkA.id)).not.toBeNull();

    // B now holds more fork evidence than A: its bundle for A carries the rogue's whole chain again.
    const toA = bundleFile();
    expect((await exportAll(b, toA, clockOf(a))).entries).toBe(5);
    const intoA = await importBundle(a.store, toA);
    expect(intoA).toMatchObject({ entries: 5, added: 1, known: 4, pending: 0, rejected: [], forks: 1, complete: true });
    expect(a.store.entry(forkB.id)).not.toBeNull();

    expect(allIds(a)).toEqual(allIds(b));
    for (const backend of [a, b]) {
      await expectHealthy(backend);
      expect((await backend.api['device.info']({})).forkedAuthors).toEqual([rogue.publicKeyHex]);
      expect((await backend.api.verify({})).warnings.some((w) => /fork/.test(w.problem))).toBe(true);
    }
  });

  it('tells onIngested what each batch brought, one call per ingest transaction', async () => {
    const a = laptop();
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 2500));
    const out = bundleFile();
    await exportAll(a, out);
    const b = laptop();
    const batches: IngestReport[] = [];
    expect(await importBundle(b.store, out, { onIngested: (report) => batches.push(report) })).toEqual(cleanReport(2500));
    expect(batches.map((r) => [r.added.length, r.known])).toEqual([[1000, 0], [1000, 0], [500, 0]]);
    expect(batches.flatMap((r) => r.added).sort()).toEqual(allIds(b));

    batches.length = 0;
    await importBundle(b.store, out, { onIngested: (report) => batches.push(report) });
    expect(batches.map((r) => [r.added.length, r.known])).toEqual([[0, 1000], [0, 1000], [0, 500]]);
  });

  it('round-trips a 20 000-entry bundle', { timeout: 120_000 }, async () => {
    const a = laptop();
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 20_000));
    await writeLog(a, 5);
    const out = bundleFile();
    const result = await exportAll(a, out);
    expect(result.entries).toBe(20_006);
    const b = laptop();
    const report = await importBundle(b.store, out);
    expect(report).toEqual(cleanReport(20_006));
    expect(b.store.count()).toBe(20_006);
    expect(allIds(b)).toEqual(allIds(a));
    await expectHealthy(b);
  });
});
