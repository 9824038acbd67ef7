import { describe, expect, it } from 'vitest';
import { signEntry, type SignedEntry } from '../../../shared/domain/entry.js';
import { incidentIdFor } from '../../../shared/domain/incident.js';
import { type TestBackend } from '../../support/backend.js';
import { useLaptops } from '../../support/laptops.js';
import { makeSigner, nodeCrypto } from '../../support/entries.js';

/**
 * An incident is bound to its opening entry (docs/DATA-MODEL.md, "Incident"): through the API, a
 * teammate's back-dated second opening entry changes nothing, title and location change only by a
 * signed change the history shows, and an incident whose opening entry has not arrived is listed.
 */
const T = 1_790_000_000_000;
const DAY = 86_400_000;


const laptop = useLaptops({ start: T });

/** Everything one laptop holds, as sync would hand it on. */
function everything(backend: TestBackend): SignedEntry[] {
  return backend.store.list({}, { limit: 1000, order: 'oldest' }).entries.map(({ skewMs: _skew, ...entry }) => entry as SignedEntry);
}

/** A teammate's device outside any backend, writing whatever it likes into its own chain. */
function teammate() {
  const signer = makeSigner();
  let seq = 0;
  let prev: string | null = null;
  return {
    author: signer.publicKeyHex,
    openingFor(incident: string, body: { title: string; location?: string; start: string; grip?: number }, t: number) {
      const entry = signEntry({ v: 1, author: signer.publicKeyHex, seq: ++seq, prev, hlc: { t, c: 0 }, incident, kind: 'incident', body, classification: 'intern' }, signer, nodeCrypto);
      prev = entry.id;
      return entry;
    },
    melding(incident: string, text: string, t: number) {
      const entry = signEntry({ v: 1, author: signer.publicKeyHex, seq: ++seq, prev, hlc: { t, c: 0 }, incident, kind: 'melding', body: { text }, classification: 'intern' }, signer, nodeCrypto);
      prev = entry.id;
      return entry;
    },
  };
}

