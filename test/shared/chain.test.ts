import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/domain/canonical.js';
import { checkEntry, checkRunByLastSignature, entryHashMatches, entrySignatureValid } from '../../shared/domain/chain.js';
import { entryCanonicalBytes, signEntry, type SignedEntry, type SignedEntryOf, type UnsignedEntry } from '../../shared/domain/entry.js';
import type { TextKind } from '../../shared/domain/kinds.js';
import { makeChain, makeSigner, nodeCrypto } from '../support/entries.js';

const INCIDENT = '0123456789abcdef0123456789abcdef';
const alice = makeSigner();
const bob = makeSigner();

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const flipHex = (hex: string, at = 0) => {
  const i = at % hex.length;
  return hex.slice(0, i) + (hex[i] === '0' ? '1' : '0') + hex.slice(i + 1);
};

const FIELDS = ['body', 'seq', 'hlc.t', 'hlc.c', 'classification', 'prev', 'author', 'sig', 'id', 'kind', 'incident', 'v'] as const;
type Field = (typeof FIELDS)[number];

/** Changes one field of an entry by as little as possible. */
function tamper(entry: SignedEntryOf<TextKind>, field: Field, at: number): SignedEntry {
  const e = structuredClone(entry);
  switch (field) {
    case 'body': {
      const text = e.body.text;
      const i = at % text.length;
      e.body = { ...e.body, text: text.slice(0, i) + (text[i] === 'x' ? 'y' : 'x') + text.slice(i + 1) };
      break;
    }
    case 'seq':
      e.seq += at % 2 === 0 ? 1 : -1;
      break;
    case 'hlc.t':
      e.hlc = { t: e.hlc.t + 1, c: e.hlc.c };
      break;
    case 'hlc.c':
      e.hlc = { t: e.hlc.t, c: e.hlc.c + 1 };
      break;
    case 'classification':
      e.classification = e.classification === 'intern' ? 'openbaar' : 'intern';
      break;
    case 'prev':
      e.prev = e.prev === null ? sha256Hex(new Uint8Array([at & 0xff])) : flipHex(e.prev, at);
      break;
    case 'author':
      e.author = at % 2 === 0 ? bob.publicKeyHex : flipHex(e.author, at);
      break;
    case 'sig':
      e.sig = flipHex(e.sig, at);
      break;
    case 'id':
      e.id = flipHex(e.id, at);
      break;
    case 'kind':
      e.kind = e.kind === 'melding' ? 'beeld' : 'melding';
      break;
    case 'incident':
      e.incident = flipHex(e.incident, at);
      break;
    case 'v':
      (e as { v: number }).v = 2;
      break;
  }
  return e;
}

