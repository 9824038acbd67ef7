import { describe, expect, it } from 'vitest';
import { createResolver } from '../../../electron/backend/handlers/resolve.js';
import { DEVICE_INCIDENT } from '../../../shared/domain/incident.js';
import { useLaptops } from '../../support/laptops.js';
import { entriesSharingAStart } from '../../support/collisions.js';
import { makeChain, makeNewerChain, makeSigner, nodeCrypto } from '../../support/entries.js';

/**
 * Ids people can type: every input that names an entry, an incident or a device takes its whole
 * id or a unique start of 6 or more hex characters, in either case, resolved in the backend so
 * every user interface gets it; a start that begins several is refused, naming each, and nothing
 * is written.
 */
const T = 1_790_000_000_000;

const laptop = useLaptops({ start: T });

async function withIncident() {
  const a = laptop();
  const { id: incident, entry: opening } = await a.api['incident.create']({ title: 'Uitval NAFIN' });
  const melding = await a.api['log.add']({ incident, kind: 'melding', body: { text: 'Meldkamer onbereikbaar' } });
  const action = await a.api['action.add']({ incident, text: 'Satelliettelefoon', owner: 'KMar' });
  return { a, incident, opening, melding, action };
}

describe('an entry named by a start of its id', () => {
  it('is found by 6 or more characters, in either case, by the whole id, and past the 16 the index holds', async () => {
    const { a, melding } = await withIncident();
    for (const ref of [melding.id.slice(0, 6), melding.id.slice(0, 6).toUpperCase(), ` ${melding.id.slice(0, 9)} `, melding.id.slice(0, 20), melding.id]) {
      expect((await a.api['log.get']({ id: ref })).id, ref).toBe(melding.id);
    }
  });

  it('works in every method that takes an entry: status, reassign, deadline, withdraw, correct, knelpunt, and body references of log.add', async () => {
    const { a, incident, melding, action } = await withIncident();
    const short = action.id.slice(0, 7);
    await a.api['action.status']({ action: short, status: 'in_progress' });
    await a.api['action.reassign']({ action: short, owner: 'Brandweer', reason: 'KMar kan niet' });
    await a.api['action.deadline']({ action: short, deadline: new Date(T + 86_400_000).toISOString(), reason: 'Later' });
    const fix = await a.api['log.correct']({ target: melding.id.slice(0, 6), text: 'Meldkamer weer bereikbaar' });
    await a.api['log.add']({ incident, kind: 'actiestatus', body: { action: short, status: 'done' } });
    const knelpunt = await a.api['log.add']({ incident, kind: 'knelpunt', body: { text: 'Geen stroom' } });
    await a.api['knelpunt.resolve']({ knelpunt: knelpunt.id.slice(0, 6), reason: 'Aggregaat' });
    await a.api['action.withdraw']({ action: short, reason: 'Niet meer nodig' });
    const state = await a.api['incident.state']({ incident });
    expect(state.corrections).toEqual({ [melding.id]: [fix.id] });
    expect(state.actions[0]!.history.map((h) => h.type)).toEqual(['status', 'changed', 'changed', 'status', 'withdrawn']);
    expect(state.knelpunten[0]).toMatchObject({ entryId: knelpunt.id, status: 'resolved' });
  });

  it('refuses a start shorter than 6 characters or not hex, as a mistake in what was typed', async () => {
    const { a, action } = await withIncident();
    await expect(a.api['log.get']({ id: action.id.slice(0, 5) })).rejects.toMatchObject({ code: 'invalid-input', field: 'id', message: expect.stringMatching(/id: must be an entry id: its 64 hex characters, or a unique start of 6 or more/) });
    await expect(a.api['action.status']({ action: 'ghijkl', status: 'done' })).rejects.toMatchObject({ code: 'invalid-input', field: 'action' });
  });

  it('says in plain words when nothing starts with it, or when it names an entry of another kind', async () => {
    const { a, incident, melding } = await withIncident();
    const missing = melding.id.startsWith('ffffff') ? 'eeeeee' : 'ffffff';
    await expect(a.api['log.get']({ id: missing })).rejects.toMatchObject({ code: 'not-found', field: 'id', message: `no entry starts with ${missing} in this log` });
    await expect(a.api['action.status']({ action: melding.id.slice(0, 8), status: 'done' })).rejects.toMatchObject({
      code: 'invalid-input', field: 'action', message: `action: ${melding.id.slice(0, 12)} is a melding, not an action`,
    });
    await expect(a.api['log.get']({ id: incident.slice(0, 8) })).rejects.toMatchObject({ code: 'not-found', message: `no entry starts with ${incident.slice(0, 8)} in this log; ${incident.slice(0, 8)} is the start of incident ${incident}` });
  });

  it('refuses a start two entries share, naming each with what it is, and writes nothing', async () => {
    const { a, incident } = await withIncident();
    const [one, two] = entriesSharingAStart(incident, T + 50_000);
    expect(a.store.ingest([one, two]).rejected).toEqual([]);
    const count = a.store.count();
    const start = one.id.slice(0, 6);
    const refusal = { code: 'invalid-input', field: 'target' };
    const error = await a.api['log.correct']({ target: start, text: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject(refusal);
    const [first, second] = [one, two].sort((x, y) => (x.id < y.id ? -1 : 1));
    expect((error as Error).message).toBe(
      `target: ${start} is the start of 2 entries: ${first!.id.slice(0, 12)} (melding "${first!.body.text}"), ${second!.id.slice(0, 12)} (melding "${second!.body.text}"); type more of the id`,
    );
    expect(a.store.count()).toBe(count);
    // One character more than they share tells them apart.
    let shared = 6;
    while (one.id[shared] === two.id[shared]) shared++;
    expect((await a.api['log.get']({ id: one.id.slice(0, shared + 1) })).id).toBe(one.id);
  });
});

describe('an incident named by a start of its id', () => {
  it('has one id everywhere: what create returns, the list shows, its entries carry, and a start of it', async () => {
    const { a, incident, opening } = await withIncident();
    expect((await a.api['incident.list']({})).map((i) => i.id)).toEqual([incident]);
    expect(opening.incident).toBe(incident);
    expect(new Set((await a.api['log.list']({ incident: incident.slice(0, 6) })).entries.map((e) => e.incident))).toEqual(new Set([incident]));
    expect((await a.api['incident.state']({ incident: incident.slice(0, 6).toUpperCase() })).incidentId).toBe(incident);
    expect((await a.api['action.list']({ incident: incident.slice(0, 10) }))[0]!.incident).toBe(incident);
    await a.api['grip.set']({ incident: incident.slice(0, 6), level: 2 });
    await a.api['incident.update']({ incident: incident.slice(0, 6), title: 'Uitval NAFIN en C2000', reason: 'Ook C2000' });
    expect((await a.api.search({ text: 'meldkamer', incident: incident.slice(0, 6) })).entries).toHaveLength(1);
  });

  it('points to the incident when given its opening entry\'s id, or another entry\'s', async () => {
    const { a, incident, opening, melding } = await withIncident();
    await expect(a.api['incident.state']({ incident: opening.id.slice(0, 10) })).rejects.toMatchObject({
      code: 'not-found', field: 'incident', message: `no incident starts with ${opening.id.slice(0, 10)} in this log; ${opening.id.slice(0, 12)} is the opening entry of incident ${incident}`,
    });
    await expect(a.api['incident.close']({ incident: melding.id.slice(0, 32), reason: 'x' })).rejects.toMatchObject({
      message: `no incident ${melding.id.slice(0, 32)} in this log; ${melding.id.slice(0, 12)} is an entry (melding "Meldkamer onbereikbaar") of incident ${incident}`,
    });
  });

  it('refuses a start two incidents share, naming each by its title', async () => {
    const a = laptop();
    // Incidents from before ids were bound to their opening entry had random ids; these share a start.
    const [x, y] = ['abcdef0123456789abcdef0123456789', 'abcdef9876543210abcdef9876543210'];
    const opening = (incident: string, title: string) => makeNewerChain(makeSigner(), incident, [{ kind: 'incident', body: { title, start: new Date(T).toISOString() } }], { t0: T })[0]!;
    expect(a.store.ingest([opening(x, 'Dijkdoorbraak'), opening(y, 'Stroomstoring')]).added).toHaveLength(2);
    await expect(a.api['incident.state']({ incident: 'ABCDEF' })).rejects.toMatchObject({
      code: 'invalid-input', field: 'incident', message: `incident: abcdef is the start of 2 incidents: ${x} ("Dijkdoorbraak"), ${y} ("Stroomstoring"); type more of the id`,
    });
    expect((await a.api['incident.state']({ incident: 'abcdef0' })).incident?.title).toBe('Dijkdoorbraak');
  });

  it('never takes the reserved device incident for an incident, though a log filter may name it', async () => {
    const a = laptop();
    await a.api['device.set']({ name: 'Anna de Vries' });
    await expect(a.api['incident.state']({ incident: DEVICE_INCIDENT })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/is reserved for devices' profiles; it is not an incident/) });
    await expect(a.api['incident.state']({ incident: '000000' })).rejects.toMatchObject({ code: 'not-found', message: 'no incident starts with 000000 in this log' });
    await expect(a.api['log.add']({ incident: DEVICE_INCIDENT, kind: 'melding', body: { text: 'x' } })).rejects.toMatchObject({ code: 'invalid-input' });
    expect((await a.api['log.list']({ incident: DEVICE_INCIDENT })).entries.map((e) => e.kind)).toEqual(['profiel']);
    expect(await a.api['incident.list']({ all: true })).toEqual([]);
  });
});

describe('a device named by a start of its key', () => {
  it('filters the log by author', async () => {
    const { a, incident } = await withIncident();
    const teammate = makeSigner();
    a.store.ingest(makeChain(teammate, incident, 2, { t0: T + 10_000 }));
    const mine = await a.api['log.list']({ author: a.identity.publicKeyHex.slice(0, 8) });
    expect(new Set(mine.entries.map((e) => e.author))).toEqual(new Set([a.identity.publicKeyHex]));
    expect((await a.api['log.list']({ author: teammate.publicKeyHex.slice(0, 6).toUpperCase() })).entries).toHaveLength(2);
  });

  it('is refused when several keys start with it, each named by its label', () => {
    // Keys are random: two that share a start are a stub store's to give.
    const keys = ['5cf67f49'.padEnd(64, '1'), '5cf67f00'.padEnd(64, '2')];
    const store = {
      author: 'ff'.repeat(32), entry: () => null, holdsIncident: () => false, openingEntries: () => [], entriesByIdPrefix: () => [], incidentIdsByPrefix: () => [],
      authorsByPrefix: (prefix: string) => keys.filter((k) => k.startsWith(prefix)), profileEntries: () => [],
    };
    const resolve = createResolver({ store, crypto: nodeCrypto });
    expect(() => resolve.author('5cf67f', 'author')).toThrow(`author: 5cf67f is the start of 2 device keys: ${keys[1]!.slice(0, 12)} (device 5cf67f00), ${keys[0]!.slice(0, 12)} (device 5cf67f49); type more of the id`);
    expect(resolve.author('5cf67f4', 'author')).toBe(keys[0]);
    expect(() => resolve.author('abcdef', 'ownerParty.device')).toThrow(expect.objectContaining({ code: 'not-found', field: 'ownerParty.device' }));
  });
});
