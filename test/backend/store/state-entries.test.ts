import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../electron/backend/device.js';
import { createForkedSeats } from '../../../electron/backend/store/forked-seats.js';
import { createStateEntries } from '../../../electron/backend/store/state-entries.js';
import { deriveIncidentState } from '../../../shared/domain/derive.js';
import { signEntry, type AnyEntry, type EntrySigner, type UnsignedEntry } from '../../../shared/domain/entry.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { makeSigner, nodeCrypto } from '../../support/entries.js';
import { closedAfterEach } from '../../support/opened-backends.js';
import { seededRandom } from '../../support/random.js';
import { useTempDirs } from '../../support/temp.js';

const tempDir = useTempDirs();
const opened = closedAfterEach();
const NOW = '2026-12-02T12:00:00.000Z';

interface Chain {
  signer: EntrySigner;
  seq: number;
  prev: string | null;
  /** The last entry written, with the prev it had (a fork sibling takes the same). */
  last: { seq: number; prev: string | null } | null;
}

/**
 * A log whose state reads meldingen in every way it can: corrections of meldingen, knelpunt and
 * action updates that name a melding or an entry no one holds or one of another incident, forks of
 * meldingen, entries of a kind this version does not know.
 */
function randomLog(seed: number, incidents: [string, string], count: number): AnyEntry[] {
  const next = seededRandom(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const chains: Chain[] = [0, 1, 2].map(() => ({ signer: makeSigner(), seq: 0, prev: null, last: null }));
  const byKind = new Map<string, string[]>();
  const ofKind = (kind: string) => byKind.get(kind) ?? [];
  const elsewhere: string[] = [];
  const unknownId = () => Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(next() * 16)]).join('');
  // A target of any kind: mostly one of the wanted kind, else a melding, an entry of the other incident, or no one's.
  const target = (kind: string) => {
    const roll = next();
    if (roll < 0.5 && ofKind(kind).length > 0) return pick(ofKind(kind));
    if (roll < 0.8 && ofKind('melding').length > 0) return pick(ofKind('melding'));
    if (roll < 0.9 && elsewhere.length > 0) return pick(elsewhere);
    return unknownId();
  };
  const out: AnyEntry[] = [];
  let t = Date.parse('2026-12-01T08:00:00Z');
  for (let i = 0; i < count; i++) {
    const chain = pick(chains);
    const incident = next() < 0.9 ? incidents[0] : incidents[1];
    const roll = next();
    let kind: string;
    let body: Record<string, unknown>;
    if (roll < 0.45) [kind, body] = ['melding', { text: `Melding ${i}` }];
    else if (roll < 0.55) [kind, body] = ['beeld', { text: `Beeld ${i}` }];
    else if (roll < 0.6) [kind, body] = ['besluit', { text: `Besluit ${i}` }];
    else if (roll < 0.65) [kind, body] = ['actie', { text: `Actie ${i}`, owner: 'Brandweer', priority: 'HIGH' }];
    else if (roll < 0.7) [kind, body] = ['actiestatus', { action: target('actie'), status: 'in_progress' }];
    else if (roll < 0.73) [kind, body] = ['actieintrekking', { action: target('actie'), reason: 'Niet meer nodig' }];
    else if (roll < 0.77) [kind, body] = ['knelpunt', { text: `Knelpunt ${i}` }];
    else if (roll < 0.81) [kind, body] = ['knelpuntstatus', { knelpunt: target('knelpunt'), status: 'resolved', reason: 'Opgelost' }];
    else if (roll < 0.9) [kind, body] = ['correctie', { target: target(pick(['melding', 'besluit', 'correctie', 'knelpunt'])), text: `Correctie ${i}` }];
    else if (roll < 0.93) [kind, body] = ['grip', { level: 1 + Math.floor(next() * 4) }];
    else if (roll < 0.96) [kind, body] = ['incidentstatus', { status: pick(['closed', 'open']), reason: 'Stand van zaken' }];
    else [kind, body] = ['toekomstig', { text: `Van een nieuwere versie ${i}`, target: target('melding') }];
    // One melding in ten is a fork: a second entry at the seq of the author's last one.
    const fork = kind === 'melding' && chain.last !== null && next() < 0.1;
    const header = fork ? chain.last! : { seq: chain.seq + 1, prev: chain.prev };
    const unsigned = { v: 1, author: chain.signer.publicKeyHex, ...header, hlc: { t: (t += 1000), c: 0 }, incident, kind, body, classification: 'intern' } as UnsignedEntry;
    const entry = signEntry(unsigned, chain.signer, nodeCrypto) as AnyEntry;
    if (!fork) {
      chain.last = header;
      chain.seq = header.seq;
      chain.prev = entry.id;
    }
    if (incident === incidents[0]) byKind.set(kind, [...ofKind(kind), entry.id]);
    else elsewhere.push(entry.id);
    out.push(entry);
  }
  return out;
}