describe('signEntry and entryCanonicalBytes', () => {
  const unsigned: UnsignedEntry = {
    v: 1, author: alice.publicKeyHex, seq: 1, prev: null, hlc: { t: 1_790_000_000_000, c: 3 }, incident: INCIDENT,
    kind: 'melding', body: { text: 'Coördinatie café: water in de kelder', source: 'meldkamer' }, classification: 'partner',
  };

  it('makes the id the SHA-256 of the canonical bytes and signs those bytes', () => {
    const entry = signEntry(unsigned, alice, nodeCrypto);
    const bytes = entryCanonicalBytes(entry);
    expect(entry.id).toBe(sha256Hex(bytes));
    expect(entry.id).toMatch(/^[0-9a-f]{64}$/);
    expect(entry.sig).toMatch(/^[0-9a-f]{128}$/);
    expect(nodeCrypto.verify(alice.publicKeyHex, bytes, entry.sig)).toBe(true);
    expect(nodeCrypto.verify(bob.publicKeyHex, bytes, entry.sig)).toBe(false);
    expect(checkEntry(entry, nodeCrypto)).toBeNull();
    expect(entryHashMatches(entry, nodeCrypto)).toBe(true);
    expect(entrySignatureValid(entry, nodeCrypto)).toBe(true);
    const { id, sig, ...rest } = entry;
    expect(rest).toEqual(unsigned);
  });

  it('encodes exactly the nine entry fields, canonically', () => {
    const text = Buffer.from(entryCanonicalBytes(unsigned)).toString('utf8');
    expect(text).toBe(canonicalJson({ ...unsigned }));
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['author', 'body', 'classification', 'hlc', 'incident', 'kind', 'prev', 'seq', 'v']);
    expect(text.startsWith('{"author":"')).toBe(true);
    expect(text).toContain('"hlc":{"c":3,"t":1790000000000}');
    expect(text).toContain('"prev":null');
  });

  it('leaves id, sig and any extra field out of the signed bytes', () => {
    const entry = signEntry(unsigned, alice, nodeCrypto);
    const extra = { ...entry, skewMs: 3_600_000, hlc: { ...entry.hlc, extra: 1 } } as unknown as SignedEntry;
    expect(Buffer.from(entryCanonicalBytes(extra)).equals(Buffer.from(entryCanonicalBytes(unsigned)))).toBe(true);
    expect(checkEntry(extra, nodeCrypto)).toBeNull();
  });

  it('refuses to sign for another author', () => {
    expect(() => signEntry({ ...unsigned, author: bob.publicKeyHex }, alice, nodeCrypto)).toThrow(/author/);
  });

  it('gives the SHA-256 id for any body text and any position', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 2 ** 43 - 1 }),
        fc.integer({ min: 0, max: 0xffff }),
        (text, seq, t, c) => {
          const entry = signEntry(
            { ...unsigned, seq, prev: seq === 1 ? null : sha256Hex(new Uint8Array([1])), hlc: { t, c }, body: { text } },
            alice,
            nodeCrypto,
          );
          const bytes = entryCanonicalBytes(entry);
          expect(entry.id).toBe(sha256Hex(bytes));
          expect(JSON.parse(Buffer.from(bytes).toString('utf8'))).toEqual({ ...unsigned, seq, prev: entry.prev, hlc: { t, c }, body: { text } });
          expect(checkEntry(entry, nodeCrypto)).toBeNull();
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('checkEntry', () => {
  const [entry] = makeChain(alice, INCIDENT, 1);

  it('accepts an authentic entry', () => {
    expect(checkEntry(entry!, nodeCrypto)).toBeNull();
  });

  it('names a changed body as a hash mismatch', () => {
    expect(checkEntry({ ...entry!, body: { text: 'melding 2' } }, nodeCrypto)).toBe('hash-mismatch');
  });

  it('names an id that is the hash but not signed as a bad signature', () => {
    const changed = { ...entry!, body: { text: 'forged' } };
    const rehashed = { ...changed, id: sha256Hex(entryCanonicalBytes(changed)) };
    expect(checkEntry(rehashed, nodeCrypto)).toBe('bad-signature');
  });

  it('refuses a signature by someone else over the same bytes', () => {
    const bytes = entryCanonicalBytes(entry!);
    const bobSig = Buffer.from(bob.sign(bytes)).toString('hex');
    expect(checkEntry({ ...entry!, sig: bobSig }, nodeCrypto)).toBe('bad-signature');
  });

  it('refuses a signature of the wrong length or an author that is no key', () => {
    expect(checkEntry({ ...entry!, sig: entry!.sig.slice(0, 126) }, nodeCrypto)).toBe('bad-signature');
    expect(checkEntry({ ...entry!, sig: `${entry!.sig}00` }, nodeCrypto)).toBe('bad-signature');
    const notAKey = { ...entry!, author: 'ff'.repeat(32) };
    expect(checkEntry({ ...notAKey, id: sha256Hex(entryCanonicalBytes(notAKey)) }, nodeCrypto)).toBe('bad-signature');
  });
});

describe('checkRunByLastSignature', () => {
  it('accepts valid runs of any length, from any start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 3 }), (length, skip) => {
        const chain = makeChain(alice, INCIDENT, length + skip);
        expect(checkRunByLastSignature(chain.slice(skip), nodeCrypto)).toBe(true);
        for (const e of chain) expect(checkEntry(e, nodeCrypto)).toBeNull();
      }),
      { numRuns: 40 },
    );
  });

  it('accepts the empty run', () => {
    expect(checkRunByLastSignature([], nodeCrypto)).toBe(true);
  });

  it('catches a small change to any field of any entry in a run', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((length) => fc.tuple(fc.constant(length), fc.integer({ min: 0, max: length - 1 }))),
        fc.constantFrom(...FIELDS),
        fc.nat(),
        ([length, position], field, at) => {
          const run = makeChain(alice, INCIDENT, length, { text: (i) => `melding ${i} over de Coördinatie café` });
          const tampered = tamper(run[position]!, field, at);
          expect(tampered).not.toEqual(run[position]);
          const changedRun = run.map((e, i) => (i === position ? tampered : e));

          // Every single entry check catches it.
          expect(checkEntry(tampered, nodeCrypto)).not.toBeNull();
          expect(entryHashMatches(tampered, nodeCrypto)).toBe(field === 'sig');

          // The run check catches it too, except a changed signature on an entry before the last:
          // that signature is redundant, the last one covers the content through the hash links.
          const isLast = position === length - 1;
          expect(checkRunByLastSignature(changedRun, nodeCrypto)).toBe(field === 'sig' && !isLast);
          // The run up to and including the tampered entry is caught as well.
          expect(checkRunByLastSignature(changedRun.slice(0, position + 1), nodeCrypto)).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuses runs with a gap', () => {
    const chain = makeChain(alice, INCIDENT, 5);
    expect(checkRunByLastSignature([chain[0]!, chain[1]!, chain[3]!], nodeCrypto)).toBe(false);
    expect(checkRunByLastSignature([chain[0]!, chain[2]!], nodeCrypto)).toBe(false);
    expect(checkRunByLastSignature([chain[1]!, chain[2]!, chain[4]!], nodeCrypto)).toBe(false);
  });

  it('refuses runs out of order or with an entry twice', () => {
    const chain = makeChain(alice, INCIDENT, 3);
    expect(checkRunByLastSignature([chain[1]!, chain[0]!, chain[2]!], nodeCrypto)).toBe(false);
    expect(checkRunByLastSignature([chain[0]!, chain[1]!, chain[1]!, chain[2]!], nodeCrypto)).toBe(false);
  });

  it('refuses runs that mix authors, even when every entry is valid on its own', () => {
    const a = makeChain(alice, INCIDENT, 3);
    const b = makeChain(bob, INCIDENT, 3);
    expect(checkRunByLastSignature([a[0]!, b[1]!], nodeCrypto)).toBe(false);
    expect(checkRunByLastSignature([a[0]!, a[1]!, b[2]!], nodeCrypto)).toBe(false);
    // Bob's entry claiming Alice's entry as prev is still not Alice's run.
    const bobOnAlice = signEntry({ ...b[1]!, prev: a[0]!.id }, bob, nodeCrypto);
    expect(checkEntry(bobOnAlice, nodeCrypto)).toBeNull();
    expect(checkRunByLastSignature([a[0]!, bobOnAlice], nodeCrypto)).toBe(false);
  });

  it('refuses a fork: two entries at the same seq', () => {
    const [first, second] = makeChain(alice, INCIDENT, 2);
    const fork = signEntry({ ...second!, body: { text: 'another story' } }, alice, nodeCrypto);
    expect(checkRunByLastSignature([first!, second!, fork], nodeCrypto)).toBe(false);
    expect(checkRunByLastSignature([first!, fork], nodeCrypto)).toBe(true);
  });

  it('refuses a run whose last entry is re-signed with changed content by someone else', () => {
    const chain = makeChain(alice, INCIDENT, 3);
    const last = { ...chain[2]!, body: { text: 'forged' } };
    const forged = { ...last, id: sha256Hex(entryCanonicalBytes(last)), sig: Buffer.from(bob.sign(entryCanonicalBytes(last))).toString('hex') };
    expect(checkRunByLastSignature([chain[0]!, chain[1]!, forged], nodeCrypto)).toBe(false);
  });
});
