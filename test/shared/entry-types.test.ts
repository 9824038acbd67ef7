import { describe, expect, expectTypeOf, it } from 'vitest';
import type { LogEntryView } from '../../shared/contract/api.js';
import {
  isKnownEntry, newerContent, parseSignedEntry, signEntry, type AnyEntry, type EntryEnvelope, type ForeignEntry, type SignedEntry, type SignedEntryOf, type UnsignedEntry,
  type UnsignedEntryOf,
} from '../../shared/domain/entry.js';
import type { ActionStatus, EntryBody, Priority } from '../../shared/domain/kinds.js';
import { makeSigner, nodeCrypto } from '../support/entries.js';

/**
 * The entry types themselves: tsc checks the expectTypeOf lines and the @ts-expect-error lines
 * (a line that stops being an error fails the type check), vitest runs the rest.
 */
const signer = makeSigner();
const INCIDENT = '0123456789abcdef0123456789abcdef';
const envelope = (seq: number, prev: string | null): EntryEnvelope => ({
  v: 1, author: signer.publicKeyHex, seq, prev, hlc: { t: 1_790_000_000_000 + seq, c: 0 }, incident: INCIDENT, classification: 'intern',
});

const action = signEntry({ ...envelope(1, null), kind: 'actie', body: { text: 'Pompen plaatsen', owner: 'brandweer', priority: 'HIGH' } }, signer, nodeCrypto);
/** As it arrives from another device: plain JSON, nothing known about it. */
const received: unknown = JSON.parse(JSON.stringify(action));

describe('a validated entry narrows to its kind', () => {
  it('gives the body of the kind checked, with its field types and no cast', () => {
    const parsed = parseSignedEntry(received);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const entry = parsed.entry;
    expectTypeOf(entry).toEqualTypeOf<AnyEntry>();
    // Its kind alone does not narrow it: an entry of a kind this version does not know has a kind too.
    // @ts-expect-error of an entry that may be foreign, the body's priority is unknown
    expectTypeOf(entry.kind === 'actie' ? entry.body.priority : null).toEqualTypeOf<Priority | null>();
    if (!isKnownEntry(entry)) throw new Error(`parsed as foreign ${entry.kind}`);
    expectTypeOf(entry).toEqualTypeOf<SignedEntry>();
    if (entry.kind !== 'actie') throw new Error(`parsed as ${entry.kind}`);
    expectTypeOf(entry).toEqualTypeOf<SignedEntryOf<'actie'>>();
    expectTypeOf(entry.body.priority).toEqualTypeOf<Priority>();
    expectTypeOf(entry.body.deadline).toEqualTypeOf<string | undefined>();
    // @ts-expect-error a misspelt field is a compile error, not an unknown value
    expect(entry.body.priorty).toBeUndefined();
    expect(entry.body.priority).toBe('HIGH');
    expect(entry).toEqual(action);
  });

  it('narrows every kind, in the store\'s and the API\'s entry types as well', () => {
    const status = signEntry({ ...envelope(2, action.id), kind: 'actiestatus', body: { action: action.id, status: 'done' } }, signer, nodeCrypto);
    const view: LogEntryView = { ...status, skewMs: null, behind: null, newer: null, happenedAt: null, operator: null, writer: 'device', context: { corrections: [], refersTo: null, gripBefore: null } };
    if (!isKnownEntry(view) || view.kind !== 'actiestatus') throw new Error('kind lost');
    expectTypeOf(view.body.status).toEqualTypeOf<ActionStatus>();
    expect(view.body.status).toBe('done');
    const grip = (e: SignedEntry) => (e.kind === 'grip' ? e.body.level : null);
    expectTypeOf(grip).returns.toEqualTypeOf<number | null>();
    // @ts-expect-error an actiestatus body has no level
    expect(view.body.level).toBeUndefined();
  });

  it('signs an entry as the kind it was written as', () => {
    expectTypeOf(action).toEqualTypeOf<SignedEntryOf<'actie'>>();
    expectTypeOf(action.body).toEqualTypeOf<EntryBody<'actie'>>();
  });
});

