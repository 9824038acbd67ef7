import { BULK_CHECKPOINT_BYTES, checkpointThresholds, PASS_CHECKPOINT_BYTES, type BulkThreshold, type SqliteDatabase } from './database.js';
import { ABOVE_SEARCH_MARKS, storedSearchText } from './rows.js';

/** The id index's one term for an entry: its id's first 16 hex characters (rows.ts, ID_LOOKUP). */
const ID_TERM = 'substr(lower(hex(id)), 1, 16)';

/**
 * Most entries one pass indexes in one transaction. Larger passes write less (FTS5 writes one
 * segment per pass and merges fewer of them later) but hold the write lock, and the backend's
 * thread, longer: 20,000 entries take about half a second on a slow laptop.
 */
export const INDEX_PASS_ENTRIES = 20_000;

/** A pass of at most this many entries is background work after appends, not the indexing of a sync. */
export const SMALL_PASS_ENTRIES = 1000;

/** What a pass reads of a waiting entry: where it is, the id term appended entries still need, and what its text is made of. */
interface BacklogRow {
  pos_text: string;
  id_term: string;
  kind: string;
  body: string;
}

/** Told of each pass: `before` in its transaction, before it writes; `after` once it has committed, with the texts it indexed. */
export interface PassWatcher<Snapshot> {
  before(): Snapshot;
  after(snapshot: Snapshot, texts: readonly string[]): void;
}

/**
 * Puts entries that wait in the two backlogs into their full-text indexes:
 * - this device's appends above its search mark (migration 9), neither text nor id indexed yet, and
 *   those in `search_backlog` (migration 6), where appends waited before;
 * - `text_backlog` (migration 7): received entries, whose ids went in with their batch.
 * Each pass is one IMMEDIATE transaction that indexes the oldest waiting positions and removes
 * exactly those, so an append or a sync batch that commits meanwhile waits for the next pass.
 */
export function createSearchBacklog<Snapshot>(db: SqliteDatabase, watcher?: PassWatcher<Snapshot>) {
  const anyWaiting = db.prepare(`SELECT EXISTS (SELECT 1 FROM search_backlog) OR EXISTS (SELECT 1 FROM text_backlog) OR EXISTS (${ABOVE_SEARCH_MARKS})`).pluck();
  const size = db.prepare(`SELECT (SELECT count(*) FROM search_backlog) + (SELECT count(*) FROM text_backlog) + (SELECT count(*) FROM (${ABOVE_SEARCH_MARKS}))`).pluck();
  const marks = db.prepare<[], { author_no: number; seq: number }>('SELECT author_no, seq FROM search_marks');
  // Whole seqs up to a bound, so a fork's two entries at one seq are never split between passes.
  const aboveMark = db.prepare<[number, number, number], BacklogRow & { seq: number }>(
    `SELECT CAST(pos AS TEXT) AS pos_text, ${ID_TERM} AS id_term, seq, kind, body FROM entries WHERE author_no = ? AND seq > ? AND seq <= ? ORDER BY seq, entries.id`,
  );
  const moveMark = db.prepare('UPDATE search_marks SET seq = ? WHERE author_no = ?');
  // pos is 63 bits: it travels as text and is bound back as a BigInt.
  const appended = db.prepare<[number], BacklogRow>(
    `SELECT CAST(b.pos AS TEXT) AS pos_text, ${ID_TERM} AS id_term, kind, body FROM search_backlog b JOIN entries e ON e.pos = b.pos ORDER BY b.pos LIMIT ?`,
  );
  const received = db.prepare<[number], Omit<BacklogRow, 'id_term'>>(
    `SELECT CAST(b.pos AS TEXT) AS pos_text, kind, body FROM text_backlog b JOIN entries e ON e.pos = b.pos ORDER BY b.pos LIMIT ?`,
  );
  const insertText = db.prepare('INSERT INTO entry_text (rowid, text) VALUES (?, ?)');
  const insertId = db.prepare('INSERT INTO entry_ids (rowid, id) VALUES (?, ?)');
  const clearAppended = db.prepare('DELETE FROM search_backlog WHERE pos <= ?');
  const clearReceived = db.prepare('DELETE FROM text_backlog WHERE pos <= ?');

  /** Appended entries: neither their text nor their id is in the indexes yet. */
  const indexTextAndId = (rows: readonly BacklogRow[], texts: string[]): void => {
    for (const row of rows) {
      const pos = BigInt(row.pos_text);
      const text = storedSearchText(row.kind, row.body);
      insertText.run(pos, text);
      insertId.run(pos, row.id_term);
      texts.push(text);
    }
  };

  // A small pass (what appends left) checkpoints before an append would; a large one (after a sync)
  // at the bulk threshold, as the ingest before it (store/database.ts).
  const withThreshold = checkpointThresholds(db);
  const pass = db.transaction((limit: number, texts: string[], seen: { snapshot?: Snapshot }, raise: (pages: BulkThreshold) => void): number => {
    if (watcher) seen.snapshot = watcher.before();
    let marked = 0;
    for (const mark of marks.all()) {
      if (marked >= limit) break;
      const rows = aboveMark.all(mark.author_no, mark.seq, mark.seq + (limit - marked));
      indexTextAndId(rows, texts);
      if (rows.length > 0) moveMark.run(rows[rows.length - 1]!.seq, mark.author_no);
      marked += rows.length;
    }
    limit -= Math.min(limit, marked);
    const own = limit > 0 ? appended.all(limit) : [];
    indexTextAndId(own, texts);
    if (own.length > 0) clearAppended.run(BigInt(own[own.length - 1]!.pos_text));
    const others = own.length < limit ? received.all(limit - own.length) : [];
    for (const row of others) {
      const text = storedSearchText(row.kind, row.body);
      insertText.run(BigInt(row.pos_text), text);
      texts.push(text);
    }
    if (others.length > 0) clearReceived.run(BigInt(others[others.length - 1]!.pos_text));
    const indexed = marked + own.length + others.length;
    // Set before this transaction commits, so that commit uses it.
    raise(indexed <= SMALL_PASS_ENTRIES ? PASS_CHECKPOINT_BYTES : BULK_CHECKPOINT_BYTES);
    return indexed;
  });

  /** One pass over at most `limit` waiting entries; how many it indexed (0 without taking the write lock when none wait). */
  const indexSome = (limit = INDEX_PASS_ENTRIES): number => {
    if (!anyWaiting.get()) return 0;
    const texts: string[] = [];
    const seen: { snapshot?: Snapshot } = {};
    const indexed = withThreshold((raise) => pass.immediate(limit, texts, seen, raise));
    if (watcher) watcher.after(seen.snapshot as Snapshot, texts);
    return indexed;
  };

  return {
    /** Entries whose text is not in the index yet. */
    size: () => size.get() as number,
    indexSome,
    /** Indexes everything waiting, pass after pass; returns how many entries it indexed. */
    index(): number {
      let total = 0;
      for (;;) {
        const indexed = indexSome();
        total += indexed;
        if (indexed < INDEX_PASS_ENTRIES) return total;
      }
    },
  };
}

export type SearchBacklog = ReturnType<typeof createSearchBacklog>;
