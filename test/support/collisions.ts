import { entryCanonicalBytes, signEntry, type SignedEntryOf, type UnsignedEntryOf } from '../../shared/domain/entry.js';
import { makeSigner, nodeCrypto } from './entries.js';

/**
 * Two teammates' first entries (meldingen, in `incident`) whose ids start with the same 6 hex
 * characters, as happens by chance in a log of a few thousand entries: the texts are varied until
 * two ids meet. An id is the hash of the unsigned entry, so only the two found are signed. About
 * 3000 hashes on average (2^24 starts, 6000 remembered).
 */
export function entriesSharingAStart(incident: string, t: number): [SignedEntryOf<'melding'>, SignedEntryOf<'melding'>] {
  const [one, two] = [makeSigner(), makeSigner()];
  const draft = (author: string, i: number): UnsignedEntryOf<'melding'> => ({
    v: 1, author, seq: 1, prev: null, hlc: { t, c: 0 }, incident, kind: 'melding', body: { text: `melding ${i}` }, classification: 'intern',
  });
  const start = (entry: UnsignedEntryOf<'melding'>) => Buffer.from(nodeCrypto.sha256(entryCanonicalBytes(entry))).toString('hex').slice(0, 6);
  const seen = new Map<string, number>();
  for (let i = 0; i < 6000; i++) seen.set(start(draft(one.publicKeyHex, i)), i);
  for (let j = 0; ; j++) {
    const mine = draft(two.publicKeyHex, j);
    const i = seen.get(start(mine));
    if (i !== undefined) return [signEntry(draft(one.publicKeyHex, i), one, nodeCrypto), signEntry(mine, two, nodeCrypto)];
  }
}
