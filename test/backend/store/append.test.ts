import { describe, expect, it } from 'vitest';
import { cpSync } from 'node:fs';
import { openTestBackend } from '../../support/backend.js';
import { compareHlc } from '../../../shared/domain/hlc.js';
import { useTempDirs } from '../../support/temp.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { createMemoryReplica } from '../../../electron/backend/replica/memory-replica.js';

describe('two processes appending on one data directory', () => {
  const dirs = useTempDirs();
  it('keep this device\'s timestamps increasing with seq, even when one process\'s clock lags', async () => {
    const dir = dirs();
    const ahead = openTestBackend({ dataDir: dir, create: true, clock: () => 1_800_000_000_000 });
    const behind = openTestBackend({ dataDir: dir, clock: () => 1_700_000_000_000 });
    try {
      const incident = (await ahead.api['incident.create']({ title: 'Gedeelde map' })).id;
      for (let i = 0; i < 4; i++) {
        await (i % 2 ? ahead : behind).api['log.add']({ incident, kind: 'melding', body: { text: `melding ${i}` } });
      }
      const own = ahead.store.list({}, { limit: 10, order: 'oldest' }).entries.sort((a, b) => a.seq - b.seq);
      expect(own.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      for (let i = 1; i < own.length; i++) expect(compareHlc(own[i]!.hlc, own[i - 1]!.hlc)).toBe(1);
    } finally {
      behind.close();
      ahead.close();
    }
  });
});

describe('an append after this device\'s own chain forked', () => {
  const dirs = useTempDirs();
  it('follows the entry with the lowest id at the highest seq, whichever arrived first', () => {
    const dir = dirs();
    const original = openTestBackend({ dataDir: dir, create: true });
    let copy: ReturnType<typeof openTestBackend> | undefined;
    try {
      const incident = original.store.append({ kind: 'incident', classification: 'intern', body: { title: 'Kopie van de map', start: '2026-12-03T08:00:00.000Z' } }).incident;
      // A copy of the data directory (the same key) that goes on writing elsewhere: two entries at seq 2.
      const copyDir = dirs();
      original.store.checkpoint();
      cpSync(dir, copyDir, { recursive: true });
      copy = openTestBackend({ dataDir: copyDir });
      const elsewhere = copy.store.append({ kind: 'melding', incident, classification: 'intern', body: { text: 'op de kopie' } });
      const here = original.store.append({ kind: 'melding', incident, classification: 'intern', body: { text: 'op het origineel' } });
      expect([elsewhere.seq, here.seq]).toEqual([2, 2]);
      original.store.ingest([elsewhere]);
      const next = original.store.append({ kind: 'melding', incident, classification: 'intern', body: { text: 'na de splitsing' } });
      expect(next.seq).toBe(3);
      expect(next.prev).toBe([elsewhere.id, here.id].sort()[0]);
    } finally {
      copy?.close();
      original.close();
    }
  });
});

describe('an entry of this device\'s own key stamped far ahead, sent by another device that holds the key (a restored backup)', () => {
  const dirs = useTempDirs();
  const T = 1_790_000_000_000;
  const MINUTE = 60_000;
  const YEAR = 365 * 86_400_000;

  it('is stored flagged, and neither the next append nor the clock after a restart follows it into the future', async () => {
    let now = T;
    const dir = dirs();
    const clock = () => (now += 1000);
    let device = openTestBackend({ dataDir: dir, create: true, clock });
    let other: ReturnType<typeof openTestBackend> | undefined;
    try {
      const opening = device.store.append({ kind: 'incident', classification: 'intern', body: { title: 'Teruggezette back-up', start: '2026-12-03T08:00:00.000Z' } });
      const [far] = makeChain(device.identity, opening.incident, 1, { startSeq: 2, prev: opening.id, t0: T + YEAR });
      expect(device.store.ingest([far!]).skewed.map((s) => s.id)).toEqual([far!.id]);

      const next = device.store.append({ kind: 'melding', incident: opening.incident, classification: 'intern', body: { text: 'na de kopie' } });
      expect([next.seq, next.prev]).toEqual([3, far!.id]);
      expect(next.hlc.t).toBeGreaterThan(opening.hlc.t);
      expect(next.hlc.t).toBeLessThan(now + MINUTE);
      // Stamped a year before the entry it follows: shown as behind it, as any entry stamped that far
      // before its predecessor is (store/behind.ts), beside the predecessor's own skew flag.
      const page = await device.api['log.list']({ order: 'oldest' });
      const flags = new Map(page.entries.map((e) => [e.id, { skewMs: e.skewMs, behind: e.behind }]));
      expect(flags.get(far!.id)).toEqual({ skewMs: expect.any(Number), behind: null });
      expect(flags.get(next.id)).toEqual({ skewMs: null, behind: { ms: expect.any(Number), follows: far!.id } });
      expect(flags.get(next.id)!.behind!.ms).toBeGreaterThan(YEAR - MINUTE);

      device.close();
      device = openTestBackend({ dataDir: dir, clock });
      const afterRestart = device.store.append({ kind: 'melding', incident: opening.incident, classification: 'intern', body: { text: 'na de herstart' } });
      expect(afterRestart.seq).toBe(4);
      expect(compareHlc(afterRestart.hlc, next.hlc)).toBe(1);
      expect(afterRestart.hlc.t).toBeLessThan(now + MINUTE);

      // Another device takes the whole chain, the step back in time included; the log verifies.
      const chain = [opening, far!, next, afterRestart];
      other = openTestBackend({ dataDir: dirs(), create: true, clock: () => now });
      const report = other.store.ingest(chain);
      expect(report.added).toEqual(chain.map((e) => e.id));
      expect(report.rejected).toEqual([]);
      expect(report.skewed.map((s) => s.id)).toEqual([far!.id]);
      expect(other.store.verify()).toMatchObject({ ok: true, entries: 4, problems: [] });
      const memory = createMemoryReplica({ author: makeSigner().publicKeyHex, crypto: nodeCrypto, now: () => now });
      expect(memory.ingest(chain).added).toEqual(chain.map((e) => e.id));
    } finally {
      other?.close();
      device.close();
    }
  });

  it('still lets an append follow what another process on this data directory appended before it', () => {
    // The CLI's clock a minute ahead of the window's (within the allowed skew): its entry is not flagged.
    const dir = dirs();
    const window = openTestBackend({ dataDir: dir, create: true, clock: () => T });
    const cli = openTestBackend({ dataDir: dir, clock: () => T + MINUTE });
    try {
      const opening = window.store.append({ kind: 'incident', classification: 'intern', body: { title: 'Naast de server', start: '2026-12-03T08:00:00.000Z' } });
      const fromCli = cli.store.append({ kind: 'melding', incident: opening.incident, classification: 'intern', body: { text: 'van de CLI' } });
      const [far] = makeChain(window.identity, opening.incident, 1, { startSeq: 3, prev: fromCli.id, t0: T + YEAR });
      expect(window.store.ingest([far!]).skewed.map((s) => s.id)).toEqual([far!.id]);
      // The head is the flagged entry: the newest unflagged one before it still counts.
      const next = window.store.append({ kind: 'melding', incident: opening.incident, classification: 'intern', body: { text: 'uit het venster' } });
      expect([next.seq, next.prev]).toEqual([4, far!.id]);
      expect(compareHlc(next.hlc, fromCli.hlc)).toBe(1);
      expect(next.hlc.t).toBeLessThan(T + 2 * MINUTE);
    } finally {
      cli.close();
      window.close();
    }
  });
});
