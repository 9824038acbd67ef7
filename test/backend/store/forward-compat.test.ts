import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogEntryView } from '../../../shared/contract/log.js';
import { canonicalJson } from '../../../shared/domain/canonical.js';
import { deriveIncidentState } from '../../../shared/domain/derive.js';
import { entryCanonicalBytes, type AnyEntry } from '../../../shared/domain/entry.js';
import { DATABASE_FILE } from '../../../electron/backend/device.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { makeNewerChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { useTempDirs } from '../../support/temp.js';
import { closedAfterEach } from '../../support/opened-backends.js';

/**
 * Mixed versions are normal in the field: what a newer Baken writes (kinds and body fields this
 * version does not know) is verified, stored, listed, relayed and exported unchanged, never refused.
 */
const T0 = 1_790_000_000_000;
const NOW = T0 + 3_600_000;
const INCIDENT = '7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a';

const tempDir = useTempDirs();
const opened = closedAfterEach();

function laptop(): TestBackend {
  const backend = openTestBackend({ dataDir: tempDir(), create: true, clock: () => NOW });
  opened.push(backend);
  return backend;
}

/** A log as a newer version writes it: known kinds with fields added, and a kind of its own. */
function newerLog() {
  const [opening, melding, sitrap, grip, actie] = makeNewerChain(makeSigner(), INCIDENT, [
    { kind: 'incident', body: { title: 'Uitval NAFIN', start: new Date(T0).toISOString(), grip: 1, categorie: { code: 'NUTS', omschrijving: 'nutsvoorziening' } } },
    { kind: 'melding', body: { text: 'Meldkamer onbereikbaar', source: 'KMar' } },
    { kind: 'sitrap', body: { samenvatting: 'Coördinatie via de satelliettelefoon', onderdelen: [{ kop: 'Beeld', tekst: 'Meldkamer stil' }], volgnummer: 3, definitief: false } },
    { kind: 'grip', body: { level: 2, reason: 'Effectbestrijding nodig', bron: { team: 'ROT' } } },
    { kind: 'actie', body: { text: 'Telefoon naar de meldkamer', owner: 'KMar', priority: 'HIGH', zone: 'A3' } },
  ], { t0: T0 });
  return { all: [opening!, melding!, sitrap!, grip!, actie!], opening: opening!, melding: melding!, sitrap: sitrap!, grip: grip!, actie: actie! };
}

// Their author wrote no profile: the log names it by its key.
const viewOf = (entry: AnyEntry, newer: LogEntryView['newer']): LogEntryView => ({
  ...entry, skewMs: null, behind: null, newer, happenedAt: null, operator: null, writer: `device ${entry.author.slice(0, 8)}`, context: { corrections: [], refersTo: null, gripBefore: null },
});

