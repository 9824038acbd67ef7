import { checkEntry, checkRunByLastSignature } from '../../../shared/domain/chain.js';
import { CanonicalEncodingError } from '../../../shared/domain/canonical.js';
import { canonicalEntry, parseSignedEntry, type EntryCrypto, type SignedEntry } from '../../../shared/domain/entry.js';
import { toHex } from '../../../shared/domain/hex.js';
import type { HlcClock } from '../../../shared/domain/hlc.js';
import { storageError } from '../errors.js';
import type { IngestReport } from '../replica/replica.js';
import type { SqliteDatabase } from './database.js';
import { createEntryWriter, ID_LOOKUP, trustedStoredEntry } from './rows.js';

export const MAX_PENDING_ENTRIES = 200_000;

/**
 * Takes entries from other devices. Nothing goes into the log unless its hash, signature and chain
 * link check out; a run of one author's consecutive entries is checked by hash links plus the last
 * signature (which covers the run), and entry by entry when that fails. The whole batch is one
 * transaction.
 */
export function createIngester(db: SqliteDatabase, crypto: EntryCrypto, clock: HlcClock, now: () => number) {
  // By (author, seq, id), not by id alone: that index is written at each author's end and stays in
  // cache, where the id index is random. The id is the hash of author and seq among the rest.
  const hasEntry = db.prepare<[string, number, string]>('SELECT 1 FROM entries WHERE author = ? AND seq = ? AND id = ?').pluck();
  const storedIds = db.prepare<[string, number, number], string>('SELECT id FROM entries WHERE author = ? AND seq BETWEEN ? AND ?').pluck();
  const hasId = db.prepare<[{ id: string }]>(`SELECT 1 FROM entries WHERE ${ID_LOOKUP}`).pluck();
  const headSeq = db.prepare('SELECT max(seq) FROM entries WHERE author = ?').pluck();
  const sameSeq = db.prepare('SELECT id FROM entries WHERE author = ? AND seq = ?').pluck();
  const pendingCount = db.prepare('SELECT count(*) FROM pending_entries').pluck();
  const hasPending = db.prepare('SELECT 1 FROM pending_entries WHERE id = ?').pluck();
  const addPending = db.prepare('INSERT OR IGNORE INTO pending_entries (id, author, seq, prev, entry, received_at) VALUES (?, ?, ?, ?, ?, ?)');
  const waitingOn = db.prepare<[string], { id: string; entry: string }>('SELECT id, entry FROM pending_entries WHERE prev = ? ORDER BY id');
  const dropPending = db.prepare('DELETE FROM pending_entries WHERE id = ?');
  const write = createEntryWriter(db);

  const ingestInTransaction = db.transaction((candidates: readonly unknown[]): IngestReport => {
    const report: IngestReport = { added: [], known: 0, pending: [], forks: [], rejected: [], skewed: [] };
    let pendingRows = pendingCount.get() as number;
    const byAuthor = new Map<string, SignedEntry[]>();
    // The body's canonical JSON, by id: computed once for the hash and stored as the row's body.
    const bodyJsonOf = new Map<string, string>();
    for (const candidate of candidates) {
      const parsed = parseCandidate(candidate, report, crypto);
      if (!parsed) continue;
      const { entry, bodyJson } = parsed;
      if (bodyJsonOf.has(entry.id)) continue;
      bodyJsonOf.set(entry.id, bodyJson);
      if (pendingRows > 0 && hasPending.get(entry.id)) {
        report.known++;
        continue;
      }
      let list = byAuthor.get(entry.author);
      if (!list) byAuthor.set(entry.author, (list = []));
      list.push(entry);
    }
    for (const [author, list] of byAuthor) {
      const isStored = storedPredicate(author, list);
      const fresh = list.filter((entry) => !isStored(entry));
      report.known += list.length - fresh.length;
      if (fresh.length > 0) byAuthor.set(author, fresh);
      else byAuthor.delete(author);
    }

    /** Ids parked by this batch and still waiting at its end. */
    const parkedNow = new Set<string>();
    // Highest seq per author in the log, kept up to date within the batch, so a fork whose two
    // sides arrive together (or one via promotion) is still seen.
    const heads = new Map<string, number>();
    const headOf = (author: string): number => {
      let head = heads.get(author);
      if (head === undefined) heads.set(author, (head = (headSeq.get(author) as number | null) ?? 0));
      return head;
    };
    const insertOne = (entry: SignedEntry): void => {
      if (entry.seq <= headOf(entry.author)) {
        const existing = sameSeq.all(entry.author, entry.seq) as string[];
        if (existing.length > 0) report.forks.push({ author: entry.author, seq: entry.seq, id: entry.id });
      }
      const skew = clock.observe(entry.hlc);
      write(entry, now(), skew ? skew.aheadMs : null, bodyJsonOf.get(entry.id));
      if (skew) report.skewed.push({ id: entry.id, aheadMs: skew.aheadMs });
      report.added.push(entry.id);
      heads.set(entry.author, Math.max(headOf(entry.author), entry.seq));
    };
    // Inserts an entry, then every waiting entry whose gap it fills, iteratively: a long waiting
    // chain must not turn into deep recursion (which overflowed the stack at a few thousand entries).
    const insert = (first: SignedEntry): void => {
      insertOne(first);
      const queue: SignedEntry[] = [first];
      while (queue.length > 0 && pendingRows > 0) {
        const entry = queue.pop()!;
        for (const row of waitingOn.all(entry.id)) {
          dropPending.run(row.id);
          pendingRows--;
          parkedNow.delete(row.id);
          const waiting = trustedStoredEntry(JSON.parse(row.entry));
          if (waiting.author === entry.author && waiting.seq === entry.seq + 1) {
            insertOne(waiting);
            queue.push(waiting);
          } else {
            report.rejected.push({ id: waiting.id, reason: 'broken-chain: prev is not the same author\'s previous entry' });
          }
        }
      }
    };
    const park = (entry: SignedEntry): void => {
      if (pendingRows >= MAX_PENDING_ENTRIES) {
        report.rejected.push({ id: entry.id, reason: 'missing-predecessor: too many entries already wait for theirs; send the earlier entries first' });
        return;
      }
      addPending.run(entry.id, entry.author, entry.seq, entry.prev, JSON.stringify(entry), now());
      pendingRows++;
      parkedNow.add(entry.id);
    };

    for (const [author, entries] of byAuthor) {
      entries.sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1));
      for (const run of consecutiveRuns(entries)) {
        // Hashes were checked on parsing; the run needs its links and its last signature.
        const authentic = checkRunByLastSignature(run, crypto, { hashesChecked: true }) ? run.map(() => true) : run.map((e) => rejectIfForged(e, report));
        // Whether the entry before the current one is in the log, still missing, or not a valid predecessor.
        let before = anchorState(run[0]!);
        for (let i = 0; i < run.length; i++) {
          const entry = run[i]!;
          if (!authentic[i]) {
            before = 'missing';
          } else if (before === 'broken') {
            report.rejected.push({ id: entry.id, reason: 'broken-chain: prev is not the same author\'s previous entry' });
          } else if (before === 'present') {
            insert(entry);
          } else {
            park(entry);
          }
        }
      }
    }
    report.pending = [...parkedNow];
    return report;
  });

  /**
   * Tells which entries of `list` (all by `author`) the log already holds: one range query over the
   * author's seqs when the batch is dense there (as sync and bundles send them), one lookup per
   * entry when it is scattered.
   */
  function storedPredicate(author: string, list: readonly SignedEntry[]): (entry: SignedEntry) => boolean {
    let low = Infinity;
    let high = -Infinity;
    for (const entry of list) {
      low = Math.min(low, entry.seq);
      high = Math.max(high, entry.seq);
    }
    if (high - low > 4 * list.length) return (entry) => hasEntry.get(author, entry.seq, entry.id) !== undefined;
    const stored = new Set(storedIds.all(author, low, high));
    return (entry) => stored.has(entry.id);
  }

  function anchorState(first: SignedEntry): 'present' | 'missing' | 'broken' {
    if (first.seq === 1) return 'present';
    if (hasEntry.get(first.author, first.seq - 1, first.prev!)) return 'present';
    return hasId.get({ id: first.prev! }) ? 'broken' : 'missing';
  }

  function rejectIfForged(entry: SignedEntry, report: IngestReport): boolean {
    const problem = checkEntry(entry, crypto);
    if (problem) report.rejected.push({ id: entry.id, reason: problem === 'hash-mismatch' ? 'hash-mismatch: the id is not the hash of the entry' : 'bad-signature: the author did not sign this entry' });
    return problem === null;
  }

  return (candidates: readonly unknown[]): IngestReport => {
    try {
      return ingestInTransaction.immediate(candidates);
    } catch (error) {
      throw storageError(error, 'storing received entries');
    }
  };
}

