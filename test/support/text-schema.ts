import Database from 'better-sqlite3';
import type { SqliteDatabase } from '../../electron/backend/store/database.js';
import { migrate } from '../../electron/backend/store/migrations/index.js';
import { rowToEntry, searchTextOf, type EntryRow } from '../../electron/backend/store/rows.js';

/**
 * Logs at a schema before migration 8, when ids, keys and signatures were hex text, for tests and
 * benches of later migrations. Today's writers speak only today's schema, so a log is written with
 * them into a scratch database at today's schema, then its rows are copied into the older file as
 * that schema stored them: same positions, same values, hex text.
 */

/**
 * One entry row as text, whatever the schema `db` is at: what a byte column holds (migration 8)
 * shown as the hex it was before, and the author's key for its number.
 */
export function entryRowAsText(db: SqliteDatabase): string {
  const numbered = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'authors'").get() !== undefined;
  return ENTRY_ROW_COLUMNS.map((c) => {
    if (c === 'author' && numbered) return '(SELECT lower(hex(key)) FROM authors WHERE no = entries.author_no) AS author';
    return ['id', 'author', 'prev', 'incident', 'sig'].includes(c) ? `CASE typeof(${c}) WHEN 'blob' THEN lower(hex(${c})) ELSE ${c} END AS ${c}` : c;
  }).join(', ');
}

const ENTRY_ROW_COLUMNS = ['pos', 'id', 'v', 'author', 'seq', 'prev', 'hlc_t', 'hlc_c', 'incident', 'kind', 'classification', 'body', 'sig', 'received_at', 'skew_ms'];

/** A scratch database at today's schema, in memory, for today's writers to fill before copyEntriesAsText. */
export function scratchLog(): SqliteDatabase {
  const db = new Database(':memory:');
  migrate(db);
  return db;
}

/**
 * Copies every entry of `source` (today's schema) into `target` (schema 4 to 7, where those columns
 * are text), and indexes each entry's text at once, as the writers of schema 4 did, and its id when
 * `target` has the id index (schema 6 and 7). In one transaction.
 */
export function copyEntriesAsText(source: SqliteDatabase, target: SqliteDatabase): number {
  const rows = source.prepare<[], Record<string, unknown>>(`SELECT ${entryRowAsText(source)} FROM entries ORDER BY pos`).safeIntegers(true).all();
  const columns = ENTRY_ROW_COLUMNS;
  const insert = target.prepare(`INSERT INTO entries (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  const insertText = target.prepare('INSERT INTO entry_text (rowid, text) VALUES (?, ?)');
  const hasIds = target.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'entry_ids'").get() !== undefined;
  const insertId = hasIds ? target.prepare('INSERT INTO entry_ids (rowid, id) VALUES (?, substr(?, 1, 16))') : null;
  target.transaction(() => {
    for (const row of rows) {
      insert.run(row);
      const entry = rowToEntry({ ...row, v: Number(row.v), seq: Number(row.seq), hlc_t: Number(row.hlc_t), hlc_c: Number(row.hlc_c) } as unknown as EntryRow);
      insertText.run(row.pos, searchTextOf(entry));
      insertId?.run(row.pos, row.id);
    }
  })();
  return rows.length;
}
