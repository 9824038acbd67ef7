import type { Migration } from './migration.js';

/**
 * Less written per entry (bench log prints where the bytes go, part by part): ids, author keys,
 * incident ids and signatures are stored as the bytes they stand for, not as hex text.
 *
 * In a row of about 650 bytes, 384 were hex: id, author and prev (64 characters each), incident (32)
 * and signature (128). As bytes they are half that. The chain index (author, seq, id) carries two of
 * them per entry, and the incident and kind indexes one. Every page is written twice in WAL mode (to
 * the WAL, then by the checkpoint), so each byte saved in a row or key saves two written. Measured
 * on 100k received entries, table and indexes alone: 2,503 bytes written per entry as text, 1,734
 * as bytes.
 *
 * Authors are numbered: `authors` holds each author's key once, and an entry names its author by
 * that number (`author_no`, a byte or two), in its row and in the chain index, where the key took 32
 * bytes in each. Numbers are local to this file: everything that leaves it (entries, heads, ids
 * typed back) carries the key. The writer looks the number up in the same INSERT, and adds the
 * author first only when that finds none (store/rows.ts); triggers refuse changing or removing an
 * author, so no entry's number can come to mean another key. Measured the same way: 1,734 bytes
 * per entry with keys in the rows, 1,549 with numbers.
 *
 * The kind index becomes (kind, pos, incident). Keyed (kind, incident), a batch of received entries
 * wrote a page at the end of every (kind, incident) range it touched, five kinds times the incidents;
 * keyed by kind and then position, new entries land at the end of one range per kind. A list of one
 * kind in one incident still reads the index newest first, and skips other incidents' entries by the
 * incident in the key, without reading their rows. Measured the same way: 1,734 bytes per entry with
 * the old key, 1,463 with this one.
 *
 * Every entry this table has ever held was validated, and the entry format allows exactly lowercase
 * hex of these lengths (shared/domain/entry.ts), so converting is lossless: the code reads them back
 * as lower(hex(...)) and every id, hash and signature check gives what it gave before. The CHECK
 * constraints refuse anything but bytes of the right length, as the text columns' refused other types.
 *
 * The table is rebuilt as migration 5 did: renamed away with its indexes and triggers, created anew,
 * rows copied with their positions (the full-text indexes are keyed by position and stay valid), the
 * old one dropped, indexes built after the copy. unhex() is used only while copying: the schema that
 * stays in the file is what SQLite 3.31 reads and checks. One transaction with the version bump: a
 * crash or a full disk part-way leaves the file at schema 7, as it was. Waiting entries
 * (`pending_entries`) keep their text: few rows, deleted once their gap is filled.
 */
export const migration008: Migration = {
  version: 8,
  name: 'ids, keys and signatures stored as bytes, authors by number',
  up: `
    CREATE TABLE authors (
      no INTEGER PRIMARY KEY,
      key BLOB NOT NULL UNIQUE CHECK (typeof(key) = 'blob' AND length(key) = 32)
    );
    INSERT INTO authors (key) SELECT DISTINCT unhex(author) FROM entries ORDER BY 1;
    ALTER TABLE entries RENAME TO entries_v7;
    CREATE TABLE entries (
      pos INTEGER PRIMARY KEY,
      id BLOB NOT NULL CHECK (typeof(id) = 'blob' AND length(id) = 32),
      v INTEGER NOT NULL CHECK (typeof(v) = 'integer'),
      author_no INTEGER NOT NULL CHECK (typeof(author_no) = 'integer'),
      seq INTEGER NOT NULL CHECK (typeof(seq) = 'integer' AND seq >= 1),
      prev BLOB CHECK (prev IS NULL OR (typeof(prev) = 'blob' AND length(prev) = 32)),
      hlc_t INTEGER NOT NULL CHECK (typeof(hlc_t) = 'integer'),
      hlc_c INTEGER NOT NULL CHECK (typeof(hlc_c) = 'integer'),
      incident BLOB NOT NULL CHECK (typeof(incident) = 'blob' AND length(incident) = 16),
      kind TEXT NOT NULL CHECK (typeof(kind) = 'text'),
      classification TEXT NOT NULL CHECK (typeof(classification) = 'text'),
      body TEXT NOT NULL CHECK (typeof(body) = 'text'),
      sig BLOB NOT NULL CHECK (typeof(sig) = 'blob' AND length(sig) = 64),
      received_at INTEGER NOT NULL CHECK (typeof(received_at) = 'integer'),
      skew_ms INTEGER CHECK (typeof(skew_ms) IN ('integer', 'null')),
      CHECK ((seq = 1) = (prev IS NULL))
    );
    INSERT INTO entries (pos, id, v, author_no, seq, prev, hlc_t, hlc_c, incident, kind, classification, body, sig, received_at, skew_ms)
      SELECT pos, unhex(id), v, (SELECT no FROM authors WHERE key = unhex(author)), seq, unhex(prev), hlc_t, hlc_c, unhex(incident), kind, classification, body, unhex(sig), received_at, skew_ms
      FROM entries_v7 ORDER BY pos;
    DROP TABLE entries_v7;
    CREATE UNIQUE INDEX entries_author_seq ON entries (author_no, seq, id);
    CREATE INDEX entries_incident ON entries (incident);
    CREATE INDEX entries_kind ON entries (kind, pos, incident) WHERE kind NOT IN ('melding', 'beeld');
    CREATE TRIGGER authors_no_update BEFORE UPDATE ON authors
      BEGIN SELECT RAISE(ABORT, 'authors are numbered once: their entries name them by that number'); END;
    CREATE TRIGGER authors_no_delete BEFORE DELETE ON authors
      BEGIN SELECT RAISE(ABORT, 'authors are numbered once: their entries name them by that number'); END;
    CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
      BEGIN SELECT RAISE(ABORT, 'log entries are append-only: write a correction instead'); END;
    CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
      BEGIN SELECT RAISE(ABORT, 'log entries are append-only: they are never deleted'); END;
  `,
};
