import type { AnyEntry } from '../../../shared/domain/entry.js';
import type { SqliteDatabase } from './database.js';
import { ENTRY_COLUMNS, rowToEntry, type EntryRow } from './rows.js';

/**
 * Entries whose id starts with @prefix. The range is on the id-prefix index's own expression,
 * which covers 16 characters; a longer prefix is then compared whole.
 */
export const ENTRIES_BY_PREFIX = `SELECT ${ENTRY_COLUMNS} FROM entries
  WHERE substr(id, 1, 16) >= @low AND substr(id, 1, 16) < @high AND substr(id, 1, @length) = @prefix
  ORDER BY substr(id, 1, 16), id LIMIT @limit`;

/** The distinct values of an indexed column in [@low, @high): a loose index scan, one probe per value however many entries each has. */
export function distinctInRange(column: 'incident' | 'author'): string {
  return `WITH RECURSIVE found(value) AS (
      SELECT min(${column}) FROM entries WHERE ${column} >= @low AND ${column} < @high
      UNION ALL SELECT (SELECT min(${column}) FROM entries WHERE ${column} > found.value AND ${column} < @high) FROM found WHERE found.value IS NOT NULL
    ) SELECT value FROM found WHERE value IS NOT NULL LIMIT @limit`;
}

/**
 * Finds ids by a start people typed (lowercase hex). Ids are lowercase hex, so everything that
 * starts with a prefix sorts between the prefix and the prefix followed by 'g': each lookup is a
 * range on an index, reading only what matches, at most `limit` of it.
 */
export function createPrefixQueries(db: SqliteDatabase) {
  const entries = db.prepare<[{ low: string; high: string; prefix: string; length: number; limit: number }], EntryRow>(ENTRIES_BY_PREFIX);
  const incidents = db.prepare<[{ low: string; high: string; limit: number }], string>(distinctInRange('incident')).pluck();
  const authors = db.prepare<[{ low: string; high: string; limit: number }], string>(distinctInRange('author')).pluck();
  const range = (prefix: string) => ({ low: prefix, high: `${prefix}g` });
  return {
    /** Entries whose id starts with `prefix`, at most `limit`, in id order. */
    entriesByIdPrefix(prefix: string, limit: number): AnyEntry[] {
      return entries.all({ ...range(prefix.slice(0, 16)), prefix, length: prefix.length, limit }).map(rowToEntry);
    },
    /** Incident ids (of any entry) that start with `prefix`, at most `limit`, sorted. */
    incidentIdsByPrefix(prefix: string, limit: number): string[] {
      return incidents.all({ ...range(prefix), limit });
    },
    /** Author keys that start with `prefix`, at most `limit`, sorted. */
    authorsByPrefix(prefix: string, limit: number): string[] {
      return authors.all({ ...range(prefix), limit });
    },
  };
}
