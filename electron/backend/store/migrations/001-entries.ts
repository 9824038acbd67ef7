import type { Migration } from './index.js';

/**
 * The log itself. `pos` is a sort key derived from the entry's HLC (see positions.ts), so "newest
 * first" and time ranges are index range scans, and full-text hits come back already in order.
 * `prev` references the author's previous entry: SQLite itself refuses an entry whose predecessor
 * is missing. Rows can never be changed or removed; corrections are new entries.
 */
export const migration001: Migration = {
  version: 1,
  name: 'entries',
  up: `
    CREATE TABLE entries (
      pos INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      v INTEGER NOT NULL,
      author TEXT NOT NULL,
      seq INTEGER NOT NULL CHECK (seq >= 1),
      prev TEXT REFERENCES entries (id),
      hlc_t INTEGER NOT NULL,
      hlc_c INTEGER NOT NULL,
      incident TEXT NOT NULL,
      kind TEXT NOT NULL,
      classification TEXT NOT NULL,
      body TEXT NOT NULL,
      sig TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      skew_ms INTEGER,
      CHECK ((seq = 1) = (prev IS NULL))
    ) STRICT;
    CREATE INDEX entries_author_seq ON entries (author, seq);
    CREATE INDEX entries_incident ON entries (incident);
    CREATE INDEX entries_kind ON entries (kind, incident);
    CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
      BEGIN SELECT RAISE(ABORT, 'log entries are append-only: write a correction instead'); END;
    CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
      BEGIN SELECT RAISE(ABORT, 'log entries are append-only: they are never deleted'); END;
  `,
};
