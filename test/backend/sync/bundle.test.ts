import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signEntry, type SignedEntry } from '../../../shared/domain/entry.js';
import { BakenError } from '../../../shared/contract/errors.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import {
  BUNDLE_FORMAT, BUNDLE_VERSION, CLOCK_FILE_FORMAT, exportBundle, exportClock, importBundle, MAX_LINE_BYTES, PARTIAL_SUFFIX, readClockFile,
  type BundleSource, type ImportReport,
} from '../../../electron/backend/sync/bundle.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { useTempDirs } from '../../support/temp.js';

/** makeChain stamps its entries from this time on; the laptops' clocks run a day later. */
const CHAIN_T0 = 1_790_000_000_000;
const T = CHAIN_T0 + 86_400_000;
const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
const TEAM = { id: 'veiligheidsregio-test', name: 'ROT Test' };
const ENTRY_KEYS = ['id', 'v', 'author', 'seq', 'prev', 'hlc', 'incident', 'kind', 'body', 'classification', 'sig'];

const tempDir = useTempDirs();
const opened: TestBackend[] = [];
// Registered after useTempDirs, so databases close before their folders go.
afterEach(() => {
  for (const backend of opened.splice(0)) backend.close();
});

function laptop(): TestBackend {
  let now = T;
  // Each call moves the clock on a little, so appends get distinct stamps.
  const backend = openTestBackend({ dataDir: tempDir(), create: true, clock: () => (now += 7) });
  opened.push(backend);
  return backend;
}

function allIds(backend: TestBackend): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = backend.store.list({}, { cursor, limit: 1000, order: 'oldest' });
    ids.push(...page.entries.map((e) => e.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids.sort();
}

async function writeLog(backend: TestBackend, count: number, incident?: string): Promise<string> {
  const id = incident ?? (await backend.api['incident.create']({ title: 'Uitval NAFIN', location: 'Coördinatie café', grip: 1 })).id;
  for (let i = 0; i < count; i++) {
    if (i % 10 === 3) await backend.api['grip.set']({ incident: id, level: (i % 5) + 1, reason: `opschaling ${i}` });
    else await backend.api['log.add']({ incident: id, kind: i % 2 ? 'beeld' : 'melding', body: { text: `bericht ${i}: "€" — 🚒\nregel 2` }, classification: i % 3 ? 'intern' : 'partner' });
  }
  return id;
}

/** Ingests a long chain from another device in a few batches (makeChain is far faster than the API). */
function ingestChain(backend: TestBackend, entries: SignedEntry[]): void {
  for (let i = 0; i < entries.length; i += 5000) {
    const report = backend.store.ingest(entries.slice(i, i + 5000));
    expect(report.rejected).toEqual([]);
  }
}

async function expectHealthy(backend: TestBackend): Promise<void> {
  const report = await backend.api.verify({});
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.entries).toBe(backend.store.count());
}

const bundleFile = (name = 'log.baken') => join(tempDir(), name);
const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n');

async function exportAll(backend: TestBackend, out = bundleFile(), since?: Parameters<typeof exportBundle>[1]['since']) {
  return exportBundle(backend.store, { out, device: backend.identity.publicKeyHex, team: TEAM, since });
}

async function thrown(fn: () => Promise<unknown> | unknown): Promise<BakenError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BakenError);
    return error as BakenError;
  }
  throw new Error('expected a BakenError, nothing was thrown');
}

function cleanReport(count: number): ImportReport {
  return expect.objectContaining({ entries: count, added: count, known: 0, pending: 0, rejected: [], complete: true, problems: [] }) as ImportReport;
}

