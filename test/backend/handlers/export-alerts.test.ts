import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SignedEntry } from '../../../shared/domain/entry.js';
import type { TestBackend } from '../../support/backend.js';
import { useLaptops } from '../../support/laptops.js';
import { SCHEMAS, xmllint } from '../../report/xml-support.js';

/**
 * CAP alerts as a partner's system chains them: an entry sent as its own alert says what the
 * report says of it, and an Update names exactly the alerts Baken issued for the reports before it.
 */
const T = Date.UTC(2026, 11, 1, 12, 0);
const openLaptop = useLaptops({ start: T, stepMs: 60_000 });
function laptop(name: string): TestBackend {
  const backend = openLaptop();
  void backend.api['device.set']({ name, function: 'IM', team: 'ROT Brabant-Noord', discipline: 'MULTI' });
  return backend;
}
const everything = (b: TestBackend) => b.store.list({}, { limit: 1000, order: 'oldest' }).entries.map(({ skewMs: _skew, ...e }) => e as SignedEntry);
function exchange(a: TestBackend, b: TestBackend) {
  b.store.ingest(everything(a));
  a.store.ingest(everything(b));
}
const all = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);
function valid(xml: string): string {
  const verdict = xmllint(xml, SCHEMAS.cap);
  expect(verdict.code, verdict.stderr).toBe(0);
  return xml;
}

describe('a single entry as its own CAP alert', () => {
  it('carries the corrected text and writer of the report\'s item, and refuses an entry the report leaves out', async () => {
    const a = laptop('Anna de Vries');
    const api = a.api;
    const { id: incident } = await api['incident.create']({ title: 'Brand', grip: 2, classification: 'openbaar' });
    const m = await api['log.add']({ incident, kind: 'melding', body: { text: 'Bewoners wijk Noord: ramen en deuren sluiten' }, classification: 'openbaar' });
    await api['log.correct']({ target: m.id, text: 'Bewoners wijk Zuid: ramen en deuren sluiten' });
    const shared = await api['log.add']({ incident, kind: 'beeld', body: { text: 'Rook over de A2' }, classification: 'partner' });
    await api['sitrep.approve']({ incident });
    const late = await api['log.add']({ incident, kind: 'melding', body: { text: 'Na het rapport' }, classification: 'openbaar' });

    const one = valid((await api['export.render']({ incident, format: 'cap', audience: 'openbaar', entry: m.id })).content);
    expect(all(one, 'headline')[0]).toContain('Bewoners wijk Zuid');
    expect(all(one, 'description')[0]).toContain('Bewoners wijk Zuid');
    expect(one).not.toContain('wijk Noord');

    await expect(api['export.render']({ incident, format: 'cap', audience: 'openbaar', entry: late.id })).rejects.toThrow(/entry: .* is not in report 1 .*openbaar/);
    // In the partner copy the same entry is there.
    valid((await api['export.render']({ incident, format: 'cap', audience: 'partner', entry: shared.id })).content);
    await expect(api['export.render']({ incident, format: 'cap', audience: 'openbaar', entry: shared.id })).rejects.toThrow(/classified partner/);
  });
});

describe('a CAP Update after reports approved at once on two laptops', () => {
  it('refers to the alert of every clashing report, by the identifier it was issued with', async () => {
    const a = laptop('Anna');
    const b = laptop('Bram');
    const { id: incident } = await a.api['incident.create']({ title: 'Uitval', grip: 1 });
    await a.api['log.add']({ incident, kind: 'melding', body: { text: 'm1' } });
    exchange(a, b);
    await a.api['sitrep.approve']({ incident });
    await b.api['log.add']({ incident, kind: 'melding', body: { text: 'm2' } });
    await b.api['sitrep.approve']({ incident });
    exchange(a, b);
    await a.api['sitrep.approve']({ incident });

    const reports = await a.api['sitrep.list']({ incident });
    const alerts = new Map<string, string>();
    for (const r of reports) alerts.set(r.label, valid((await a.api['export.render']({ incident, format: 'cap', sitrep: r.id })).content));
    expect([...alerts.keys()]).toEqual(['1A', '1B', '2']);
    const issued = (label: string) => {
      const xml = alerts.get(label)!;
      return { msgType: all(xml, 'msgType')[0], triple: [all(xml, 'sender')[0], all(xml, 'identifier')[0], all(xml, 'sent')[0]].join(',') };
    };
    expect(issued('1A').msgType).toBe('Alert');
    expect(issued('1B').msgType).toBe('Alert');
    expect(issued('2').msgType).toBe('Update');
    expect(all(alerts.get('2')!, 'references')[0]!.split(' ').sort()).toEqual([issued('1A').triple, issued('1B').triple].sort());
  });

  it('after a revision, refers to the Update the revision was issued as', async () => {
    const a = laptop('Anna');
    const { id: incident } = await a.api['incident.create']({ title: 'Uitval', grip: 1 });
    await a.api['log.add']({ incident, kind: 'melding', body: { text: 'm1' } });
    const first = await a.api['sitrep.approve']({ incident });
    await a.api['sitrep.approve']({ incident, revises: first.id });
    await a.api['sitrep.approve']({ incident });
    const reports = await a.api['sitrep.list']({ incident });
    expect(reports.map((r) => r.label)).toEqual(['1', '1 v2', '2']);
    const xml = await Promise.all(reports.map(async (r) => valid((await a.api['export.render']({ incident, format: 'cap', sitrep: r.id })).content)));
    const triple = (x: string) => [all(x, 'sender')[0], all(x, 'identifier')[0], all(x, 'sent')[0]].join(',');
    expect(all(xml[1]!, 'msgType')[0]).toBe('Update');
    expect(all(xml[1]!, 'references')[0]).toBe(triple(xml[0]!));
    expect(all(xml[2]!, 'references')[0]!.split(' ')).toEqual([triple(xml[0]!), triple(xml[1]!)]);
  });
});

describe('the paste export\'s text twin', () => {
  it('never takes the main file\'s name', async () => {
    const a = laptop('Anna');
    const { id: incident } = await a.api['incident.create']({ title: 'Uitval', grip: 1 });
    await a.api['log.add']({ incident, kind: 'melding', body: { text: 'm1' } });
    const dir = mkdtempSync(join(tmpdir(), 'baken-twin-'));
    for (const [name, twin] of [['plak.txt', 'plak.paste.txt'], ['plak.TXT', 'plak.paste.txt'], ['plak.html', 'plak.txt'], ['plak', 'plak.txt']] as const) {
      const out = join(dir, name);
      const written = await a.api['export.write']({ incident, format: 'lcms-paste', out, force: true });
      expect(written.files).toEqual([out, join(dir, twin)]);
      expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/);
      expect(readFileSync(join(dir, twin), 'utf8')).not.toMatch(/^</);
    }
  });
});
