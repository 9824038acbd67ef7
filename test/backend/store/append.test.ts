import { describe, expect, it } from 'vitest';
import { cpSync } from 'node:fs';
import { openTestBackend } from '../../support/backend.js';
import { compareHlc } from '../../../shared/domain/hlc.js';
import { useTempDirs } from '../../support/temp.js';

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
