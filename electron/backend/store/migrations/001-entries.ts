import type { Migration } from './migration.js';

/**
 * The log itself. `pos` is a sort key derived from the entry's HLC (see positions.ts), so "newest
 * first" and time ranges are index range scans, and full-text hits come back already in order.
 * Rows can never be changed or removed; corrections are new entries.
 *
 * The indexes are chosen for write cost, because every index is pages rewritten on each commit:
 * - (author, seq, id) is UNIQUE: an id is the hash of its author and seq among the rest, so this
 *   also makes ids unique, while a fork (same author and seq, another id) can still be kept. Inserts
 *   land at the end of each author's range, so a batch touches few pages.
 * - Lookups by id go through the first 8 bytes of the hash. Ids are random, so this index takes
 *   writes all over it; 8-byte keys keep it a quarter of the size of an index on the full hex id.
 *   It is not unique (a 64-bit prefix collision can be made on purpose): lookups compare the full id.
 * - (incident) and (kind, incident) end in the rowid, which is `pos`: one incident's entries, or one
 *   kind's within one incident, come back in time order, so "newest 50" stops early.
 * Chain continuity (prev is the author's previous entry) is checked by the code that inserts and by
 * verify; a foreign key would cost a lookup per insert for a rule the inserting code already enforces.
 */
export const migration001: Migration = {
  version: 1,
  name: 'entries',
  up: `
    CREATE TABLE entries (
      pos INTEGER PRIMARY KEY,
      id TEXT NOT NULL,
      v INTEGER NOT NULL,
      author TEXT NOT NULL,
      seq INTEGER NOT NULL CHECK (seq >= 1),
      prev TEXT,
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
    CREATE UNIQUE INDEX entries_author_seq ON entries (author, seq, id);
    CREATE INDEX entries_id ON entries (unhex(substr(id, 1, 16)));
    CREATE INDEX entries_incident ON entries (incident);
    CREATE INDEX entries_kind ON entries (kind, incident);
    CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
      BEGIN SELECT RAISE(ABORT, 'log entries are append-only: write a correction instead'); END;
    CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
      BEGIN SELECT RAISE(ABORT, 'log entries are append-only: they are never deleted'); END;
  `,
};