describe('bundle export', () => {
  it('writes header, one signed entry per line in chain order per author, and a checksummed end marker', async () => {
    const a = laptop();
    await writeLog(a, 12);
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 30));
    const out = bundleFile();
    const result = await exportAll(a, out);
    expect(result).toEqual({ entries: 43, bytes: readFileSync(out).length, file: out });
    expect(existsSync(out + PARTIAL_SUFFIX)).toBe(false);

    const raw = readFileSync(out);
    const lines = linesOf(out);
    expect(lines.pop()).toBe(''); // the file ends with a newline
    expect(lines).toHaveLength(45);
    const header = JSON.parse(lines[0]!);
    expect(Object.keys(header)).toEqual(['format', 'version', 'created', 'device', 'team', 'entries', 'clock']);
    expect(header).toMatchObject({ format: BUNDLE_FORMAT, version: BUNDLE_VERSION, device: a.identity.publicKeyHex, team: TEAM, entries: 43 });
    expect(header.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(header.clock).toEqual(Object.fromEntries(a.store.authorHeads()));

    const entries = lines.slice(1, -1).map((l) => JSON.parse(l) as SignedEntry);
    for (const [i, entry] of entries.entries()) {
      expect(Object.keys(entry)).toEqual(ENTRY_KEYS);
      expect({ ...a.store.entry(entry.id)!, skewMs: undefined }).toEqual({ ...entry, skewMs: undefined });
      const before = entries[i - 1];
      if (before && before.author === entry.author) expect(entry.prev).toBe(before.id);
      else expect(entry.seq).toBe(1);
    }
    expect(new Set(entries.map((e) => e.id)).size).toBe(43);

    const trailerLine = lines[lines.length - 1]!;
    const before = raw.subarray(0, raw.length - Buffer.byteLength(trailerLine) - 1);
    expect(JSON.parse(trailerLine)).toEqual({ end: BUNDLE_FORMAT, entries: 43, sha256: createHash('sha256').update(before).digest('hex') });
  });

  it('leaves no file under the final name (and an old one untouched) when writing fails midway', async () => {
    const a = laptop();
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 3000));
    const out = bundleFile();
    writeFileSync(out, 'old bundle\n');
    writeFileSync(out + PARTIAL_SUFFIX, 'stale partial from a yanked stick\n');
    let pages = 0;
    const failing: BundleSource = {
      author: a.store.author,
      authorHeads: () => a.store.authorHeads(),
      idsAtSeq: (author, seq) => a.store.idsAtSeq(author, seq),
      chainAfter: (author, seq, id, limit) => {
        // Counting reads 3 pages; writing fails on its second page.
        if (++pages === 5) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
        return a.store.chainAfter(author, seq, id, limit);
      },
    };
    const error = await thrown(() => exportBundle(failing, { out, device: a.identity.publicKeyHex }));
    expect(error.code).toBe('storage');
    expect(readFileSync(out, 'utf8')).toBe('old bundle\n');
    expect(existsSync(out + PARTIAL_SUFFIX)).toBe(false);

    // Without the fault, the same export replaces the old file.
    const result = await exportAll(a, out);
    expect(result.entries).toBe(3000);
    expect(existsSync(out + PARTIAL_SUFFIX)).toBe(false);
    expect(linesOf(out)).toHaveLength(3003);
  });

  it('reports a full stick as disk-full and leaves nothing on it', async () => {
    const a = laptop();
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 4000, { text: (i) => `melding ${i} `.padEnd(400, 'x') }));
    const stick = mkdtempSync(join(tmpdir(), 'baken-stick-'));
    // A real full file system (a 1 MiB tmpfs); these tests run as root, like CI. Not skipped on purpose.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', stick], { stdio: 'pipe' });
    try {
      const error = await thrown(() => exportAll(a, join(stick, 'log.baken')));
      expect(error.code).toBe('disk-full');
      expect(error.message).toMatch(/disk is full/);
      expect(readdirSync(stick)).toEqual([]);
    } finally {
      execFileSync('umount', [stick], { stdio: 'pipe' });
      rmdirSync(stick);
    }
  });

  it('refuses a folder that does not exist with a clear error', async () => {
    const a = laptop();
    await writeLog(a, 1);
    const error = await thrown(() => exportAll(a, join(tempDir(), 'missing', 'log.baken')));
    expect(error.code).toBe('not-found');
    expect(error.message).toMatch(/does not exist/);
  });

  it('calls onProgress with increasing counts, ending at the total', async () => {
    const a = laptop();
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 3500));
    const exportCalls: [number, number][] = [];
    const out = bundleFile();
    await exportBundle(a.store, { out, device: a.identity.publicKeyHex, onProgress: (done, total) => exportCalls.push([done, total]) });
    expect(exportCalls.length).toBeGreaterThanOrEqual(4);
    expect(exportCalls[0]).toEqual([0, 3500]);
    expect(exportCalls[exportCalls.length - 1]).toEqual([3500, 3500]);
    for (let i = 1; i < exportCalls.length; i++) expect(exportCalls[i]![0]).toBeGreaterThan(exportCalls[i - 1]![0]);

    const b = laptop();
    const importCalls: [number, number][] = [];
    const report = await importBundle(b.store, out, { onProgress: (done, total) => importCalls.push([done, total]) });
    expect(report).toEqual(cleanReport(3500));
    expect(importCalls.length).toBeGreaterThanOrEqual(4);
    expect(importCalls[0]).toEqual([0, 3500]);
    expect(importCalls[importCalls.length - 1]).toEqual([3500, 3500]);
    for (let i = 1; i < importCalls.length; i++) {
      expect(importCalls[i]![0]).toBeGreaterThan(importCalls[i - 1]![0]);
      expect(importCalls[i]![1]).toBe(3500);
    }
  });
});

