import { describe, expect, it } from 'vitest';
import type { SignedEntry } from '../../../shared/domain/entry.js';
import { DEVICE_INCIDENT } from '../../../shared/domain/incident.js';
import { type TestBackend } from '../../support/backend.js';
import { useLaptops } from '../../support/laptops.js';
import { makeChain, makeSigner } from '../../support/entries.js';

/** Who each device is: a signed profile that syncs, with its history, and names instead of keys in what people read. */
const T = 1_790_000_000_000;

const laptop = useLaptops({ start: T });

function everything(backend: TestBackend): SignedEntry[] {
  return backend.store.list({}, { limit: 1000, order: 'oldest' }).entries.map(({ skewMs: _skew, ...entry }) => entry as SignedEntry);
}

describe('this device\'s profile', () => {
  it('needs a name first, then keeps what is not given, clears what is given empty, and writes nothing when nothing changes', async () => {
    const a = laptop();
    expect((await a.api['device.info']({})).person).toMatchObject({ author: a.identity.publicKeyHex, name: null, label: `device ${a.identity.publicKeyHex.slice(0, 8)}`, self: true, history: [] });
    await expect(a.api['device.set']({ team: 'ROT' })).rejects.toMatchObject({ code: 'invalid-input', field: 'name', message: expect.stringMatching(/no profile yet; give its name/) });
    expect(a.store.count()).toBe(0);

    const first = await a.api['device.set']({ name: ' Anna de Vries ', function: 'HIN', organisation: 'VR Brabant-Noord', discipline: 'multi' });
    expect(first.entry).toMatchObject({ incident: DEVICE_INCIDENT, seq: 1 });
    expect(first.person).toMatchObject({ name: 'Anna de Vries', function: 'HIN', organisation: 'VR Brabant-Noord', team: null, discipline: 'MULTI', label: 'Anna de Vries (HIN, VR Brabant-Noord)' });

    const second = await a.api['device.set']({ function: 'IM', team: 'ROT Brabant-Noord', organisation: '' });
    expect(second.person).toMatchObject({ name: 'Anna de Vries', function: 'IM', organisation: null, team: 'ROT Brabant-Noord', discipline: 'MULTI', label: 'Anna de Vries (IM, ROT Brabant-Noord)' });
    expect(second.person.history.map((h) => h.function)).toEqual(['HIN', 'IM']);
    expect((await a.api['log.get']({ id: second.entry!.id })).body).toEqual({ name: 'Anna de Vries', function: 'IM', team: 'ROT Brabant-Noord', discipline: 'MULTI' });

    expect(await a.api['device.set']({ name: 'Anna de Vries', function: 'IM' })).toEqual({ entry: null, person: second.person });
    expect(a.store.count()).toBe(2);
    expect((await a.api['device.info']({})).person).toEqual(second.person);
  });

  it('refuses a discipline LCMS does not have, and a name that is blank', async () => {
    const a = laptop();
    await expect(a.api['device.set']({ name: 'Anna', discipline: 'BRANDWEER' })).rejects.toMatchObject({ code: 'invalid-input', field: 'discipline', message: expect.stringMatching(/must be one of BRW, GZ, POL, BZ, CCOM, DEF, MULTI/) });
    await expect(a.api['device.set']({ name: '  ' })).rejects.toMatchObject({ code: 'invalid-input', field: 'name' });
    expect(a.store.count()).toBe(0);
  });

  it('is not something log.add writes, nor an incident', async () => {
    const a = laptop();
    const { id } = await a.api['incident.create']({ title: 'Uitval NAFIN' });
    await expect(a.api['log.add']({ incident: id, kind: 'profiel' as 'melding', body: { name: 'x' } })).rejects.toMatchObject({ code: 'invalid-input', field: 'kind' });
    await a.api['device.set']({ name: 'Anna' });
    expect((await a.api['incident.list']({ all: true })).map((i) => i.id)).toEqual([id]);
    expect((await a.api['action.list']({ allIncidents: true }))).toEqual([]);
  });
});

describe('the people directory', () => {
  it('reaches every teammate by sync, and names writers, openers and owners instead of keys', async () => {
    const a = laptop();
    const b = laptop();
    await a.api['device.set']({ name: 'Anna de Vries', function: 'IM', team: 'ROT Brabant-Noord' });
    const { id: incident } = await a.api['incident.create']({ title: 'Uitval NAFIN' });
    const stranger = makeSigner();
    b.store.ingest([...everything(a), ...makeChain(stranger, incident, 1, { t0: T + 5000 })]);
    await b.api['device.set']({ name: 'Laptop CoPI' });
    await b.api['action.add']({ incident, text: 'Telefoon', ownerParty: { device: a.identity.publicKeyHex.slice(0, 6) }, operator: 'Piet' });

    const people = await b.api['people.list']({});
    expect(people.map((p) => [p.author, p.label, p.self])).toEqual([
      [a.identity.publicKeyHex, 'Anna de Vries (IM, ROT Brabant-Noord)', false],
      [stranger.publicKeyHex, `device ${stranger.publicKeyHex.slice(0, 8)}`, false],
      [b.identity.publicKeyHex, 'Laptop CoPI', true],
    ]);
    const log = (await b.api['log.list']({ incident })).entries;
    expect(log.map((e) => [e.kind, e.writer])).toEqual([
      ['actie', 'Piet via Laptop CoPI'],
      ['melding', `device ${stranger.publicKeyHex.slice(0, 8)}`],
      ['incident', 'Anna de Vries (IM, ROT Brabant-Noord)'],
    ]);
    const [action] = await b.api['action.list']({ incident });
    expect(action).toMatchObject({
      owner: 'Anna de Vries (IM, ROT Brabant-Noord)', ownerParty: { author: a.identity.publicKeyHex }, ownerLabel: 'Anna de Vries (IM, ROT Brabant-Noord)',
      issuer: 'Piet', issuerLabel: 'Piet via Laptop CoPI', writer: 'Piet via Laptop CoPI', operator: 'Piet',
    });
    const state = await b.api['incident.state']({ incident });
    expect(state.labels).toEqual({ [a.identity.publicKeyHex]: 'Anna de Vries (IM, ROT Brabant-Noord)', [b.identity.publicKeyHex]: 'Laptop CoPI' });

    // A later profile of Anna's renames her wherever she is named, on a device that receives it.
    await a.api['device.set']({ name: 'Anna de Vries-Bos' });
    b.store.ingest(everything(a));
    expect((await b.api['action.list']({ incident }))[0]!.ownerLabel).toBe('Anna de Vries-Bos (IM, ROT Brabant-Noord)');
  });
});
