import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newerContent, parseBody, parseSignedEntry, type AnyEntry, type SignedEntry } from '../../shared/domain/entry.js';
import { DEVICE_INCIDENT } from '../../shared/domain/incident.js';
import { derivePeople, directoryOf, partyText, personLabel } from '../../shared/domain/people.js';
import { Device } from '../support/devices.js';
import { makeNewerChain, makeSigner } from '../support/entries.js';

const T0 = 1_790_000_000_000;
const at = (ms: number) => ({ t: T0 + ms, c: 0 });
const [A, B, C] = [makeSigner(), makeSigner(), makeSigner()];

describe('the people directory', () => {
  it('gives each author its latest profile in log order, with the earlier ones as history, and a label', () => {
    const a = new Device(A, DEVICE_INCIDENT);
    const b = new Device(B, DEVICE_INCIDENT);
    const a1 = a.write('profiel', { name: 'Anna de Vries', function: 'HIN' }, at(10));
    const a2 = a.write('profiel', { name: 'Anna de Vries', function: 'IM', team: 'ROT Brabant-Noord', organisation: 'VR Brabant-Noord', discipline: 'MULTI' }, at(20));
    // b's clock is behind: its second profile is logged before its first in the log's order, and so is the older one.
    const b1 = b.write('profiel', { name: 'Bram', organisation: 'Brandweer' }, at(30));
    const b2 = b.write('profiel', { name: 'Bram Bos' }, at(5));
    const people = derivePeople([b1, a2, b2, a1], [C.publicKeyHex, A.publicKeyHex]);
    expect(people.map((p) => [p.author, p.label])).toEqual([
      [A.publicKeyHex, 'Anna de Vries (IM, ROT Brabant-Noord)'],
      [B.publicKeyHex, 'Bram (Brandweer)'],
      [C.publicKeyHex, `device ${C.publicKeyHex.slice(0, 8)}`],
    ]);
    expect(people[0]!.profile).toEqual({ name: 'Anna de Vries', function: 'IM', organisation: 'VR Brabant-Noord', team: 'ROT Brabant-Noord', discipline: 'MULTI' });
    expect(people[0]!.history.map((h) => [h.entryId, h.function])).toEqual([[a1.id, 'HIN'], [a2.id, 'IM']]);
    expect(people[1]!.history.map((h) => h.entryId)).toEqual([b2.id, b1.id]);
    expect(people[2]).toEqual({ author: C.publicKeyHex, profile: null, label: `device ${C.publicKeyHex.slice(0, 8)}`, history: [] });
  });

  it('reads profiles only under the device incident, and nothing of kinds it does not know', () => {
    const a = new Device(A, 'aaaabbbbccccddddeeeeffff00001111');
    const misplaced = a.write('profiel', { name: 'Verkeerd' }, at(1));
    const [foreign] = makeNewerChain(B, DEVICE_INCIDENT, [{ kind: 'profielfoto', body: { name: 'Bram' } }]);
    expect(derivePeople([misplaced, foreign!])).toEqual([]);
  });

  it('is the same directory whatever the order of the entries, with duplicates', () => {
    const writers = [A, B, C].map((s) => new Device(s, DEVICE_INCIDENT));
    fc.assert(
      fc.property(
        fc.array(fc.record({ who: fc.nat(2), t: fc.nat(50), name: fc.constantFrom('Anna', 'Bram', 'Cas'), team: fc.option(fc.constantFrom('ROT', 'CoPI'), { nil: undefined }) }), { maxLength: 12 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 30 }),
        (ops, keys) => {
          const entries: AnyEntry[] = ops.map((op) => writers[op.who]!.write('profiel', { name: op.name, ...(op.team ? { team: op.team } : {}) }, at(op.t)));
          const expected = derivePeople(entries);
          const shuffled = entries.map((e, i) => ({ e, k: keys[i % keys.length]! })).sort((x, y) => x.k - y.k).map((x) => x.e);
          expect(derivePeople([...shuffled, ...shuffled.slice(0, 3)])).toEqual(expected);
          expect(expected.map((p) => p.history.length).reduce((x, y) => x + y, 0)).toBe(entries.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('labels', () => {
  it('name a person by name, function and team (else organisation), and a device without a profile by its key', () => {
    const none = { function: null, organisation: null, team: null, discipline: null };
    expect(personLabel({ ...none, name: 'Anna', function: 'IM', team: 'ROT' }, A.publicKeyHex)).toBe('Anna (IM, ROT)');
    expect(personLabel({ ...none, name: 'Anna', organisation: 'GHOR' }, A.publicKeyHex)).toBe('Anna (GHOR)');
    expect(personLabel({ ...none, name: 'Anna', discipline: 'GZ' }, A.publicKeyHex)).toBe('Anna');
    expect(personLabel(null, '5cf67f49aa')).toBe('device 5cf67f49');
    expect(partyText({ organisation: 'Veiligheidsregio', team: 'ROT', discipline: 'BRW', function: 'HIN' })).toBe('Veiligheidsregio / ROT / BRW / HIN');
    expect(partyText({ person: 'Piet', team: 'CoPI' })).toBe('Piet (CoPI)');
    expect(partyText({ person: 'Piet' })).toBe('Piet');
  });

  it('name who wrote an entry by the person at the keyboard on which device, and a party of the directory by its person', () => {
    const a = new Device(A, DEVICE_INCIDENT);
    const directory = directoryOf(derivePeople([a.write('profiel', { name: 'Laptop ROT 2' }, at(1))]));
    expect(directory.writer(A.publicKeyHex, null)).toBe('Laptop ROT 2');
    expect(directory.writer(A.publicKeyHex, 'Piet')).toBe('Piet via Laptop ROT 2');
    expect(directory.writer(B.publicKeyHex, 'Piet')).toBe(`Piet via device ${B.publicKeyHex.slice(0, 8)}`);
    expect(directory.party({ author: A.publicKeyHex }, 'wat er stond')).toBe('Laptop ROT 2');
    expect(directory.party({ author: A.publicKeyHex, person: 'Piet' }, 'x')).toBe('Piet via Laptop ROT 2');
    expect(directory.party({ organisation: 'Brandweer' }, 'Brandweer')).toBe('Brandweer');
    expect(directory.party(null, 'KMar')).toBe('KMar');
  });
});

describe('the new bodies and a newer version', () => {
  const received = (kind: string, body: Record<string, unknown>) => {
    const [entry] = makeNewerChain(A, kind === 'profiel' ? DEVICE_INCIDENT : 'aaaabbbbccccddddeeeeffff00001111', [{ kind, body }]);
    // As it arrives from another device: plain JSON.
    return parseSignedEntry(JSON.parse(JSON.stringify(entry)));
  };

  it('writes only the disciplines it knows, and accepts any discipline code from a newer version', () => {
    expect(parseBody('profiel', { name: 'Anna', discipline: 'RWS' })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^body\.discipline: must be one of BRW, GZ, POL/)] });
    expect(parseBody('profiel', { name: 'Anna', discipline: 'GZ' }).ok).toBe(true);
    expect(received('profiel', { name: 'Anna', discipline: 'RWS' })).toMatchObject({ ok: true });
    expect(received('profiel', { name: 'Anna', discipline: 'brandweer' })).toMatchObject({ ok: false, part: 'body' });
  });

  it('keeps and names a newer version\'s fields inside an owner\'s address, and does not ask a received change for an owner or a deadline', () => {
    const body = { text: 'Bellen', owner: 'Piet', ownerParty: { person: 'Piet', telefoon: '06-12345678' }, priority: 'LOW' };
    expect(parseBody('actie', body)).toMatchObject({ ok: false });
    const parsed = received('actie', body);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect((parsed.entry as SignedEntry).body).toEqual(body);
    expect(newerContent(parsed.entry)).toEqual({ unknownKind: false, unknownFields: ['ownerParty.telefoon'] });

    const change = { action: 'ab'.repeat(32), priority: 'HIGH', reason: 'Urgenter' };
    expect(parseBody('actiewijziging', change)).toMatchObject({ ok: false, problems: ['body.(body): Unrecognized key: "priority"', 'body.owner: give a new owner, a new deadline or both'] });
    expect(received('actiewijziging', change)).toMatchObject({ ok: true });
    expect(received('actiewijziging', { action: 'ab'.repeat(32), owner: ' ', reason: 'x' })).toMatchObject({ ok: false });
  });

  it('refuses a time it happened that is not an instant, and an address with nothing in it, when written', () => {
    expect(parseBody('melding', { text: 'x', happenedAt: '2026-11-22 14:05' })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^body\.happenedAt: must be a UTC instant/), expect.anything()] });
    expect(parseBody('melding', { text: 'x', operator: '  ' })).toMatchObject({ ok: false, problems: ['body.operator: must not be empty'] });
    expect(parseBody('actie', { text: 'x', owner: 'y', ownerParty: {}, priority: 'LOW' })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^body\.ownerParty\.person: give a device/)] });
    expect(parseBody('actie', { text: 'x', owner: 'y', issuerParty: { team: 'ROT' }, priority: 'LOW' })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^body\.issuer: an issuer's address needs/)] });
  });
});
