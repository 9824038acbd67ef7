import { canonicalEntryText, entryCanonicalBytes, entryTextHash, type AnyEntry, type EntryCrypto } from './entry.js';
import { toHex } from './hex.js';

/** Why an entry could not be accepted as authentic. */
export type EntryProblem =
  | 'hash-mismatch'
  | 'bad-signature'
  | 'missing-predecessor'
  | 'broken-chain';

export function entryHashMatches(entry: AnyEntry, crypto: EntryCrypto): boolean {
  return entryTextHash(canonicalEntryText(entry).json, crypto) === entry.id;
}

export function entrySignatureValid(entry: AnyEntry, crypto: EntryCrypto): boolean {
  return crypto.verify(entry.author, entryCanonicalBytes(entry), entry.sig);
}

/** Full check of one entry on its own: its id is its hash and its author signed it. */
export function checkEntry(entry: AnyEntry, crypto: EntryCrypto): EntryProblem | null {
  const bytes = entryCanonicalBytes(entry);
  if (toHex(crypto.sha256(bytes)) !== entry.id) return 'hash-mismatch';
  if (!crypto.verify(entry.author, bytes, entry.sig)) return 'bad-signature';
  return null;
}

/**
 * Checks a run of one author's consecutive entries (seq n, n+1, …) with one signature: every id is
 * the hash of its entry, every prev is the id before it, and the last entry is signed. Because each
 * entry's canonical bytes contain the previous id, that one signature covers the content of the
 * whole run. Returns false on any doubt; the caller then checks entry by entry.
 */
export function checkRunByLastSignature(run: readonly AnyEntry[], crypto: EntryCrypto, options: { hashesChecked?: boolean } = {}): boolean {
  if (run.length === 0) return true;
  const author = run[0]!.author;
  for (let i = 0; i < run.length; i++) {
    const entry = run[i]!;
    if (entry.author !== author) return false;
    if (i > 0 && (entry.seq !== run[i - 1]!.seq + 1 || entry.prev !== run[i - 1]!.id)) return false;
    if (!options.hashesChecked && !entryHashMatches(entry, crypto)) return false;
  }
  return entrySignatureValid(run[run.length - 1]!, crypto);
}