describe('a kind is never paired with another kind\'s body', () => {
  it('is a union of one entry type per kind', () => {
    expectTypeOf<SignedEntryOf<'grip' | 'actie'>>().toEqualTypeOf<SignedEntryOf<'grip'> | SignedEntryOf<'actie'>>();
    expectTypeOf<UnsignedEntryOf<'grip'>['body']>().toEqualTypeOf<EntryBody<'grip'>>();
    // The fields every kind shares stand apart from kind and body.
    expectTypeOf<EntryEnvelope>().not.toHaveProperty('kind');
    expectTypeOf<EntryEnvelope>().not.toHaveProperty('body');
  });

  it('refuses at compile time what the schemas refuse at run time', () => {
    // @ts-expect-error an actie body under the kind grip
    const mismatched: UnsignedEntry = { ...envelope(1, null), kind: 'grip', body: { text: 'x', owner: 'y', priority: 'LOW' } };
    // @ts-expect-error a priority LCMS does not know
    const unknownPriority: UnsignedEntry = { ...envelope(1, null), kind: 'actie', body: { text: 'x', owner: 'y', priority: 'MEDIUM' } };
    for (const candidate of [mismatched, unknownPriority]) {
      const parsed = parseSignedEntry({ ...candidate, id: 'ab'.repeat(32), sig: 'cd'.repeat(64) });
      expect(parsed).toMatchObject({ ok: false, part: 'body' });
    }
  });
});

describe('parseSignedEntry', () => {
  it('tells the entry\'s own fields from its body, naming each field', () => {
    const { id: _id, ...withoutId } = action;
    expect(parseSignedEntry(withoutId)).toEqual({ ok: false, part: 'envelope', problems: [expect.stringMatching(/^id: /)] });
    expect(parseSignedEntry({ ...action, prev: action.id })).toEqual({ ok: false, part: 'envelope', problems: ['prev must be null exactly when seq is 1'] });
    expect(parseSignedEntry({ ...action, body: { ...action.body, priority: 'MEDIUM' } })).toEqual({ ok: false, part: 'body', problems: [expect.stringMatching(/^body\.priority: /)] });
    expect(parseSignedEntry({ ...action, kind: 'Roddel!' })).toEqual({ ok: false, part: 'envelope', problems: [expect.stringMatching(/^kind: must be a kind name/)] });
  });
});

describe('entries a newer version wrote', () => {
  it('reads a kind this version does not know as a ForeignEntry, its body as it came', () => {
    const body = { samenvatting: 'Situatie stabiel', bronnen: [{ naam: 'KMar', betrouwbaar: true }], versie: 3 };
    const parsed = parseSignedEntry({ ...action, kind: 'sitrap-v2', body });
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const entry = parsed.entry;
    expect(isKnownEntry(entry)).toBe(false);
    if (isKnownEntry(entry)) return;
    expectTypeOf(entry).toEqualTypeOf<ForeignEntry>();
    expectTypeOf(entry.body).toEqualTypeOf<Record<string, unknown>>();
    expect(entry).toEqual({ ...action, kind: 'sitrap-v2', body });
    expect(newerContent(entry)).toEqual({ unknownKind: true, unknownFields: ['bronnen', 'samenvatting', 'versie'] });
  });

  it('keeps the fields a newer version added to a known kind, and still checks the ones it knows', () => {
    const parsed = parseSignedEntry({ ...action, body: { ...action.body, zone: { code: 'A3' }, bijlagen: ['foto.jpg'] } });
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(parsed.entry.body).toEqual({ ...action.body, zone: { code: 'A3' }, bijlagen: ['foto.jpg'] });
    expect(newerContent(parsed.entry)).toEqual({ unknownKind: false, unknownFields: ['bijlagen', 'zone'] });
    expect(newerContent(action)).toBeNull();
    expect(parseSignedEntry({ ...action, body: { ...action.body, zone: 'A3', priority: 'MEDIUM' } })).toEqual({ ok: false, part: 'body', problems: [expect.stringMatching(/^body\.priority: /)] });
    expect(parseSignedEntry({ ...action, body: { zone: 'A3' } })).toMatchObject({ ok: false, part: 'body' });
  });
});