function parseCandidate(candidate: unknown, report: IngestReport, crypto: EntryCrypto): { entry: SignedEntry; bodyJson: string } | null {
  const parsed = parseSignedEntry(candidate);
  if (!parsed.ok) {
    const claimed = typeof candidate === 'object' && candidate !== null && 'id' in candidate && typeof candidate.id === 'string' ? candidate.id.slice(0, 64) : null;
    report.rejected.push({ id: claimed, reason: `${parsed.part === 'body' ? 'invalid body' : 'malformed'}: ${parsed.problems.join('; ')}` });
    return null;
  }
  const { entry } = parsed;
  let bytes: Uint8Array;
  let bodyJson: string;
  try {
    ({ bytes, bodyJson } = canonicalEntry(entry));
  } catch (error) {
    if (!(error instanceof CanonicalEncodingError)) throw error;
    report.rejected.push({ id: entry.id, reason: `malformed: ${error.message}` });
    return null;
  }
  // Checked before anything is looked up by id: a forged copy must not pass for (or hide) the real entry.
  if (toHex(crypto.sha256(bytes)) !== entry.id) {
    report.rejected.push({ id: entry.id, reason: 'hash-mismatch: the id is not the hash of the entry' });
    return null;
  }
  return { entry, bodyJson };
}

/** Splits one author's entries (sorted by seq) into runs where each links to the one before. */
function consecutiveRuns(entries: readonly SignedEntry[]): SignedEntry[][] {
  const runs: SignedEntry[][] = [];
  let run: SignedEntry[] = [];
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
