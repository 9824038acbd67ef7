import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/domain/canonical.js';
import { checkEntry, checkRunByLastSignature } from '../../shared/domain/chain.js';
import { deriveIncidentState } from '../../shared/domain/derive.js';
import { canonicalEntryText, entryCanonicalBytes, entryTextHash, parseBody, parseSignedEntry, signedEntrySchema, signEntry, type SignedEntryOf, type UnsignedEntryOf } from '../../shared/domain/entry.js';
import type { EntryKind } from '../../shared/domain/kinds.js';
import { nodeCrypto } from '../support/entries.js';

interface GoldenVector<K extends EntryKind> { name: string; entry: SignedEntryOf<K>; canonicalText: string; canonicalHex: string; id: string; sig: string }

/**
 * Fixed inputs and expected outputs of the entry format, so another implementation (the browser,
 * a partner's tool, a later rewrite) can check itself byte for byte. Everything is recomputed here
 * from the entry fields and the key seed: any change to the encoding, hashing or signing fails.
 */
interface GoldenVectors {
  description: string;
  key: { seedHex: string; pkcs8DerHex: string; publicKeyHex: string };
  /** The kinds in file order, as the first test below checks. */
  entries: [GoldenVector<'incident'>, GoldenVector<'melding'>, GoldenVector<'actie'>, GoldenVector<'correctie'>];
}

const vectors = JSON.parse(readFileSync(new URL('./golden-vectors.json', import.meta.url), 'utf8')) as GoldenVectors;
const PKCS8_ED25519_PREFIX = '302e020100300506032b657004220420';
const SEED_HEX = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0')).join('');

const privateKey = createPrivateKey({ key: Buffer.from(PKCS8_ED25519_PREFIX + SEED_HEX, 'hex'), format: 'der', type: 'pkcs8' });
const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
const publicKeyHex = Buffer.from(spki.subarray(spki.length - 32)).toString('hex');
const signer = { publicKeyHex, sign: (m: Uint8Array) => sign(null, m, privateKey) };

const unsignedOf = <K extends EntryKind>(e: SignedEntryOf<K>): UnsignedEntryOf<K> => ({
  v: e.v, author: e.author, seq: e.seq, prev: e.prev, hlc: { t: e.hlc.t, c: e.hlc.c }, incident: e.incident, kind: e.kind, body: e.body,
  classification: e.classification,
});

