import type { AnyEntry } from '../../../shared/domain/entry.js';
import type { SqliteDatabase } from './database.js';
import { ABOVE_SEARCH_MARKS, ENTRY_COLUMNS, idTerm, rowToEntry, type EntryRow } from './rows.js';

/** The distinct values of an indexed byte column in [@low, @high], as hex: a loose index scan, one probe per value however many entries each has. */
export function distinctInRange(column: 'incident'): string {
  return `WITH RECURSIVE found(value) AS (
      SELECT min(${column}) FROM entries WHERE ${column} >= @low AND ${column} <= @high
      UNION ALL SELECT (SELECT min(${column}) FROM entries WHERE ${column} > found.value AND ${column} <= @high) FROM found WHERE found.value IS NOT NULL
    ) SELECT lower(hex(value)) FROM found WHERE value IS NOT NULL LIMIT @limit`;
}

/** Numbered authors' keys in [@low, @high], as hex (migration 8 keeps each key once, in `authors`). */
export const AUTHORS_IN_RANGE = 'SELECT lower(hex(key)) FROM authors WHERE key BETWEEN @low AND @high ORDER BY key LIMIT @limit';

/**
 * The byte range of every stored value (of `bytes` bytes) whose hex starts with `prefix`: the
 * prefix filled up with 0s, and with fs. Both have the stored width, so the range holds exactly
 * those values whatever the prefix's length, odd or even. Null when the prefix is not lowercase hex.
 */
function byteRange(prefix: string, bytes: number): { low: Buffer; high: Buffer } | null {
  if (!/^[0-9a-f]*$/.test(prefix) || prefix.length > bytes * 2) return null;
  return { low: Buffer.from(prefix.padEnd(bytes * 2, '0'), 'hex'), high: Buffer.from(prefix.padEnd(bytes * 2, 'f'), 'hex') };
}

/**
 * Finds ids by a start people typed (lowercase hex). Each lookup is a range on an index, reading
 * only what matches, at most `limit` of it. Entry ids are found in the id index's vocabulary (its
 * terms are the ids' first 16 hex characters, in order: everything that starts with a prefix sorts
 * between the prefix and the prefix followed by 'g'), then each term's entries; appended entries
 * not in that index yet (above the search marks, or in the old backlog) are read apart. Incident
 * ids and author keys are stored as bytes (migration 8), so their range is in bytes (byteRange).
 */
export function createPrefixQueries(db: SqliteDatabase) {
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.entry_id_terms USING fts5vocab (main, entry_ids, row)');
  const idTerms = db.prepare<[{ low: string; high: string; limit: number }], string>('SELECT term FROM temp.entry_id_terms WHERE term >= @low AND term < @high LIMIT @limit').pluck();
  const withTerm = db.prepare<[string], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE pos IN (SELECT rowid FROM entry_ids WHERE entry_ids MATCH ?)`);
  const inBacklog = db.prepare<[{ prefix: string; length: number }], EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM entries WHERE pos IN (SELECT pos FROM search_backlog UNION ALL ${ABOVE_SEARCH_MARKS}) AND substr(lower(hex(entries.id)), 1, @length) = @prefix`,
  );
  const incidents = db.prepare<[{ low: Buffer; high: Buffer; limit: number }], string>(distinctInRange('incident')).pluck();
  const authors = db.prepare<[{ low: Buffer; high: Buffer; limit: number }], string>(AUTHORS_IN_RANGE).pluck();
  const range = (prefix: string) => ({ low: prefix, high: `${prefix}g` });
  return {
    /** Entries whose id starts with `prefix`, at most `limit`, in id order. */
    entriesByIdPrefix(prefix: string, limit: number): AnyEntry[] {
      const rows = idTerms.all({ ...range(prefix.slice(0, 16)), limit }).flatMap((term) => withTerm.all(idTerm(term)));
      const found = [...rows, ...inBacklog.all({ prefix, length: prefix.length })].filter((row) => row.id.startsWith(prefix));
      return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, limit).map(rowToEntry);
    },
    /** Incident ids (of any entry) that start with `prefix`, at most `limit`, sorted. */
    incidentIdsByPrefix(prefix: string, limit: number): string[] {
      const bounds = byteRange(prefix, 16);
      return bounds ? incidents.all({ ...bounds, limit }) : [];
    },
    /** Author keys that start with `prefix`, at most `limit`, sorted. */
    authorsByPrefix(prefix: string, limit: number): string[] {
      const bounds = byteRange(prefix, 32);
      return bounds ? authors.all({ ...bounds, limit }) : [];
    },
  };
}
