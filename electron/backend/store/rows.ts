import { canonicalJson } from '../../../shared/domain/canonical.js';
import { isKnownEntry, type AnyEntry } from '../../../shared/domain/entry.js';
import { entryText, foreignBodyText } from '../../../shared/domain/kinds.js';
import type { SqliteDatabase } from './database.js';
import { basePosition, createPositionAllocator } from './positions.js';

export interface EntryRow {
  id: string;
  v: number;
  author: string;
  seq: number;
  prev: string | null;
  hlc_t: number;
  hlc_c: number;
  incident: string;
  kind: string;
  classification: string;
  body: string;
  sig: string;
  skew_ms: number | null;
}

/**
 * Finds an entry by its id (bound as @id) through the index on its first 16 hex characters (the
 * expression must be written exactly as in the index for SQLite to use it). The full id is compared
 * too, because a 64-bit prefix collision can be made on purpose. It is compared as `+id`: SQLite 3.40
 * (Debian 12's, which tools reading the file may use) otherwise propagates `id = @id` into the prefix
 * expression, which then no longer matches the index, and scans the whole table.
 */
export const ID_LOOKUP = 'substr(id, 1, 16) = substr(@id, 1, 16) AND +id = @id';

export const ENTRY_COLUMNS = 'id, v, author, seq, prev, hlc_t, hlc_c, incident, kind, classification, body, sig, skew_ms';

export function rowToEntry(row: EntryRow): AnyEntry {
  return trustedStoredEntry({
    id: row.id, v: row.v, author: row.author, seq: row.seq, prev: row.prev, hlc: { t: row.hlc_t, c: row.hlc_c },
    incident: row.incident, kind: row.kind, body: JSON.parse(row.body), classification: row.classification, sig: row.sig,
  });
}

/**
 * An entry read back from this database (a row of `entries`, or one waiting in `pending_entries`).
 * The one place an entry is trusted rather than validated: only entries that were validated are
 * ever written (this device's appends, built from a parsed body; received ones, which ingest takes
 * through parseSignedEntry), and triggers refuse any UPDATE of a stored row. Parsing each entry
 * again would tax every list, search and derived state. Its kind tells a known entry from a
 * foreign one (isKnownEntry), as it did when it was parsed; a version that learns a new kind must
 * check the stored entries of that kind before trusting them (docs/DATA-MODEL.md, "Forward
 * compatibility").
 */
export function trustedStoredEntry(entry: unknown): AnyEntry {
  return entry as AnyEntry;
}

/** The text the search index holds for an entry: what a person wrote in it, whatever its kind. */
export function searchTextOf(entry: AnyEntry): string {
  return isKnownEntry(entry) ? entryText(entry) : foreignBodyText(entry.body);
}

/**
 * Writes one entry row and its search text at the entry's position, and returns that position; the
 * caller holds the transaction. Most entries get their HLC's base position; only when another
 * entry already holds it (the PRIMARY KEY refuses the row, and nothing was written) is a free slot
 * looked up, which spares a lookup for every other entry. With `searchLater`, the text is left to
 * the search backlog (migration 006): for a commit of one entry, FTS5's own writes cost more than
 * the row and its indexes together.
 */
export function createEntryWriter(db: SqliteDatabase, { searchLater = false }: { searchLater?: boolean } = {}) {
  // Positional parameters (named ones cost more per row); the columns are spelled out here so their
  // order stays next to the values below.
  const insertEntry = db.prepare(`INSERT INTO entries (pos, id, v, author, seq, prev, hlc_t, hlc_c, incident, kind, classification, body, sig, skew_ms, received_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertText = db.prepare('INSERT INTO entry_text (rowid, text) VALUES (?, ?)');
  const insertBacklog = searchLater ? db.prepare('INSERT INTO search_backlog (pos) VALUES (?)') : null;
  const allocate = createPositionAllocator(db);
  const insertAt = (pos: bigint, entry: AnyEntry, bodyJson: string, receivedAt: number, skewMs: number | null) =>
    insertEntry.run(pos, entry.id, entry.v, entry.author, entry.seq, entry.prev, entry.hlc.t, entry.hlc.c, entry.incident, entry.kind, entry.classification, bodyJson, entry.sig, skewMs, receivedAt);
  return (entry: AnyEntry, receivedAt: number, skewMs: number | null, bodyJson: string = canonicalJson(entry.body)): bigint => {
    let pos = basePosition(entry.hlc);
    try {
      insertAt(pos, entry, bodyJson, receivedAt, skewMs);
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error;
      pos = allocate(entry.hlc);
      insertAt(pos, entry, bodyJson, receivedAt, skewMs);
    }
    if (insertBacklog) insertBacklog.run(pos);
    else insertText.run(pos, searchTextOf(entry));
    return pos;
  };
}
