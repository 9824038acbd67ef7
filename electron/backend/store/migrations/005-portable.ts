import type { Migration } from './migration.js';

/**
 * Makes the file checkable by the SQLite that ships with the tools people have at hand (Debian 12's
 * `sqlite3` and Python are 3.40; Ubuntu 20.04's is 3.31): the fixed rule is that the schema uses only
 * what SQLite 3.31 understands. Two things did not:
 * - The id lookup index used unhex() (3.41): older SQLite cannot even run `PRAGMA integrity_check`
 *   on the file ("unknown function: unhex()"). It becomes an index on the first 16 hex characters.
 *   Those keys are 16 bytes rather than 8, still a quarter of the full id, and 3.31 evaluates them.
 * - STRICT tables (3.37): SQLite before 3.37 cannot read the schema at all. The three STRICT tables are
 *   rebuilt as ordinary tables whose CHECK constraints refuse exactly what STRICT refused (a value of
 *   the wrong type that the column's affinity cannot convert losslessly).
 * SQLite cannot drop STRICT from a table in place, so each table is rebuilt: the old one is renamed
 * away (its indexes and triggers go with it), the new one created under the old name, the rows copied
 * with their rowids, and the old one dropped. DROP TABLE does not fire DELETE triggers. `entries`
 * keeps every `pos`, so the contentless full-text index (keyed by pos) stays valid untouched. The
 * indexes are built after the copy (sorting once is faster than inserting into them row by row).
 * Like every migration this runs in one transaction with its version bump: a crash or a full disk
 * part-way leaves the file at schema 4, as it was.
 *
 * `pending_entries` gains where each waiting entry came from (`source`: a peer id, `bundle:<file>`,
 * or NULL when not recorded, as for everything that waited before this migration) and its size in
 * bytes, so the waiting room can be capped per author and per source (replica/waiting-room.ts);
 * both caps are read through the two new indexes.
 */
export const migration005: Migration = {
  version: 5,
  name: 'portable schema, waiting room by source',
  up: `
    ALTER TABLE entries RENAME TO entries_v4;
    CREATE TABLE entries (
      pos INTEGER PRIMARY KEY,
      id TEXT NOT NULL CHECK (typeof(id) = 'text'),
      v INTEGER NOT NULL CHECK (typeof(v) = 'integer'),
      author TEXT NOT NULL CHECK (typeof(author) = 'text'),
      seq INTEGER NOT NULL CHECK (typeof(seq) = 'integer' AND seq >= 1),
      prev TEXT CHECK (typeof(prev) IN ('text', 'null')),
      hlc_t INTEGER NOT NULL CHECK (typeof(hlc_t) = 'integer'),
      hlc_c INTEGER NOT NULL CHECK (typeof(hlc_c) = 'integer'),
      incident TEXT NOT NULL CHECK (typeof(incident) = 'text'),
      kind TEXT NOT NULL CHECK (typeof(kind) = 'text'),
      classification TEXT NOT NULL CHECK (typeof(classification) = 'text'),
      body TEXT NOT NULL CHECK (typeof(body) = 'text'),
      sig TEXT NOT NULL CHECK (typeof(sig) = 'text'),
      received_at INTEGER NOT NULL CHECK (typeof(received_at) = 'integer'),
      skew_ms INTEGER CHECK (typeof(skew_ms) IN ('integer', 'null')),
      CHECK ((seq = 1) = (prev IS NULL))
    );
    INSERT INTO entries (pos, id, v, author, seq, prev, hlc_t, hlc_c, incident, kind, classification, body, sig, received_at, skew_ms)
      SELECT pos, id, v, author, seq, prev, hlc_t, hlc_c, incident, kind, classification, body, sig, received_at, skew_ms FROM entries_v4 ORDER BY pos;
    DROP TABLE entries_v4;
    CREATE UNIQUE INDEX entries_author_seq ON entries (author, seq, id);
    CREATE INDEX entries_id_prefix ON entries (substr(id, 1, 16));
    CREATE INDEX entries_incident ON entries (incident);
    CREATE INDEX entries_kind ON entries (kind, incident);
    CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
      BEGIN SELECT RAISE(ABORT, 'log entries are append-only: write a correction instead'); END;
    CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
      BEGIN SELECT RAISE(ABORT, 'log entries are append-only: they are never deleted'); END;

    ALTER TABLE pending_entries RENAME TO pending_entries_v4;
    CREATE TABLE pending_entries (
      id TEXT NOT NULL PRIMARY KEY CHECK (typeof(id) = 'text'),
      author TEXT NOT NULL CHECK (typeof(author) = 'text'),
      seq INTEGER NOT NULL CHECK (typeof(seq) = 'integer'),
      prev TEXT NOT NULL CHECK (typeof(prev) = 'text'),
      entry TEXT NOT NULL CHECK (typeof(entry) = 'text'),
      received_at INTEGER NOT NULL CHECK (typeof(received_at) = 'integer'),
      source TEXT CHECK (typeof(source) IN ('text', 'null')),
      bytes INTEGER NOT NULL CHECK (typeof(bytes) = 'integer' AND bytes >= 0)
    );
    INSERT INTO pending_entries (id, author, seq, prev, entry, received_at, source, bytes)
      SELECT id, author, seq, prev, entry, received_at, NULL, length(CAST(entry AS BLOB)) FROM pending_entries_v4 ORDER BY rowid;
    DROP TABLE pending_entries_v4;
    CREATE INDEX pending_prev ON pending_entries (prev);
    CREATE INDEX pending_author ON pending_entries (author);
    CREATE INDEX pending_source ON pending_entries (source, bytes);

    ALTER TABLE known_peers RENAME TO known_peers_v4;
    CREATE TABLE known_peers (
      address TEXT NOT NULL PRIMARY KEY CHECK (typeof(address) = 'text'),
      peer_id TEXT CHECK (typeof(peer_id) IN ('text', 'null')),
      source TEXT NOT NULL CHECK (source IN ('manual', 'invite', 'discovered')),
      added_at INTEGER NOT NULL CHECK (typeof(added_at) = 'integer'),
      last_connected_at INTEGER CHECK (typeof(last_connected_at) IN ('integer', 'null')),
      last_error TEXT CHECK (typeof(last_error) IN ('text', 'null'))
    );
    INSERT INTO known_peers (address, peer_id, source, added_at, last_connected_at, last_error)
      SELECT address, peer_id, source, added_at, last_connected_at, last_error FROM known_peers_v4 ORDER BY rowid;
    DROP TABLE known_peers_v4;
  `,
};
