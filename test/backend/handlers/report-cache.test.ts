import { describe, expect, it } from 'vitest';
import type { SignedEntry } from '../../../shared/domain/entry.js';
import { createReportInputsCache } from '../../../electron/backend/report/sources.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { nodeCrypto } from '../../support/entries.js';
import { closedAfterEach } from '../../support/opened-backends.js';
import { useTempDirs } from '../../support/temp.js';

/**
 * The report handlers keep an incident's report inputs between calls. Entries are stored at their
 * place in time (their HLC), not at the end: a teammate's entries that arrive after a while offline
 * are usually stamped before the incident's newest entry. They must still reach the next draft, list,
 * export and approval, whether this connection stored them or another process on the same log did.
 */
const T = Date.UTC(2026, 11, 1, 12, 0);
const MIN = 60_000;

const tempDir = useTempDirs();
const opened = closedAfterEach();

/** A laptop whose clock reads what the test last set, so who stamped what earlier is up to the test. */
function laptop(dataDir?: string): TestBackend & { at(ms: number): void } {
  let now = T;
  const backend = openTestBackend({ dataDir: dataDir ?? tempDir(), create: dataDir === undefined, clock: () => now });
  opened.push(backend);
  return Object.assign(backend, { at: (ms: number) => void (now = ms) });
}

function everything(backend: TestBackend): SignedEntry[] {
  return backend.store.list({}, { limit: 1000, order: 'oldest' }).entries.map(({ skewMs: _skew, ...entry }) => entry as SignedEntry);
}

function ownEntries(backend: TestBackend): SignedEntry[] {
  return everything(backend).filter((e) => e.author === backend.store.author);
}

const mentions = (doc: unknown, text: string) => JSON.stringify(doc).includes(text);

/**
 * Anna's laptop opens the incident at T and logs a decision at T+10 min; Bram's laptop got the
 * opening entry at T+1 min and then went offline: what he writes is stamped before Anna's decision.
 */
async function annaAndBram() {
  const anna = laptop();
  const bram = laptop();
  const { id } = await anna.api['incident.create']({ title: 'Brand Haven', classification: 'intern' });
  bram.at(T + MIN);
  bram.store.ingest(everything(anna));
  anna.at(T + 10 * MIN);
  await anna.api['log.add']({ incident: id, kind: 'besluit', body: { text: 'Weg afsluiten' } });
  return { anna, bram, id };
}

