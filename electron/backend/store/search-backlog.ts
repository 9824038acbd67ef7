import type { SqliteDatabase } from './database.js';
import { ENTRY_COLUMNS, rowToEntry, searchTextOf, type EntryRow } from './rows.js';

/**
 * Most entries one pass indexes in one transaction. Larger passes write less (FTS5 writes one
 * segment per pass and merges fewer of them later) but hold the write lock, and the backend's
 * thread, longer: 20,000 entries take about half a second on a slow laptop.
 */
export const INDEX_PASS_ENTRIES = 20_000;

type BacklogRow = EntryRow & { pos_text: string };

/**
 * Puts entries that wait in the two backlogs into their full-text indexes:
 * - `search_backlog` (migration 6): this device's appends, neither text nor id indexed yet;
 * - `text_backlog` (migration 7): received entries, whose ids went in with their batch.
 * Each pass is one IMMEDIATE transaction that indexes the oldest waiting positions and removes
 * exactly those, so an append or a sync batch that commits meanwhile waits for the next pass.
 */
export function createSearchBacklog(db: SqliteDatabase) {
  const anyWaiting = db.prepare('SELECT EXISTS (SELECT 1 FROM search_backlog) OR EXISTS (SELECT 1 FROM text_backlog)').pluck();
  const size = db.prepare('SELECT (SELECT count(*) FROM search_backlog) + (SELECT count(*) FROM text_backlog)').pluck();
  // pos is 63 bits: it travels as text and is bound back as a BigInt.
  const appended = db.prepare<[number], BacklogRow>(
    `SELECT CAST(b.pos AS TEXT) AS pos_text, ${ENTRY_COLUMNS} FROM search_backlog b JOIN entries e ON e.pos = b.pos ORDER BY b.pos LIMIT ?`,
  );
  const received = db.prepare<[number], BacklogRow>(
    `SELECT CAST(b.pos AS TEXT) AS pos_text, ${ENTRY_COLUMNS} FROM text_backlog b JOIN entries e ON e.pos = b.pos ORDER BY b.pos LIMIT ?`,
  );
  const insertText = db.prepare('INSERT INTO entry_text (rowid, text) VALUES (?, ?)');
  const insertId = db.prepare('INSERT INTO entry_ids (rowid, id) VALUES (?, substr(?, 1, 16))');
  const clearAppended = db.prepare('DELETE FROM search_backlog WHERE pos <= ?');
  const clearReceived = db.prepare('DELETE FROM text_backlog WHERE pos <= ?');

  const pass = db.transaction((limit: number): number => {
    const own = appended.all(limit);
    for (const row of own) {
      const pos = BigInt(row.pos_text);
      insertText.run(pos, searchTextOf(rowToEntry(row)));
      insertId.run(pos, row.id);
    }
    if (own.length > 0) clearAppended.run(BigInt(own[own.length - 1]!.pos_text));
    const others = own.length < limit ? received.all(limit - own.length) : [];
    for (const row of others) insertText.run(BigInt(row.pos_text), searchTextOf(rowToEntry(row)));
    if (others.length > 0) clearReceived.run(BigInt(others[others.length - 1]!.pos_text));
    return own.length + others.length;
  });

  /** One pass over at most `limit` waiting entries; how many it indexed (0 without taking the write lock when none wait). */
  const indexSome = (limit = INDEX_PASS_ENTRIES): number => (anyWaiting.get() ? pass.immediate(limit) : 0);

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