function storedBody(backend: TestBackend, id: string): string {
  const db = new Database(join(backend.dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT body FROM entries WHERE id = unhex(?)').pluck().get(id) as string;
  } finally {
    db.close();
  }
}

describe('entries a newer version wrote', () => {
  it('are verified and stored as signed, survive verify, and are listed and shown with what this version cannot read', async () => {
    const { all, opening, melding, sitrap, grip, actie } = newerLog();
    const b = laptop();
    const report = b.store.ingest(all);
    expect(report.rejected).toEqual([]);
    expect(report.added).toEqual(all.map((e) => e.id));
    for (const entry of all) expect(storedBody(b, entry.id)).toBe(canonicalJson(entry.body));

    expect(await b.api.verify({})).toEqual({ ok: true, entries: 5, problems: [], warnings: [] });

    const expected = [
      viewOf(opening, { unknownKind: false, unknownFields: ['categorie'] }),
      viewOf(melding, null),
      viewOf(sitrap, { unknownKind: true, unknownFields: ['definitief', 'onderdelen', 'samenvatting', 'volgnummer'] }),
      // The GRIP change shows the level before it: the opening entry's.
      { ...viewOf(grip, { unknownKind: false, unknownFields: ['bron'] }), context: { corrections: [], refersTo: null, gripBefore: 1 } },
      viewOf(actie, { unknownKind: false, unknownFields: ['zone'] }),
    ];
    expect((await b.api['log.list']({ incident: INCIDENT, order: 'oldest' })).entries).toEqual(expected);
    expect(await b.api['log.get']({ id: sitrap.id })).toEqual(expected[2]);
    expect((await b.api['log.list']({ kind: 'sitrap' })).entries).toEqual([expected[2]]);
    // The strings of a body it cannot read are searchable, nested ones too.
    expect((await b.api.search({ text: 'coordinatie' })).entries.map((e) => e.id)).toEqual([sitrap.id]);
    expect((await b.api.search({ text: 'meldkamer stil' })).entries.map((e) => e.id)).toEqual([sitrap.id]);
  });

  it('wait for a missing predecessor like any entry, and move into the log unchanged', async () => {
    const { all } = newerLog();
    const b = laptop();
    const early = b.store.ingest(all.slice(2));
    expect(early.pending.sort()).toEqual(all.slice(2).map((e) => e.id).sort());
    expect(b.store.ingest(all.slice(0, 2)).added.sort()).toEqual(all.map((e) => e.id).sort());
    for (const entry of all) expect(storedBody(b, entry.id)).toBe(canonicalJson(entry.body));
    expect(await b.api.verify({})).toMatchObject({ ok: true, entries: 5 });
  });

  it('leave derived state to what this version knows: the unknown kind is left out, added fields are not read', () => {
    const { all, sitrap } = newerLog();
    const b = laptop();
    b.store.ingest(all);
    const state = deriveIncidentState(INCIDENT, b.store.incidentEntries(INCIDENT), new Date(NOW).toISOString(), nodeCrypto);
    expect(state.incident).toMatchObject({ title: 'Uitval NAFIN', start: new Date(T0).toISOString() });
    expect(state.grip.history.map((g) => [g.level, g.reason])).toEqual([[1, null], [2, 'Effectbestrijding nodig']]);
    expect(state.actions).toEqual([expect.objectContaining({ text: 'Telefoon naar de meldkamer', owner: 'KMar', priority: 'HIGH', status: 'open' })]);
    expect(JSON.stringify(state)).not.toMatch(/NUTS|zone|A3|bron|sitrap|samenvatting/);
    expect(deriveIncidentState(INCIDENT, all.filter((e) => e.id !== sitrap.id), new Date(NOW).toISOString(), nodeCrypto)).toEqual(state);
  });

  it('travel through a bundle byte for byte: exported, imported elsewhere, and exported again the same', async () => {
    const { all } = newerLog();
    const b = laptop();
    b.store.ingest(all);
    const first = join(tempDir(), 'b.baken');
    expect(await b.api['bundle.export']({ out: first })).toMatchObject({ entries: 5 });
    const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n').slice(1, -2);
    for (const [i, line] of linesOf(first).entries()) {
      const entry = JSON.parse(line) as AnyEntry;
      expect(entry).toEqual(all[i]);
      expect(Buffer.from(nodeCrypto.sha256(entryCanonicalBytes(entry))).toString('hex')).toBe(all[i]!.id);
    }

    const c = laptop();
    expect(await c.api['bundle.import']({ file: first })).toMatchObject({ entries: 5, added: 5, rejected: [], complete: true });
    expect(await c.api['log.list']({ order: 'oldest' })).toEqual(await b.api['log.list']({ order: 'oldest' }));
    for (const entry of all) expect(storedBody(c, entry.id)).toBe(storedBody(b, entry.id));
    expect(await c.api.verify({})).toMatchObject({ ok: true, entries: 5 });

    const again = join(tempDir(), 'c.baken');
    await c.api['bundle.export']({ out: again });
    expect(linesOf(again)).toEqual(linesOf(first));
  });

  it('cannot be written through the API: a person writes only kinds and fields this version knows', async () => {
    const b = laptop();
    const { id: incident } = await b.api['incident.create']({ title: 'Dijkdoorbraak' });
    await expect(b.api['log.add']({ incident, kind: 'sitrap' as 'melding', body: { text: 'x' } })).rejects.toMatchObject({ code: 'invalid-input', field: 'kind' });
    await expect(b.api['log.add']({ incident, kind: 'melding', body: { text: 'x', zone: 'A3' } })).rejects.toMatchObject({ code: 'invalid-input' });
    expect(b.store.count()).toBe(1);
  });
});
