import { describe, expect, it } from 'vitest';
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