async function backendWithIncidents(): Promise<{ backend: TestBackend; incidents: [string, string] }> {
  const backend = openTestBackend({ dataDir: tempDir(), create: true });
  opened.push(backend);
  const first = await backend.api['incident.create']({ title: 'Stroomstoring Woensel' });
  const second = await backend.api['incident.create']({ title: 'Gaslek Centrum' });
  return { backend, incidents: [first.id, second.id] };
}

describe('an incident\'s state from the entries it depends on', () => {
  it('is the state derived from all its entries, over seeded logs that point at meldingen in every way', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { backend, incidents } = await backendWithIncidents();
      const log = randomLog(seed, incidents, 400);
      const report = backend.store.ingest(log);
      expect(report.rejected.slice(0, 3), `seed ${seed}`).toEqual([]);
      expect(report.added.length, `seed ${seed}`).toBe(log.length);
      expect(report.forks.length, `seed ${seed}: the log holds forks`).toBeGreaterThan(0);
      for (const incident of incidents) {
        const all = backend.store.incidentEntries(incident);
        const needed = backend.store.incidentStateEntries(incident);
        expect(needed.length, `seed ${seed}: fewer entries read`).toBeLessThan(all.length);
        const full = deriveIncidentState(incident, all, NOW, nodeCrypto);
        if (incident === incidents[0]) {
          // The comparison means something only when the state reads meldingen: forks among them, corrections of them.
          expect(full.forkedAuthors.length, `seed ${seed}: forks`).toBeGreaterThan(0);
          const meldingen = new Set(all.filter((e) => e.kind === 'melding').map((e) => e.id));
          expect(Object.keys(full.corrections).some((id) => meldingen.has(id)), `seed ${seed}: a corrected melding`).toBe(true);
          expect(full.ignored.some((i) => i.reason === 'not-a-knelpunt' || i.reason === 'not-an-action'), `seed ${seed}: an update naming a melding`).toBe(true);
        }
        expect(deriveIncidentState(incident, needed, NOW, nodeCrypto), `seed ${seed}, incident ${incident}`).toEqual(full);
        // Each entry read is the entry as it was signed, every field (the state reads rows as arrays).
        const signed = new Map(log.map((e) => [e.id, e]));
        for (const entry of needed) expect(entry, `seed ${seed}: entry ${entry.id}`).toEqual(signed.get(entry.id) ?? all.find((e) => e.id === entry.id));
      }
    }
  });

  it('sees forks that arrive after it was first read, through this backend or another process', async () => {
    const { backend, incidents } = await backendWithIncidents();
    const other = openTestBackend({ dataDir: backend.dataDir });
    opened.push(other);
    const [incident] = incidents;
    const log = randomLog(7, incidents, 400);
    let forks = 0;
    // Every entry of the incident at a seat that holds two is read, forks of meldingen included.
    const forkedEntriesRead = (reader: TestBackend) => {
      const all = reader.store.incidentEntries(incident);
      const perSeat = new Map<string, number>();
      for (const e of all) perSeat.set(`${e.author}:${e.seq}`, (perSeat.get(`${e.author}:${e.seq}`) ?? 0) + 1);
      const forked = all.filter((e) => perSeat.get(`${e.author}:${e.seq}`)! > 1).map((e) => e.id);
      const read = new Set(reader.store.incidentStateEntries(incident).map((e) => e.id));
      return { forked: forked.length, missing: forked.filter((id) => !read.has(id)) };
    };
    for (let i = 0; i < 4; i++) {
      // Before each part arrives the state has been read, so what it knows of forks is in memory.
      expect(forkedEntriesRead(backend).missing, `before part ${i}`).toEqual([]);
      // Half of the parts come in through another process on the same log.
      const report = (i % 2 === 0 ? backend : other).store.ingest(log.slice(i * 100, (i + 1) * 100));
      expect(report.added.length).toBe(100);
      forks += report.forks.length;
    }
    const all = backend.store.incidentEntries(incident);
    const full = deriveIncidentState(incident, all, NOW, nodeCrypto);
    expect(forks, 'the parts hold forks').toBeGreaterThan(2);
    expect(full.forkedAuthors.length).toBeGreaterThan(0);
    const final = forkedEntriesRead(backend);
    expect(final.missing).toEqual([]);
    expect(final.forked).toBeGreaterThan(4);
    expect(deriveIncidentState(incident, backend.store.incidentStateEntries(incident), NOW, nodeCrypto)).toEqual(full);
    expect(deriveIncidentState(incident, other.store.incidentStateEntries(incident), NOW, nodeCrypto)).toEqual(full);
  });

  it('is what incident.state and the writes that check it use', async () => {
    const { backend, incidents } = await backendWithIncidents();
    const [incident] = incidents;
    const melding = await backend.api['log.add']({ incident, kind: 'melding', body: { text: 'Spanning weg in Woensel-Noord' } });
    await backend.api['log.correct']({ target: melding.id, text: 'Spanning weg in Woensel-Zuid', reason: 'Verkeerde wijk' });
    const state = await backend.api['incident.state']({ incident });
    expect(state.corrections[melding.id]).toHaveLength(1);
    await backend.api['grip.set']({ incident, level: 2, reason: 'Opschaling' });
    await expect(backend.api['grip.set']({ incident, level: 2, reason: 'Nogmaals' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('reads through indexes only: no statement scans the whole table', async () => {
    const { backend } = await backendWithIncidents();
    const db = new Database(join(backend.dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      const sources: string[] = [];
      const recording = new Proxy(db, {
        get(target, key) {
          if (key === 'prepare') return (sql: string) => { sources.push(sql); return target.prepare(sql); };
          const value = Reflect.get(target, key) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      // The forked seats' scan reads the chain index only, once per process and per other process's commit.
      createStateEntries(recording, createForkedSeats(recording));
      expect(sources.length).toBe(4);
      // The id lookup binds by name (store/rows.ts, ID_LOOKUP), the others by position.
      const params = (sql: string) => (sql.includes('@id') ? [{ id: Buffer.alloc(32), term: '"0"' }] : Array.from(sql.matchAll(/\?/g), () => 'x'));
      const plans = sources.map((sql) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params(sql)) as { detail: string }[]).map((p) => p.detail).join(' | '));
      for (const [i, plan] of plans.entries()) expect(plan, sources[i]).not.toMatch(/SCAN entries\b(?! USING)/);
      expect(plans[sources.findIndex((sql) => sql.includes('INDEXED BY entries_kind'))]).toContain('USING INDEX entries_kind');
      expect(plans[sources.findIndex((sql) => sql.includes('GROUP BY author_no, seq'))]).toContain('COVERING INDEX entries_author_seq');
    } finally {
      db.close();
    }
  });
});