describe('an incident bound to its opening entry', () => {
  it('gets an id derived from its opening entry\'s author and seq', async () => {
    const a = laptop();
    await a.api['incident.create']({ title: 'Eerste' });
    const { id, entry } = await a.api['incident.create']({ title: 'Uitval NAFIN', location: 'Eindhoven', grip: 1 });
    expect(entry).toMatchObject({ incident: id, seq: 2 });
    expect(id).toBe(incidentIdFor(a.identity.publicKeyHex, 2, nodeCrypto.sha256));
    expect((await a.api['incident.state']({ incident: id })).incident).toMatchObject({ title: 'Uitval NAFIN', rule: 'bound', entryId: entry.id });
  });

  it('cannot be taken over by a teammate\'s back-dated opening entry: title, location, start, opener and first GRIP level stay', async () => {
    const a = laptop();
    const { id, entry } = await a.api['incident.create']({ title: 'Uitval NAFIN', location: 'Eindhoven', start: new Date(T).toISOString(), grip: 1 });
    await a.api['grip.set']({ incident: id, level: 2 });
    const before = await a.api['incident.state']({ incident: id });
    const listed = await a.api['incident.list']({});

    const mallory = teammate();
    const hijack = mallory.openingFor(id, { title: 'Gekaapt', location: 'Elders', start: new Date(T - 30 * DAY).toISOString(), grip: 5 }, T - 30 * DAY);
    // Received both ways round: alone first, and together with everything else on a laptop that had nothing.
    expect(a.store.ingest([hijack]).added).toEqual([hijack.id]);
    const b = laptop();
    expect(b.store.ingest([hijack, ...everything(a)].reverse()).rejected).toEqual([]);
    for (const laptopNow of [a, b]) {
      const state = await laptopNow.api['incident.state']({ incident: id });
      expect(state.incident).toEqual(before.incident);
      expect(state.grip).toEqual(before.grip);
      expect(state.ignored).toEqual([{ entryId: hijack.id, kind: 'incident', author: mallory.author, at: hijack.hlc, reason: 'not-opening', refersTo: entry.id }]);
      expect(await laptopNow.api['incident.list']({})).toEqual(listed);
    }
  });

  it('changes title and location only by a signed change, which its history shows with who, when and why', async () => {
    const a = laptop();
    const b = laptop();
    const { id } = await a.api['incident.create']({ title: 'Uitval NAFIN', location: 'Eindhoven' });
    b.store.ingest(everything(a));
    const change = await b.api['incident.update']({ incident: id, title: 'Uitval NAFIN en C2000', reason: 'Ook C2000 getroffen' });
    await a.api['incident.update']({ incident: id, location: 'Eindhoven en Volkel', reason: 'Vliegbasis meldt uitval' });
    a.store.ingest(everything(b));

    const state = await a.api['incident.state']({ incident: id });
    expect(state.incident).toMatchObject({ title: 'Uitval NAFIN en C2000', location: 'Eindhoven en Volkel' });
    expect(state.incident?.changes.map((c) => [c.author, c.title, c.location, c.reason])).toEqual([
      [b.identity.publicKeyHex, 'Uitval NAFIN en C2000', null, 'Ook C2000 getroffen'],
      [a.identity.publicKeyHex, null, 'Eindhoven en Volkel', 'Vliegbasis meldt uitval'],
    ]);
    expect(state.incident?.changes[0]).toMatchObject({ entryId: change.id, previous: { title: 'Uitval NAFIN', location: 'Eindhoven' } });
    expect((await a.api['incident.list']({}))[0]).toMatchObject({ id, title: 'Uitval NAFIN en C2000', location: 'Eindhoven en Volkel' });
    expect((await a.api.search({ text: 'C2000 getroffen' })).entries.map((e) => e.id)).toEqual([change.id]);

    await expect(a.api['incident.update']({ incident: id, reason: 'niets' })).rejects.toMatchObject({ code: 'invalid-input', field: 'title' });
    await expect(a.api['incident.update']({ incident: id, title: 'x', reason: '  ' })).rejects.toMatchObject({ code: 'invalid-input', field: 'reason' });
    await expect(a.api['incident.update']({ incident: 'f'.repeat(32), title: 'x', reason: 'r' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('lists an incident whose opening entry has not arrived, shows its entries, and refuses writing to it until it has', async () => {
    const a = laptop();
    const { id } = await a.api['incident.create']({ title: 'Dijkdoorbraak', location: 'Culemborg', grip: 2 });
    await a.api['log.add']({ incident: id, kind: 'melding', body: { text: 'Water stijgt' } });
    const [opening, melding] = everything(a);
    const mallory = teammate();
    const hijack = mallory.openingFor(id, { title: 'Gekaapt', start: new Date(T).toISOString() }, T - DAY);

    const b = laptop();
    const own = await b.api['incident.create']({ title: 'Eigen incident' });
    // The melding waits for its predecessor (the opening entry); another device's entry of the incident does not.
    const other = teammate();
    const elsewhere = other.melding(id, 'Dijkwacht ter plaatse', T + 5000);
    expect(b.store.ingest([melding, hijack, elsewhere]).added.sort()).toEqual([hijack.id, elsewhere.id].sort());

    expect(await b.api['incident.list']({})).toEqual([
      { id, title: null, location: null, start: null, grip: null, openedBy: null, rule: null, status: 'open', exercise: false },
      expect.objectContaining({ id: own.id, title: 'Eigen incident', rule: 'bound' }),
    ]);
    const waiting = await b.api['incident.state']({ incident: id });
    expect(waiting.incident).toBeNull();
    expect(waiting.ignored).toEqual([expect.objectContaining({ entryId: hijack.id, reason: 'not-opening' })]);
    expect((await b.api['log.list']({ incident: id })).entries.map((e) => e.id).sort()).toEqual([hijack.id, elsewhere.id].sort());
    await expect(b.api['log.add']({ incident: id, kind: 'melding', body: { text: 'x' } })).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/opening entry has not arrived/) });
    await expect(b.api['grip.set']({ incident: id, level: 3 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(b.api['incident.update']({ incident: id, title: 'x', reason: 'r' })).rejects.toMatchObject({ code: 'not-found' });

    b.store.ingest([opening!]);
    expect((await b.api['incident.list']({})).find((i) => i.id === id)).toEqual({
      id, title: 'Dijkdoorbraak', location: 'Culemborg', start: (await a.api['incident.state']({ incident: id })).incident?.start, grip: 2, openedBy: a.identity.publicKeyHex, rule: 'bound',
      status: 'open', exercise: false,
    });
    expect((await b.api['log.list']({ incident: id })).entries).toHaveLength(4);
    await expect(b.api['log.add']({ incident: id, kind: 'melding', body: { text: 'Nu wel' } })).resolves.toMatchObject({ incident: id });
  });

  it('keeps an incident from before the rule working: opened by its first opening entry, written to as before', async () => {
    const legacyId = 'aaaabbbbccccddddeeeeffff00001111';
    const old = teammate();
    const opening = old.openingFor(legacyId, { title: 'Oud incident', start: new Date(T).toISOString(), grip: 1 }, T);
    const a = laptop();
    a.store.ingest([opening]);
    expect((await a.api['incident.state']({ incident: legacyId })).incident).toMatchObject({ title: 'Oud incident', rule: 'legacy', entryId: opening.id });
    await a.api['incident.update']({ incident: legacyId, title: 'Oud incident, hernoemd', reason: 'Duidelijker' });
    expect((await a.api['incident.list']({}))[0]).toMatchObject({ id: legacyId, title: 'Oud incident, hernoemd', rule: 'legacy' });
  });
});