describe('bundle import', () => {
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

  it('stores every complete entry of a bundle cut off in the middle of a line, and says it is truncated', async () => {
    const a = laptop();
    await writeLog(a, 49);
    const out = bundleFile();
    await exportAll(a, out);
    const raw = readFileSync(out);
    const lines = linesOf(out);
    // Cut in the middle of line 31 (the 30th entry): 29 entries are complete.
    const cutAt = lines.slice(0, 30).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) + 40;
    const cut = join(tempDir(), 'cut.baken');
    writeFileSync(cut, raw.subarray(0, cutAt));

    const b = laptop();
    const report = await importBundle(b.store, cut);
    expect(report).toMatchObject({ entries: 29, added: 29, known: 0, pending: 0, rejected: [], complete: false });
    expect(report.problems).toEqual([expect.stringMatching(/^truncated: the file ends after 29 of 50 entries, in the middle of line 31,/)]);
    expect(allIds(b)).toEqual(lines.slice(1, 30).map((l) => (JSON.parse(l) as SignedEntry).id).sort());
    await expectHealthy(b);

    // The whole bundle later fills in the rest.
    expect(await importBundle(b.store, out)).toEqual(expect.objectContaining({ entries: 50, added: 21, known: 29, complete: true }));
    expect(allIds(b)).toEqual(allIds(a));
  });

  it('stores every entry of a bundle cut off cleanly before its end marker, and says it is truncated', async () => {
    const a = laptop();
    await writeLog(a, 19);
    const out = bundleFile();
    await exportAll(a, out);
    const lines = linesOf(out);
    const cut = join(tempDir(), 'cut.baken');
    writeFileSync(cut, lines.slice(0, -2).map((l) => `${l}\n`).join(''));

    const b = laptop();
    const report = await importBundle(b.store, cut);
    expect(report).toMatchObject({ entries: 20, added: 20, rejected: [], complete: false });
    expect(report.problems).toEqual([expect.stringMatching(/^truncated: the file ends after 20 of 20 entries without its end marker/)]);
    expect(allIds(b)).toEqual(allIds(a));
    await expectHealthy(b);
  });

  it('rejects a tampered entry by its hash, reports the changed file, and stores nothing invalid', async () => {
    const a = laptop();
    await writeLog(a, 30);
    const out = bundleFile();
    await exportAll(a, out);
    const lines = linesOf(out);
    // Line 12 is the 11th entry (a melding or beeld written by the API); change its text.
    const target = JSON.parse(lines[11]!) as SignedEntry;
    expect(lines[11]).toContain('bericht ');
    lines[11] = lines[11]!.replace('bericht ', 'BERICHT ');
    const tampered = join(tempDir(), 'tampered.baken');
    writeFileSync(tampered, lines.join('\n'));

    const b = laptop();
    const report = await importBundle(b.store, tampered);
    expect(report.rejected).toEqual([{ id: target.id, line: 12, reason: expect.stringMatching(/^hash-mismatch/) }]);
    expect(report.complete).toBe(false);
    expect(report.problems).toEqual([expect.stringMatching(/changed after it was written: its checksum/)]);
    // The entries before it are stored; the ones after it wait for their real predecessor.
    expect(report).toMatchObject({ entries: 31, added: 10, pending: 20 });
    expect(b.store.entry(target.id)).toBeNull();
    expect(b.store.count()).toBe(10);
    await expectHealthy(b);

    // The genuine bundle fills the gap and releases the waiting entries.
    const fixed = await importBundle(b.store, out);
    expect(fixed).toMatchObject({ added: 21, pending: 0, rejected: [], complete: true });
    expect(allIds(b)).toEqual(allIds(a));
    await expectHealthy(b);
  });

  it('does not let a damaged copy of an entry hide the genuine one', async () => {
    const a = laptop();
    await writeLog(a, 5);
    const out = bundleFile();
    await exportAll(a, out);
    const lines = linesOf(out);
    const damaged = lines[3]!.replace('bericht ', 'BERICHT ');
    lines.splice(3, 0, damaged); // the damaged copy comes first, in the same batch
    const file = join(tempDir(), 'dup.baken');
    writeFileSync(file, lines.join('\n'));

    const b = laptop();
    const report = await importBundle(b.store, file);
    expect(report.rejected).toEqual([{ id: (JSON.parse(damaged) as SignedEntry).id, line: 4, reason: expect.stringMatching(/^hash-mismatch/) }]);
    expect(report).toMatchObject({ entries: 7, added: 6, pending: 0, complete: false });
    expect(allIds(b)).toEqual(allIds(a));
    await expectHealthy(b);
  });

  it('reports an end marker whose count does not match, rejects unreadable lines by number, and skips an overlong line', async () => {
    const a = laptop();
    await writeLog(a, 8);
    const out = bundleFile();
    await exportAll(a, out);
    const lines = linesOf(out);
    const trailer = JSON.parse(lines[lines.length - 2]!);

    const recount = join(tempDir(), 'recount.baken');
    lines[lines.length - 2] = JSON.stringify({ ...trailer, entries: 8 });
    writeFileSync(recount, lines.join('\n'));
    const b = laptop();
    const report = await importBundle(b.store, recount);
    expect(report).toMatchObject({ entries: 9, added: 9, rejected: [], complete: false });
    expect(report.problems).toEqual([expect.stringMatching(/changed after it was written: the end marker counts 8 entries, the file holds 9/)]);

    const noisy = linesOf(out);
    noisy.splice(3, 0, 'x'.repeat(MAX_LINE_BYTES + 10));
    noisy.splice(6, 0, '{"id": "abc", "v": 1, oops');
    noisy.splice(8, 0, '[1,2,3]');
    const file = join(tempDir(), 'noisy.baken');
    writeFileSync(file, noisy.join('\n'));
    const c = laptop();
    const noisyReport = await importBundle(c.store, file);
    expect(noisyReport.rejected).toEqual([
      { id: null, line: 4, reason: expect.stringMatching(/^too long/) },
      { id: null, line: 7, reason: 'not JSON: the line is damaged' },
      { id: null, line: 9, reason: expect.stringMatching(/^malformed: /) },
    ]);
    expect(noisyReport).toMatchObject({ entries: 12, added: 9, complete: false });
    expect(allIds(c)).toEqual(allIds(a));
    await expectHealthy(c);

    // Lines after the end marker (a blank one and another device's entry): the entry is checked and
    // kept, and the file is reported as changed.
    const extra = makeChain(makeSigner(), INCIDENT, 1)[0]!;
    const appended = join(tempDir(), 'appended.baken');
    writeFileSync(appended, `${readFileSync(out, 'utf8')}\n${JSON.stringify(extra)}\n`);
    const d = laptop();
    const appendedReport = await importBundle(d.store, appended);
    expect(appendedReport).toMatchObject({ entries: 10, added: 10, rejected: [], complete: false });
    expect(appendedReport.problems).toEqual([expect.stringMatching(/changed after it was written: 2 lines follow the end marker/)]);
    expect(d.store.entry(extra.id)).not.toBeNull();

    // A damaged header (right format and version) is a problem, not an error: the entries still count.
    const badHeader = linesOf(out);
    badHeader[0] = badHeader[0]!.replace(/"created":"[^"]*"/, '"created":"gisteren"');
    const headerFile = join(tempDir(), 'header.baken');
    writeFileSync(headerFile, badHeader.join('\n'));
    const e = laptop();
    const headerReport = await importBundle(e.store, headerFile);
    expect(headerReport).toMatchObject({ entries: 9, added: 9, rejected: [], complete: false, header: null });
    expect(headerReport.problems).toEqual([
      expect.stringMatching(/^the header is damaged \(created: /),
      expect.stringMatching(/checksum \(sha256\) does not match/),
    ]);
    expect(allIds(e)).toEqual(allIds(a));
  });

  it('refuses garbage, other JSON, an empty file and a newer bundle with a clear error, storing nothing', async () => {
    const a = laptop();
    await writeLog(a, 4);
    const good = bundleFile();
    await exportAll(a, good);
    const entryLines = linesOf(good).slice(1, -2).join('\n');
    const b = laptop();
    const dir = tempDir();
    const cases: [string, string | Buffer, RegExp][] = [
      ['garbage.bin', randomBytes(200_000), /is not a Baken bundle$/],
      ['other.json', `{"format":"something-else","version":1}\n${entryLines}\n`, /is not a Baken bundle$/],
      ['array.json', `[${entryLines.split('\n').join(',')}]\n`, /is not a Baken bundle$/],
      ['entries-only.jsonl', `${entryLines}\n`, /is not a Baken bundle$/],
      ['empty.baken', '', /is not a Baken bundle \(the file is empty\)$/],
      ['newer.baken', `${linesOf(good)[0]!.replace('"version":1', '"version":2')}\n${entryLines}\n`, /was written by a newer Baken \(bundle version 2; this Baken reads version 1\)/],
      ['cut-header.baken', linesOf(good)[0]!.slice(0, 60), /is a damaged Baken bundle/],
    ];
    for (const [name, content, message] of cases) {
      const file = join(dir, name);
      writeFileSync(file, content);
      const error = await thrown(() => importBundle(b.store, file));
      expect(error.code, name).toBe('invalid-input');
      expect(error.message, name).toMatch(message);
      expect(error.message, name).toContain(file);
      expect(b.store.count(), name).toBe(0);
    }
    const missing = await thrown(() => importBundle(b.store, join(dir, 'nope.baken')));
    expect(missing.code).toBe('not-found');
    const folder = await thrown(() => importBundle(b.store, dir));
    expect(folder.code).toBe('invalid-input');
    expect(b.store.count()).toBe(0);
    // The genuine bundle still imports into the same laptop.
    expect(await importBundle(b.store, good)).toEqual(cleanReport(5));
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

describe('clock files', () => {
  it('round-trips a clock, and refuses anything that is not a valid clock file', async () => {
    const a = laptop();
    await writeLog(a, 3);
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 3));
    const dir = tempDir();
    const file = join(dir, 'a.clock');
    writeFileSync(file, 'an older clock file');
    exportClock(a.store, file);
    expect(existsSync(file + PARTIAL_SUFFIX)).toBe(false);
    expect(readClockFile(file)).toEqual(Object.fromEntries(a.store.authorHeads()));

    const good = JSON.parse(readFileSync(file, 'utf8'));
    const [author] = Object.keys(good.clock);
    const cases: [string, string | Buffer, RegExp][] = [
      ['garbage', randomBytes(5000), /is not a Baken clock file/],
      ['not json', 'seq=4', /is not a Baken clock file \(not JSON\)/],
      ['bundle', readFileSync((await exportAll(a)).file), /is not a Baken clock file/],
      ['other', JSON.stringify({ format: 'other', clock: good.clock }), /is not a Baken clock file$/],
      ['newer', JSON.stringify({ ...good, version: 2 }), /newer Baken \(clock file version 2/],
      ['bad seq', JSON.stringify({ ...good, clock: { ...good.clock, [author!]: { seq: 0, head: good.clock[author!].head } } }), /damaged Baken clock file: clock\..*seq/],
      ['bad author', JSON.stringify({ ...good, clock: { NOTHEX: { seq: 1, head: 'a'.repeat(64) } } }), /damaged Baken clock file/],
      ['extra field', JSON.stringify({ ...good, extra: 1 }), /damaged Baken clock file/],
      ['no device', JSON.stringify({ ...good, device: undefined }), /damaged Baken clock file: device/],
    ];
    for (const [name, content, message] of cases) {
      const path = join(dir, `${name}.clock`);
      writeFileSync(path, content);
      const error = await thrown(() => readClockFile(path));
      expect(error.code, name).toBe('invalid-input');
      expect(error.message, name).toMatch(message);
    }
    expect((await thrown(() => readClockFile(join(dir, 'missing.clock')))).code).toBe('not-found');
    expect((await thrown(() => exportClock(a.store, join(dir, 'missing', 'a.clock')))).code).toBe('not-found');
  });
});

/** A laptop's current clock, as its clock file would carry it. */
function clockOf(backend: TestBackend) {
  return Object.fromEntries(backend.store.authorHeads());
}
