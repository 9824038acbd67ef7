import { generateKeyPairSync, sign, createPublicKey } from 'node:crypto';
import { entryCanonicalBytes, signEntry, type AnyEntry, type EntrySigner, type SignedEntryOf } from '../../shared/domain/entry.js';
import type { Classification, TextKind } from '../../shared/domain/kinds.js';
import { createNodeEntryCrypto } from '../../electron/backend/node-crypto.js';

export const nodeCrypto = createNodeEntryCrypto();

/** A signing device outside any backend, to make entries "from another laptop". */
export function makeSigner(): EntrySigner {
  const { privateKey } = generateKeyPairSync('ed25519');
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { publicKeyHex: Buffer.from(spki.subarray(spki.length - 32)).toString('hex'), sign: (m) => sign(null, m, privateKey) };
}

/**
 * Builds one author's chain as a newer Baken would write it: any kind, any body (kinds and fields
 * this version does not know included), signed over the same canonical bytes. Nothing is checked
 * against this version's schemas; that is for the receiver.
 */
export function makeNewerChain(
  signer: EntrySigner,
  incident: string,
  contents: readonly { kind: string; body: Record<string, unknown> }[],
  options: { startSeq?: number; prev?: string | null; t0?: number } = {},
): AnyEntry[] {
  const out: AnyEntry[] = [];
  let prev = options.prev ?? null;
  const startSeq = options.startSeq ?? 1;
  contents.forEach(({ kind, body }, i) => {
    const unsigned = { v: 1 as const, author: signer.publicKeyHex, seq: startSeq + i, prev, hlc: { t: (options.t0 ?? 1_790_000_000_000) + i, c: 0 }, incident, kind, body, classification: 'intern' as const };
    const bytes = entryCanonicalBytes(unsigned);
    const entry: AnyEntry = { ...unsigned, id: Buffer.from(nodeCrypto.sha256(bytes)).toString('hex'), sig: Buffer.from(signer.sign(bytes)).toString('hex') };
    out.push(entry);
    prev = entry.id;
  });
  return out;
}

/** Builds one author's chain of entries in memory, signed and linked; a text kind, so any of them takes a `{ text }` body. */
export function makeChain(
  signer: EntrySigner,
  incident: string,
  count: number,
  options: { startSeq?: number; prev?: string | null; t0?: number; kind?: TextKind; classification?: Classification; text?: (i: number) => string } = {},
): SignedEntryOf<TextKind>[] {
  const out: SignedEntryOf<TextKind>[] = [];
  let prev = options.prev ?? null;
  const startSeq = options.startSeq ?? 1;
  for (let i = 0; i < count; i++) {
    const entry = signEntry(
      {
        v: 1, author: signer.publicKeyHex, seq: startSeq + i, prev, hlc: { t: (options.t0 ?? 1_790_000_000_000) + i, c: 0 }, incident,
        kind: options.kind ?? 'melding', body: { text: options.text ? options.text(i) : `melding ${startSeq + i}` }, classification: options.classification ?? 'intern',
      },
      signer,
      nodeCrypto,
    );
    out.push(entry);
    prev = entry.id;
  }
  return out;
}
