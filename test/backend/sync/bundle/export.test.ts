import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SignedEntry } from '../../../../shared/domain/entry.js';
import { exportBundle, type BundleSource } from '../../../../electron/backend/sync/bundle/export.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, PARTIAL_SUFFIX } from '../../../../electron/backend/sync/bundle/format.js';
import { importBundle } from '../../../../electron/backend/sync/bundle/import.js';
import { makeChain, makeSigner } from '../../../support/entries.js';
import { cleanReport, INCIDENT, ingestChain, linesOf, T, TEAM, thrown, useLaptops, writeLog } from './laptops.js';

const ENTRY_KEYS = ['id', 'v', 'author', 'seq', 'prev', 'hlc', 'incident', 'kind', 'body', 'classification', 'sig'];

const { tempDir, laptop, bundleFile, exportAll } = useLaptops();

describe('bundle export', () => {
  it('writes header, one signed entry per line in time order (each author in chain order), and a checksummed end marker', async () => {
    const a = laptop();
    await writeLog(a, 12);
    // Two more authors over the same minutes: their chains interleave in time.
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 15));
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 15));
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
    expect(header.created).toBe(new Date(T).toISOString());
    expect(header.clock).toEqual(Object.fromEntries(a.store.authorHeads()));

    const entries = lines.slice(1, -1).map((l) => JSON.parse(l) as SignedEntry);
    const lastOf = new Map<string, SignedEntry>();
    let authorChanges = 0;
    for (const [i, entry] of entries.entries()) {
      expect(Object.keys(entry)).toEqual(ENTRY_KEYS);
      expect({ ...a.store.entry(entry.id)!, skewMs: undefined }).toEqual({ ...entry, skewMs: undefined });
      const before = lastOf.get(entry.author);
      if (before) expect(entry.prev).toBe(before.id);
      else expect(entry.seq).toBe(1);
      lastOf.set(entry.author, entry);
      const previous = entries[i - 1];
      if (previous) {
        expect(entry.hlc.t > previous.hlc.t || (entry.hlc.t === previous.hlc.t && entry.hlc.c >= previous.hlc.c)).toBe(true);
        if (previous.author !== entry.author) authorChanges++;
      }
    }
    expect(authorChanges).toBeGreaterThan(10); // the two remote chains alternate, not one after the other
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
    const error = await thrown(() => exportBundle(failing, { out, device: a.identity.publicKeyHex, now: () => T }));
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
    await exportBundle(a.store, { out, device: a.identity.publicKeyHex, onProgress: (done, total) => exportCalls.push([done, total]), now: () => T });
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
