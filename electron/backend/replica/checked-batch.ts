import { entrySignatureValid } from '../../../shared/domain/chain.js';
import type { AnyEntry, EntryCrypto } from '../../../shared/domain/entry.js';
import { consecutiveRuns, parseCandidate, REJECTED } from './checks.js';
import type { IngestOptions, IngestReport, Replica } from './replica.js';

/**
 * The half of ingest that needs no database, split off so it can run on another thread while the
 * previous batch is being stored: each candidate parsed, encoded canonically and hashed (exactly
 * parseCandidate), and, for each run of one author's consecutive entries, the signature that
 * covers the run. What needs the log (already held, chain anchors, forks, the waiting room) stays
 * with the store, which takes a CheckedBatch only from this module (see isCheckedBatch).
 */
export type CheckedItem =
  | {
      entry: AnyEntry;
      /** The body's canonical JSON, stored as the row's body. */
      bodyJson: string;
      /** Whether the entry's own signature is valid, where it was checked; absent where it was not. */
      signature?: boolean;
    }
  | { rejected: IngestReport['rejected'][number] };

export type CheckedEntryItem = Extract<CheckedItem, { entry: AnyEntry }>;

export interface CheckedBatch {
  /** In candidate order, one per candidate. */
  readonly items: readonly CheckedItem[];
}

// Batches made by checkCandidates or read back from a check worker's answer; nothing else gets
// past the store's trust boundary.
const made = new WeakSet<CheckedBatch>();

/** A replica whose ingest can also take batches checked beforehand (the SQLite store's: store/ingest.ts); the in-memory one checks everything itself. */
export type CheckedIngestReplica = Replica & { ingest: { checked?(batch: CheckedBatch, options?: IngestOptions): IngestReport } };

export function isCheckedBatch(batch: unknown): batch is CheckedBatch {
  return typeof batch === 'object' && batch !== null && made.has(batch as CheckedBatch);
}

/**
 * Checks candidates as ingest always has, in their order. With `signatures`, also checks the
 * signature of the last entry of each run (and, when that fails, each entry's own) the way the
 * store would after leaving out the entries it holds; without, the store checks signatures itself.
 */
export function checkCandidates(candidates: readonly unknown[], crypto: EntryCrypto, options: { signatures: boolean }): CheckedBatch {
  const rejected: IngestReport['rejected'] = [];
  const items: CheckedItem[] = [];
  for (const candidate of candidates) {
    const parsed = parseCandidate(candidate, { rejected }, crypto);
    items.push(parsed ?? { rejected: rejected.pop()! });
  }
  if (options.signatures) checkRunSignatures(items, crypto);
  const batch: CheckedBatch = { items };
  made.add(batch);
  return batch;
}

function checkRunSignatures(items: CheckedItem[], crypto: EntryCrypto): void {
  const byAuthor = new Map<string, CheckedEntryItem[]>();
  const firstCopy = new Map<string, CheckedEntryItem>();
  let contested: CheckedEntryItem[] | undefined;
  for (const item of items) {
    if (!('entry' in item)) continue;
    const first = firstCopy.get(item.entry.id);
    if (first) {
      // The store picks among copies with different signatures by each one's own (keepSignedCopies):
      // checked here, so that the main thread verifies none of them.
      if (first.entry.sig !== item.entry.sig) {
        item.signature = entrySignatureValid(item.entry, crypto);
        (contested ??= []).push(first);
      }
      continue;
    }
    firstCopy.set(item.entry.id, item);
    let list = byAuthor.get(item.entry.author);
    if (!list) byAuthor.set(item.entry.author, (list = []));
    list.push(item);
  }
  for (const list of byAuthor.values()) {
    list.sort((a, b) => a.entry.seq - b.entry.seq || (a.entry.id < b.entry.id ? -1 : 1));
    const itemOf = new Map(list.map((item) => [item.entry, item]));
    for (const run of consecutiveRuns(list.map((item) => item.entry))) {
      const last = itemOf.get(run[run.length - 1]!)!;
      last.signature = entrySignatureValid(last.entry, crypto);
      if (!last.signature) for (const entry of run) itemOf.get(entry)!.signature ??= entrySignatureValid(entry, crypto);
    }
  }
  if (contested) for (const first of contested) first.signature ??= entrySignatureValid(first.entry, crypto);
}

/**
 * A check worker's answer as it travels between threads: JSON, which costs less to read back than
 * a structured clone of the same objects, and each entry as an array of its fields with its body
 * once, as canonical JSON: read back on the main thread (the busier one while a batch is stored)
 * in less time than the entry objects took (2.7-3.3 against 3.9-4.2 µs per entry, storing 50k).
 */
