import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SignedEntry } from '../../../../shared/domain/entry.js';
import { MAX_LINE_BYTES } from '../../../../electron/backend/sync/bundle/format.js';
import { makeChain, makeSigner } from '../../../support/entries.js';
import { allIds, cleanReport, expectHealthy, INCIDENT, ingestChain, linesOf, thrown, useLaptops, writeLog, IMPORT_MODES, useImportMode } from './laptops.js';

const { tempDir, laptop, bundleFile, exportAll } = useLaptops();

describe.each(IMPORT_MODES)('bundle import of a cut-off, changed or foreign file, checked %s', (mode) => {
  const importBundle = useImportMode(mode);

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

});

describe('bundle import on the check thread', () => {
  const onThisThread = useImportMode('on this thread');
  const onCheckThread = useImportMode('on the check thread');

  it('reports a damaged bundle of several batches exactly as checking on this thread does, refusals in the same order', async () => {
    const a = laptop();
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 1200));
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 1200, { t0: 1_790_000_000_000 + 500 }));
    const out = bundleFile();
    await exportAll(a, out);
    const lines = linesOf(out);
    lines[5] = '{"id": "cut off';
    lines[700] = lines[700]!.replace('melding ', 'MELDING ');
    lines[1501] = '{"kind":"melding"}';
    lines.splice(2100, 0, lines[2100]!.replace('melding ', 'Melding '));
    lines[2300] = 'x'.repeat(100);
    const file = join(tempDir(), 'damaged.baken');
    writeFileSync(file, lines.join('\n'));

    const [b, c] = [laptop(), laptop()];
    const here = await onThisThread(b.store, file);
    const there = await onCheckThread(c.store, file);
    expect(there).toEqual(here);
    expect(here.rejected.map((r) => r.line)).toEqual([6, 701, 1502, 2101, 2301]);
    expect(here.pending).toBeGreaterThan(0);
    expect(allIds(c)).toEqual(allIds(b));
    await expectHealthy(c);
  });
});
