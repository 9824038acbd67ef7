import type { AnyEntry, EntryCrypto } from '../../../shared/domain/entry.js';
import type { HlcClock } from '../../../shared/domain/hlc.js';
import { storageError } from '../errors.js';
import { authenticRun, checkCandidates, isCheckedBatch, keepSignedCopies, signatureVerdicts, type CheckedBatch, type CheckedEntryItem } from '../replica/checked-batch.js';
import { consecutiveRuns, REJECTED } from '../replica/checks.js';
import type { IngestOptions, IngestReport } from '../replica/replica.js';
import { createWaitingRoomGate, ingestSource, WAITING_ROOM_FULL, waitingForm, type WaitingRoomCaps } from '../replica/waiting-room.js';
import { BULK_CHECKPOINT_BYTES, checkpointThresholds, type SqliteDatabase } from './database.js';
import { AUTHOR_NO, createEntryWriter, ID_LOOKUP, idParams, trustedStoredEntry, type IdParams } from './rows.js';

/**
 * Takes entries from other devices. Nothing goes into the log unless its hash, signature and chain
 * link check out; a run of one author's consecutive entries is checked by hash links plus the last
 * signature (which covers the run), and entry by entry when that fails. The whole batch is one
 * transaction.
 */
export function createIngester(db: SqliteDatabase, crypto: EntryCrypto, clock: HlcClock, now: () => number, caps: WaitingRoomCaps) {
  // By (author, seq, id), not by id alone: that index is written at each author's end and stays in
  // cache, where the id index is random. The id is the hash of author and seq among the rest.
  const hasEntry = db.prepare<[string, number, string]>(`SELECT 1 FROM entries WHERE author_no = ${AUTHOR_NO} AND seq = ? AND id = unhex(?)`).pluck();
  const storedIds = db.prepare<[string, number, number], string>(`SELECT lower(hex(id)) FROM entries WHERE author_no = ${AUTHOR_NO} AND seq BETWEEN ? AND ?`).pluck();
  const hasId = db.prepare<[IdParams]>(`SELECT 1 FROM entries WHERE ${ID_LOOKUP}`).pluck();
  const headSeq = db.prepare(`SELECT max(seq) FROM entries WHERE author_no = ${AUTHOR_NO}`).pluck();
  const sameSeq = db.prepare(`SELECT lower(hex(id)) FROM entries WHERE author_no = ${AUTHOR_NO} AND seq = ?`).pluck();
  const pendingCount = db.prepare('SELECT count(*) FROM pending_entries').pluck();
  const hasPending = db.prepare('SELECT 1 FROM pending_entries WHERE id = ?').pluck();
  const addPending = db.prepare('INSERT OR IGNORE INTO pending_entries (id, author, seq, prev, entry, received_at, source, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const waitingOn = db.prepare<[string], { id: string; entry: string; source: string | null; bytes: number }>('SELECT id, entry, source, bytes FROM pending_entries WHERE prev = ? ORDER BY id');
  const pendingOfAuthor = db.prepare<[string]>('SELECT count(*) FROM pending_entries WHERE author = ?').pluck();
  const pendingOfSource = db.prepare<[string | null], { entries: number; bytes: number }>('SELECT count(*) AS entries, coalesce(sum(bytes), 0) AS bytes FROM pending_entries WHERE source IS ?');
  const dropPending = db.prepare('DELETE FROM pending_entries WHERE id = ?');
  // Its text goes into the search index with the backlog's next pass, many batches at once (migration 007).
  const write = createEntryWriter(db, { later: 'text' });
  // An entry of an author with a search mark (this device's key, arriving from a device that holds
  // it too) above that mark is indexed when the pass moves the mark, as an append is (migration 9).
  const writeAboveMark = createEntryWriter(db, { later: 'text-and-id' });
  const searchMark = db.prepare<[string], number>(`SELECT seq FROM search_marks WHERE author_no = ${AUTHOR_NO}`).pluck();
  const withThreshold = checkpointThresholds(db);

  const ingestInTransaction = db.transaction((checked: CheckedBatch, source: string | null): IngestReport => {
    const report: IngestReport = { added: [], known: 0, pending: [], forks: [], rejected: [], skewed: [], waitingRoomFull: [] };
    let pendingRows = pendingCount.get() as number;
    const gate = createWaitingRoomGate(caps, source, {
      entries: () => pendingCount.get() as number,
      ofAuthor: (author) => pendingOfAuthor.get(author) as number,
      ofSource: (from) => pendingOfSource.get(from)!,
    });
    const byAuthor = new Map<string, AnyEntry[]>();
    // The first copy of each id, with its body's canonical JSON (computed once for the hash and
    // stored as the row's body).
    const firstCopy = new Map<string, CheckedEntryItem>();
    /** Later copies of an id with another signature than its first; undefined while there are none. */
    let otherCopies: CheckedEntryItem[] | undefined;
    const verdicts = signatureVerdicts(checked);
    for (const item of checked.items) {
      if ('rejected' in item) {
        report.rejected.push(item.rejected);
        continue;
      }
      const { entry } = item;
      const first = firstCopy.get(entry.id);
      if (first) {
        if (first.entry.sig !== entry.sig) (otherCopies ??= []).push(item);
        continue;
      }
      firstCopy.set(entry.id, item);
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
    if (otherCopies) keepSignedCopies(byAuthor, firstCopy, otherCopies, verdicts, crypto);

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
    // Read once per author and batch: only the search index's pass moves a mark, never during an ingest.
    const marks = new Map<string, number | undefined>();
    const markOf = (author: string): number | undefined => {
      if (!marks.has(author)) marks.set(author, searchMark.get(author));
      return marks.get(author);
    };
    const insertOne = (entry: AnyEntry): void => {
      if (entry.seq <= headOf(entry.author)) {
        const existing = sameSeq.all(entry.author, entry.seq) as string[];
        if (existing.length > 0) report.forks.push({ author: entry.author, seq: entry.seq, id: entry.id });
      }
      const skew = clock.observe(entry.hlc);
      const mark = markOf(entry.author);
      (mark !== undefined && entry.seq > mark ? writeAboveMark : write)(entry, now(), skew ? skew.aheadMs : null, firstCopy.get(entry.id)?.bodyJson);
      if (skew) report.skewed.push({ id: entry.id, aheadMs: skew.aheadMs });
      report.added.push(entry.id);
      heads.set(entry.author, Math.max(headOf(entry.author), entry.seq));
    };
    // Inserts an entry, then every waiting entry whose gap it fills, iteratively: a long waiting
    // chain must not turn into deep recursion (which overflowed the stack at a few thousand entries).
    const insert = (first: AnyEntry): void => {
      insertOne(first);
      const queue: AnyEntry[] = [first];
      while (queue.length > 0 && pendingRows > 0) {
        const entry = queue.pop()!;
        for (const row of waitingOn.all(entry.id)) {
          const waiting = trustedStoredEntry(JSON.parse(row.entry));
          gate.leave(waiting.author, row.source, row.bytes);
          dropPending.run(row.id);
          pendingRows--;
          parkedNow.delete(row.id);
          if (waiting.author === entry.author && waiting.seq === entry.seq + 1) {
            insertOne(waiting);
            queue.push(waiting);
          } else {
            report.rejected.push({ id: waiting.id, reason: REJECTED.brokenChain });
          }
        }
      }
    };
    const park = (entry: AnyEntry): void => {
      const { json, bytes } = waitingForm(entry);
      const full = gate.admit(entry.author, bytes);
      if (full) {
        report.rejected.push({ id: entry.id, reason: WAITING_ROOM_FULL[full] });
        report.waitingRoomFull.push({ id: entry.id, author: entry.author, cap: full });
        return;
      }
      addPending.run(entry.id, entry.author, entry.seq, entry.prev, json, now(), source, bytes);
      pendingRows++;
      parkedNow.add(entry.id);
    };

    for (const [author, entries] of byAuthor) {
      entries.sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1));
      for (const run of consecutiveRuns(entries)) {
        // Hashes were checked on parsing; the run needs its links and its last signature.
        const authentic = authenticRun(run, report, crypto, verdicts);
        // Whether the entry before the current one is in the log, still missing, or not a valid predecessor.
        let before = anchorState(run[0]!);
        for (let i = 0; i < run.length; i++) {
          const entry = run[i]!;
          if (!authentic[i]) {
            before = 'missing';
          } else if (before === 'broken') {
            report.rejected.push({ id: entry.id, reason: REJECTED.brokenChain });
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
  function storedPredicate(author: string, list: readonly AnyEntry[]): (entry: AnyEntry) => boolean {
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

  function anchorState(first: AnyEntry): 'present' | 'missing' | 'broken' {
    if (first.seq === 1) return 'present';
    if (hasEntry.get(first.author, first.seq - 1, first.prev!)) return 'present';
    return hasId.get(idParams(first.prev!)) ? 'broken' : 'missing';
  }

  const ingestChecked = (checked: CheckedBatch, options?: IngestOptions): IngestReport => {
    if (!isCheckedBatch(checked)) throw new Error('ingest takes checked entries only from the entry checks (replica/checked-batch.ts)');
    const source = ingestSource(options);
    try {
      // Received batches checkpoint rarely: fewer rewrites of the pages the next batches touch again.
      return withThreshold((raise) => {
        raise(BULK_CHECKPOINT_BYTES);
        return ingestInTransaction.immediate(checked, source);
      });
    } catch (error) {
      throw storageError(error, 'storing received entries');
    }
  };
  const ingest = (candidates: readonly unknown[], options?: IngestOptions): IngestReport => {
    ingestSource(options); // refused before any work, as it always was
    return ingestChecked(checkCandidates(candidates, crypto, { signatures: false }), options);
  };
  // The second half alone, for entries already checked on another thread (store/ingest-pipeline.ts).
  return Object.assign(ingest, { checked: ingestChecked });
}
