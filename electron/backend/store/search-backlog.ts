import type { SqliteDatabase } from './database.js';
import { ENTRY_COLUMNS, rowToEntry, searchTextOf, type EntryRow } from './rows.js';

/**
 * Puts the text and id of appended entries into their full-text indexes in one go (migration 006 says why
 * appends leave it for later). One IMMEDIATE transaction reads the backlog, adds every entry's text
 * and empties it, so no append slips in between; the backlog then holds nothing the index lacks.
 */
export function createSearchBacklog(db: SqliteDatabase) {
  const waiting = db.prepare('SELECT 1 FROM search_backlog LIMIT 1').pluck();
  const size = db.prepare('SELECT count(*) FROM search_backlog').pluck();
  // pos is 63 bits: it travels as text and is bound back as a BigInt.
  const rows = db.prepare<[], EntryRow & { pos_text: string }>(
    `SELECT CAST(b.pos AS TEXT) AS pos_text, ${ENTRY_COLUMNS} FROM search_backlog b JOIN entries e ON e.pos = b.pos ORDER BY b.pos`,
  );
  const insertText = db.prepare('INSERT INTO entry_text (rowid, text) VALUES (?, ?)');
  const insertId = db.prepare('INSERT INTO entry_ids (rowid, id) VALUES (?, substr(?, 1, 16))');
  const clear = db.prepare('DELETE FROM search_backlog');
  const index = db.transaction((): number => {
    let indexed = 0;
    for (const row of rows.all()) {
      const pos = BigInt(row.pos_text);
      insertText.run(pos, searchTextOf(rowToEntry(row)));
      insertId.run(pos, row.id);
      indexed++;
    }
    clear.run();
    return indexed;
  });
  return {
    /** Entries whose text is not in the index yet. */
    size: () => size.get() as number,
    /** Indexes the backlog's text, if there is any; returns how many entries it indexed. */
    index: (): number => (waiting.get() === undefined ? 0 : index.immediate()),
  };
}