describe('golden vectors', () => {
  it('holds the fixed key: seed 0x00..0x1f and its Ed25519 public key', () => {
    expect(vectors.key.seedHex).toBe(SEED_HEX);
    expect(vectors.key.pkcs8DerHex).toBe(PKCS8_ED25519_PREFIX + SEED_HEX);
    expect(publicKeyHex).toBe(vectors.key.publicKeyHex);
    // The well-known public key for this seed (as in other Ed25519 libraries' examples).
    expect(publicKeyHex).toBe('03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8');
  });

  it('covers an incident opening, a melding with non-ASCII text, an actie with a deadline and a correctie', () => {
    expect(vectors.entries.map((v) => v.entry.kind)).toEqual(['incident', 'melding', 'actie', 'correctie']);
    const melding = vectors.entries[1]!;
    expect(melding.entry.body.text).toContain('Coördinatie café');
    expect(/[^\x00-\x7f]/.test(melding.canonicalText)).toBe(true);
    expect(vectors.entries[2]!.entry.body.deadline).toMatch(/Z$/);
    expect(vectors.entries[3]!.entry.body.target).toBe(melding.id);
  });

  for (const [index, vector] of vectors.entries.entries()) {
    describe(`${index + 1}. ${vector.name}`, () => {
      const unsigned = unsignedOf(vector.entry);

      it('is a valid entry of this key', () => {
        expect(signedEntrySchema.safeParse(vector.entry).success).toBe(true);
        expect(parseBody(vector.entry.kind, vector.entry.body)).toEqual({ ok: true, body: vector.entry.body });
        expect(parseSignedEntry(vector.entry)).toEqual({ ok: true, entry: vector.entry });
        expect(vector.entry.author).toBe(publicKeyHex);
        expect(vector.entry.seq).toBe(index + 1);
        expect(vector.entry.prev).toBe(index === 0 ? null : vectors.entries[index - 1]!.id);
      });

      it('encodes to the recorded canonical text and bytes', () => {
        const bytes = Buffer.from(entryCanonicalBytes(unsigned));
        expect(bytes.toString('utf8')).toBe(vector.canonicalText);
        expect(bytes.toString('hex')).toBe(vector.canonicalHex);
        expect(Buffer.from(vector.canonicalText, 'utf8').toString('hex')).toBe(vector.canonicalHex);
        expect(canonicalJson(unsigned)).toBe(vector.canonicalText);
        // The canonical text is compact JSON of exactly the nine signed fields.
        expect(JSON.parse(vector.canonicalText)).toEqual(unsigned);
        expect(vector.canonicalText).not.toContain('"id"');
        expect(vector.canonicalText).not.toContain('"sig"');
      });

      it('has the SHA-256 of the canonical bytes as its id', () => {
        const digest = createHash('sha256').update(Buffer.from(vector.canonicalHex, 'hex')).digest('hex');
        expect(digest).toBe(vector.id);
        expect(vector.entry.id).toBe(vector.id);
      });

      it('gets the same id hashed from its canonical text, with and without a platform hash of text', () => {
        const { json } = canonicalEntryText(unsigned);
        expect(json).toBe(vector.canonicalText);
        expect(nodeCrypto.sha256Utf8).toBeDefined();
        expect(entryTextHash(json, nodeCrypto)).toBe(vector.id);
        expect(entryTextHash(json, { sha256: nodeCrypto.sha256, verify: nodeCrypto.verify })).toBe(vector.id);
      });

      it('carries the deterministic Ed25519 signature of the canonical bytes', () => {
        const bytes = Buffer.from(vector.canonicalHex, 'hex');
        expect(sign(null, bytes, privateKey).toString('hex')).toBe(vector.sig);
        expect(vector.entry.sig).toBe(vector.sig);
        expect(verify(null, bytes, createPublicKey(privateKey), Buffer.from(vector.sig, 'hex'))).toBe(true);
        expect(nodeCrypto.verify(vectors.key.publicKeyHex, bytes, vector.sig)).toBe(true);
      });

      it('is reproduced exactly by signEntry and passes checkEntry', () => {
        expect(signEntry(unsigned, signer, nodeCrypto)).toEqual(vector.entry);
        expect(checkEntry(vector.entry, nodeCrypto)).toBeNull();
      });
    });
  }

  it('forms one chain that the last signature covers, and derives the expected state', () => {
    const chain = vectors.entries.map((v) => v.entry);
    expect(checkRunByLastSignature(chain, nodeCrypto)).toBe(true);
    const state = deriveIncidentState(chain[0]!.incident, chain, '2026-11-22T16:30:00.000Z', nodeCrypto);
    expect(state.incident?.title).toBe('Stroomstoring Utrecht-Oost');
    expect(state.grip.level).toBe(1);
    expect(state.corrections).toEqual({ [chain[1]!.id]: [chain[3]!.id] });
    expect(state.actions).toHaveLength(1);
    expect(state.actions[0]).toMatchObject({ owner: 'Brandweer', issuer: 'ROT', priority: 'HIGH', overdue: true, status: 'open' });
  });

  it('are written out the same in docs/golden-vectors.md', () => {
    const doc = readFileSync(new URL('../../docs/golden-vectors.md', import.meta.url), 'utf8');
    const docHex = doc.replace(/\n/g, '');
    expect(doc).toContain(vectors.key.seedHex);
    expect(doc).toContain(vectors.key.publicKeyHex);
    for (const vector of vectors.entries) {
      expect(doc).toContain(vector.canonicalText);
      expect(docHex).toContain(vector.canonicalHex);
      expect(doc).toContain(vector.id);
      expect(doc).toContain(vector.sig);
    }
  });
});