describe('report inputs kept between calls', () => {
  it('takes in a teammate\'s decision synced late and stamped before the newest entry: draft and approved report', async () => {
    const { anna, bram, id } = await annaAndBram();
    const before = await anna.api['sitrep.draft']({ incident: id });
    expect(mentions(before, 'Weg afsluiten')).toBe(true);

    bram.at(T + 2 * MIN);
    const late = await bram.api['log.add']({ incident: id, kind: 'besluit', body: { text: 'Evacueren' } });
    anna.at(T + 11 * MIN);
    expect(anna.store.ingest(ownEntries(bram)).added).toHaveLength(1);

    expect(mentions(await anna.api['sitrep.draft']({ incident: id }), 'Evacueren')).toBe(true);
    const approved = await anna.api['sitrep.approve']({ incident: id });
    expect(JSON.stringify(anna.store.entry(approved.id)!.body)).toContain(late.id);
  });

  it('numbers on from a teammate\'s report that arrives late, and lists it', async () => {
    const { anna, bram, id } = await annaAndBram();
    expect(await anna.api['sitrep.list']({ incident: id })).toEqual([]);

    bram.at(T + 2 * MIN);
    await bram.api['log.add']({ incident: id, kind: 'melding', body: { text: 'Rook zichtbaar vanaf de A2' } });
    bram.at(T + 3 * MIN);
    expect((await bram.api['sitrep.approve']({ incident: id })).label).toBe('1');
    anna.at(T + 11 * MIN);
    anna.store.ingest(ownEntries(bram));

    expect((await anna.api['sitrep.list']({ incident: id })).map((r) => r.label)).toEqual(['1']);
    expect((await anna.api['sitrep.approve']({ incident: id })).label).toBe('2');
  });

  it('takes in a teammate\'s profile and team template (the device incident) synced late and stamped before this device\'s newest', async () => {
    const { anna, bram, id } = await annaAndBram();
    await anna.api['device.set']({ name: 'Anna de Vries' });
    bram.at(T + 2 * MIN);
    await bram.api['log.add']({ incident: id, kind: 'melding', body: { text: 'Rook zichtbaar vanaf de A2' } });
    anna.at(T + 11 * MIN);
    anna.store.ingest(ownEntries(bram));
    const before = await anna.api['sitrep.draft']({ incident: id });
    expect(mentions(before, 'Rook zichtbaar vanaf de A2')).toBe(true);
    expect(mentions(before, 'Bram Bakker')).toBe(false);

    bram.at(T + 3 * MIN);
    await bram.api['device.set']({ name: 'Bram Bakker' });
    await bram.api['sitrep.template.set']({ sections: [{ key: 'picture', title: 'Alleen beeld', source: 'picture' }] });
    anna.at(T + 12 * MIN);
    expect(anna.store.ingest(ownEntries(bram)).added).toHaveLength(2);

    const after = await anna.api['sitrep.draft']({ incident: id });
    expect(after.sections.map((s) => s.title)).toEqual(['Alleen beeld']);
    expect(mentions(after, 'Bram Bakker')).toBe(true);
  });

  it('takes in what another process stored in the same log (the CLI beside the app): a late decision and a late edit', async () => {
    const { anna, bram, id } = await annaAndBram();
    expect(mentions(await anna.api['sitrep.draft']({ incident: id }), 'Evacueren')).toBe(false);

    bram.at(T + 2 * MIN);
    await bram.api['log.add']({ incident: id, kind: 'besluit', body: { text: 'Evacueren' } });
    await bram.api['sitrep.edit']({ incident: id, section: 'picture', text: 'Brand onder controle volgens Bram' });
    const cli = laptop(anna.dataDir);
    cli.at(T + 11 * MIN);
    expect(cli.store.ingest(ownEntries(bram)).added).toHaveLength(2);

    const after = await anna.api['sitrep.draft']({ incident: id });
    expect(mentions(after, 'Evacueren')).toBe(true);
    expect(mentions(after, 'Brand onder controle volgens Bram')).toBe(true);
    cli.close();
  });

  it('reads the log again only when an entry of the incident or the device incident was stored, not for every write', async () => {
    const { anna, bram, id } = await annaAndBram();
    const { id: other } = await anna.api['incident.create']({ title: 'Stroomstoring', classification: 'intern' });
    let loads = 0;
    let marks = 0;
    const store = {
      ...anna.store,
      incidentEntries: (incident: string) => (loads++, anna.store.incidentEntries(incident)),
      incidentMark: (incident: string) => (marks++, anna.store.incidentMark(incident)),
    };
    const inputsOf = createReportInputsCache(store, nodeCrypto);
    const first = inputsOf(id, new Date(T).toISOString());
    expect(loads).toBeGreaterThan(0);

    loads = marks = 0;
    expect(inputsOf(id, new Date(T).toISOString()).entries).toBe(first.entries);
    expect({ loads, marks }).toEqual({ loads: 0, marks: 0 });

    await anna.api['log.add']({ incident: other, kind: 'melding', body: { text: 'Elders' } });
    anna.store.indexSearchBacklog();
    expect(inputsOf(id, new Date(T).toISOString()).entries).toBe(first.entries);
    expect(loads).toBe(0);

    bram.at(T + 2 * MIN);
    await bram.api['log.add']({ incident: id, kind: 'besluit', body: { text: 'Evacueren' } });
    anna.store.ingest(ownEntries(bram));
    expect(inputsOf(id, new Date(T).toISOString()).entries.map((e) => e.kind)).toContain('besluit');
    expect(loads).toBeGreaterThan(0);
  });
});