type EntryRecord = [id: string, v: 1, author: string, seq: number, prev: string | null, t: number, c: number, incident: string, kind: string, classification: AnyEntry['classification'], sig: string, bodyJson: string, signature: boolean | null];

export function encodeCheckedBatch(batch: CheckedBatch): string {
  return JSON.stringify(batch.items.map((item) => {
    if (!('entry' in item)) return item;
    const { id, v, author, seq, prev, hlc, incident, kind, classification, sig } = item.entry;
    const record: EntryRecord = [id, v, author, seq, prev, hlc.t, hlc.c, incident, kind, classification, sig, item.bodyJson, item.signature ?? null];
    return record;
  }));
}

/** Reads a check worker's answer (made by encodeCheckedBatch on the worker, from the candidates it was sent). */
export function decodeCheckedBatch(json: string, expected: number): CheckedBatch {
  const records = JSON.parse(json) as (EntryRecord | Extract<CheckedItem, { rejected: unknown }>)[];
  if (!Array.isArray(records) || records.length !== expected) throw new Error(`the entry check worker answered for ${Array.isArray(records) ? records.length : 'no'} entries instead of ${expected}`);
  const items = records.map((record): CheckedItem => {
    if (!Array.isArray(record)) return record;
    const [id, v, author, seq, prev, t, c, incident, kind, classification, sig, bodyJson, signature] = record;
    // The same fields in the same order as parseSignedEntry gives them; the body read back from its canonical JSON.
    const entry = { id, v, author, seq, prev, hlc: { t, c }, incident, kind, body: JSON.parse(bodyJson) as Record<string, unknown>, classification, sig } as AnyEntry;
    return signature === null ? { entry, bodyJson } : { entry, bodyJson, signature };
  });
  const batch: CheckedBatch = { items };
  made.add(batch);
  return batch;
}

/** Signature verdicts of a batch's entries, by entry object, for authenticRun. */
export function signatureVerdicts(batch: CheckedBatch): WeakMap<AnyEntry, boolean> {
  const verdicts = new WeakMap<AnyEntry, boolean>();
  for (const item of batch.items) if ('entry' in item && item.signature !== undefined) verdicts.set(item.entry, item.signature);
  return verdicts;
}

/**
 * Copies of one id differ in their signature alone (the id is the hash of everything else), so a
 * damaged copy that came first would have the entry rejected, or stored with a signature that fails,
 * while a good copy followed it in the same batch. Where the first copy of an id in `lists` (each
 * author's entries to store) does not carry its author's signature, the first copy that does takes
 * its place there and in `firstCopy`. Only for ids sent with several signatures (`otherCopies`, the
 * later ones in batch order), and each signature checked at most once, recorded in `verdicts`.
 */
export function keepSignedCopies(lists: ReadonlyMap<string, AnyEntry[]>, firstCopy: Map<string, CheckedEntryItem>, otherCopies: readonly CheckedEntryItem[], verdicts: WeakMap<AnyEntry, boolean>, crypto: EntryCrypto): void {
  const signed = (entry: AnyEntry): boolean => {
    let valid = verdicts.get(entry);
    if (valid === undefined) verdicts.set(entry, (valid = entrySignatureValid(entry, crypto)));
    return valid;
  };
  const copiesOf = new Map<string, CheckedEntryItem[]>();
  for (const item of otherCopies) {
    const copies = copiesOf.get(item.entry.id);
    if (copies) copies.push(item);
    else copiesOf.set(item.entry.id, [item]);
  }
  const authors = new Set(otherCopies.map((item) => item.entry.author));
  for (const author of authors) {
    // Absent when the log holds all of the author's entries here, or they wait already.
    const list = lists.get(author);
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      const copies = copiesOf.get(list[i]!.id);
      if (!copies || signed(list[i]!)) continue;
      const better = copies.find((copy) => signed(copy.entry));
      if (!better) continue;
      list[i] = better.entry;
      firstCopy.set(better.entry.id, better);
    }
  }
}

/**
 * authenticEntries (replica/checks.ts) for a run whose hashes were checked, using the verdicts the
 * check already made and verifying only what it did not (a run the store shortened by leaving out
 * entries it holds ends at another entry): the same entries authentic, the same rejected.
 */
export function authenticRun(run: readonly AnyEntry[], report: Pick<IngestReport, 'rejected'>, crypto: EntryCrypto, verdicts: WeakMap<AnyEntry, boolean>): boolean[] {
  const valid = (entry: AnyEntry) => verdicts.get(entry) ?? entrySignatureValid(entry, crypto);
  if (run.length === 0 || valid(run[run.length - 1]!)) return run.map(() => true);
  return run.map((entry) => {
    const ok = valid(entry);
    if (!ok) report.rejected.push({ id: entry.id, reason: REJECTED.badSignature });
    return ok;
  });
}
