import { checkEntry, checkRunByLastSignature } from '../../../shared/domain/chain.js';
import { CanonicalEncodingError } from '../../../shared/domain/canonical.js';
import { canonicalEntryText, entryTextHash, parseSignedEntry, type AnyEntry, type EntryCrypto } from '../../../shared/domain/entry.js';
import type { IngestReport } from './replica.js';

/**
 * The checks every Replica's ingest makes before its storage sees an entry, kept in one place so
 * every implementation rejects the same entries with the same reasons (callers match the prefix).
 */

/** Most authentic entries a replica keeps waiting for a missing predecessor. */
export const MAX_PENDING_ENTRIES = 200_000;

export const REJECTED = {
  hashMismatch: 'hash-mismatch: the id is not the hash of the entry',
  badSignature: 'bad-signature: the author did not sign this entry',
  brokenChain: 'broken-chain: prev is not the same author\'s previous entry',
  tooManyWaiting: 'missing-predecessor: too many entries already wait for theirs; send the earlier entries first',
} as const;

/**
 * A well-formed entry whose id is the hash of its canonical bytes, with its body's canonical JSON
 * (the SQLite store keeps that as the row's body); null after adding the reason to `report.rejected`.
 * An entry of a kind this version does not know, or with body fields it does not know, passes as
 * long as the rest checks out (docs/DATA-MODEL.md, "Forward compatibility"); the hash check proves
 * its body is byte for byte what its author signed.
 */
export function parseCandidate(candidate: unknown, report: Pick<IngestReport, 'rejected'>, crypto: EntryCrypto): { entry: AnyEntry; bodyJson: string } | null {
  const parsed = parseSignedEntry(candidate);
  if (!parsed.ok) {
    const claimed = typeof candidate === 'object' && candidate !== null && 'id' in candidate && typeof candidate.id === 'string' ? candidate.id.slice(0, 64) : null;
    report.rejected.push({ id: claimed, reason: `${parsed.part === 'body' ? 'invalid body' : 'malformed'}: ${parsed.problems.join('; ')}` });
    return null;
  }
  const { entry } = parsed;
  let json: string;
  let bodyJson: string;
  try {
    ({ json, bodyJson } = canonicalEntryText(entry));
  } catch (error) {
    if (!(error instanceof CanonicalEncodingError)) throw error;
    report.rejected.push({ id: entry.id, reason: `malformed: ${error.message}` });
    return null;
  }
  // Checked before anything is looked up by id: a forged copy must not pass for (or hide) the real entry.
  if (entryTextHash(json, crypto) !== entry.id) {
    report.rejected.push({ id: entry.id, reason: REJECTED.hashMismatch });
    return null;
  }
  return { entry, bodyJson };
}

/** Splits one author's entries (sorted by seq) into runs where each links to the one before. */
export function consecutiveRuns<E extends AnyEntry>(entries: readonly E[]): E[][] {
  const runs: E[][] = [];
  let run: E[] = [];
  for (const entry of entries) {
    const last = run[run.length - 1];
    if (last && (entry.seq !== last.seq + 1 || entry.prev !== last.id)) {
      runs.push(run);
      run = [];
    }
    run.push(entry);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * Which entries of a run (hashes already checked) are authentic: all of them when the last one's
 * signature covers the run through its hash links (docs/DATA-MODEL.md, "Chains"), else each by its
 * own signature, the others rejected into `report`.
 */
export function authenticEntries(run: readonly AnyEntry[], report: Pick<IngestReport, 'rejected'>, crypto: EntryCrypto): boolean[] {
  if (checkRunByLastSignature(run, crypto, { hashesChecked: true })) return run.map(() => true);
  return run.map((entry) => {
    const problem = checkEntry(entry, crypto);
    if (problem) report.rejected.push({ id: entry.id, reason: problem === 'hash-mismatch' ? REJECTED.hashMismatch : REJECTED.badSignature });
    return problem === null;
  });
}
