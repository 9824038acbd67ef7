import { describe, expect, it } from 'vitest';
import { BakenError } from '../../../shared/contract/errors.js';
import { useLaptops } from '../../support/laptops.js';

/** 2026-09-22 13:59:00 UTC: the clock moves 20 minutes on every reading, so entries fall in several hours. */
const T = Date.UTC(2026, 8, 22, 13, 59, 0);
const laptop = useLaptops({ start: T, stepMs: 20 * 60_000 });

describe('incident.activity (the overview\'s entries per hour)', () => {
  it('counts an incident\'s entries per hour they were logged in, by kind, and no other incident\'s', async () => {
    const backend = laptop();
    const { id: incident } = await backend.api['incident.create']({ title: 'Uitval NAFIN' });
    const { id: other } = await backend.api['incident.create']({ title: 'Andere zaak' });
    for (const kind of ['melding', 'melding', 'knelpunt', 'besluit', 'melding'] as const) {
      await backend.api['log.add']({ incident, kind, body: { text: `${kind} tekst` } });
    }
    await backend.api['log.add']({ incident: other, kind: 'melding', body: { text: 'elders' } });

    const { hours } = await backend.api['incident.activity']({ incident: incident.slice(0, 8) });
    // Every entry of the incident is counted exactly once, in the hour of its HLC time.
    const counted = hours.flatMap((h) => Object.entries(h.kinds)).reduce((sum, [, n]) => sum + n, 0);
    const entries = backend.store.list({ incident }, { limit: 100, order: 'oldest' }).entries;
    expect(counted).toBe(entries.length);
    const expected = new Map<string, Record<string, number>>();
    for (const e of entries) {
      const start = new Date(Math.floor(e.hlc.t / 3_600_000) * 3_600_000).toISOString();
      const kinds = expected.get(start) ?? {};
      kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
      expected.set(start, kinds);
    }
    expect(hours).toEqual([...expected].map(([start, kinds]) => ({ start, kinds })));
    expect(hours.length).toBeGreaterThan(1);
    expect(hours.map((h) => h.start)).toEqual([...hours.map((h) => h.start)].sort());
  });

  it('refuses an incident it does not know, in plain words', async () => {
    const backend = laptop();
    await expect(backend.api['incident.activity']({ incident: 'abcdef123456' })).rejects.toSatisfy((e: unknown) => e instanceof BakenError && e.code === 'not-found');
  });
});
