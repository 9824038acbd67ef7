import { canonicalJson } from '../../../shared/domain/canonical.js';
import type { AnyEntry } from '../../../shared/domain/entry.js';
import { entryText, foreignBodyText, isEntryKind, type EntryContent } from '../../../shared/domain/kinds.js';
import type { Statement } from 'better-sqlite3';
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
 * Entries whose text and id wait for the search index's pass above their author's search mark
 * (migration 9): this device's appends, read from the chain index. CROSS JOIN makes SQLite read the
 * marks first: with a plain JOIN it read every entry's chain key and looked each author up among
 * the marks (search 200 ms over 1M entries, measured).
 */
export const ABOVE_SEARCH_MARKS = 'SELECT e.pos FROM search_marks m CROSS JOIN entries e ON e.author_no = m.author_no AND e.seq > m.seq';

/**
 * Finds an entry by its id: bind `idParams(id)`. Ids are looked up through `entry_ids` (migration 6),
 * a full-text index whose one term per entry is the id's first 16 hex characters: FTS5 writes new
 * terms as sorted segments and merges them later, where a B-tree on random ids rewrote most of its
 * pages at every commit. Appended entries are not in it until the search index's pass, so the few
 * rows above the search marks (and in the old search backlog) are read too. The full id is
 * compared (as bytes, migration 8), because a 64-bit prefix collision can be made on purpose. Only
 * what SQLite 3.31 has, so a person can run it in the sqlite3 shell.
 */
export const ID_LOOKUP = `pos IN (SELECT rowid FROM entry_ids WHERE entry_ids MATCH @term UNION ALL SELECT pos FROM search_backlog UNION ALL ${ABOVE_SEARCH_MARKS}) AND id = @id`;

export interface IdParams {
  /** The id's bytes, as the table stores them. */
  id: Buffer;
  term: string;
}

/** The parameters of ID_LOOKUP for one id (lowercase hex; anything else finds nothing). */
export function idParams(id: string): IdParams {
  return { id: hexBytes(id), term: idTerm(id) };
}

/**
 * The bytes a hex id, key or signature stands for, as stored since migration 8. Anything but
 * lowercase hex of even length gives bytes no stored value has, so a lookup finds nothing (Buffer.from
 * would quietly stop at the first bad character).
 */
export function hexBytes(hex: string): Buffer {
  return /^(?:[0-9a-f]{2})*$/.test(hex) ? Buffer.from(hex, 'hex') : Buffer.alloc(0);
}

/** The id index's term for an id (or an id prefix of up to 16 characters), quoted for MATCH; anything but hex digits cannot be in an id, and is left out. */
export function idTerm(id: string): string {
  const term = id.slice(0, 16).toLowerCase().replace(/[^0-9a-f]/g, '');
  return `"${term === '' ? 'g' : term}"`;
}

const COLUMN_NAMES = ['id', 'v', 'author', 'seq', 'prev', 'hlc_t', 'hlc_c', 'incident', 'kind', 'classification', 'body', 'sig', 'skew_ms'] as const;

/** Stored as bytes since migration 8, read back as the lowercase hex the entry format has. */
const BYTE_COLUMNS: ReadonlySet<string> = new Set(['id', 'prev', 'incident', 'sig']);

/**
 * The number `authors` gives the author whose key is bound here as hex (migration 8), NULL for a key
 * it does not hold: compare `author_no` with it. SQLite evaluates it once per statement, so the
 * chain index is read as for a constant.
 */
export const AUTHOR_NO = '(SELECT no FROM authors WHERE key = unhex(?))';

/**
 * An entry's author key as hex, from its row's number. `table` qualifies the column; `authors` has
 * no column of that name, so unqualified it is still the entry's.
 */
export function authorKeyOf(table?: string): string {
  return `(SELECT lower(hex(key)) FROM authors WHERE no = ${table === undefined ? '' : `${table}.`}author_no)`;
}

/**
 * The SELECT list that reads an EntryRow, its columns qualified by `table` when given, the author
 * by `author` when the caller knows it (a bound parameter) instead of a lookup per row. Byte columns
 * come back under their own names as lowercase hex (hex() of NULL is '', hence nullif for prev), so
 * a query that sorts or filters on one must name the table's column (`entries.id`), not the alias.
 */
export function entryColumns(table?: string, author = authorKeyOf(table)): string {
  return COLUMN_NAMES.map((name) => {
    const column = table === undefined ? name : `${table}.${name}`;
    if (name === 'author') return `${author} AS author`;
    if (!BYTE_COLUMNS.has(name)) return column;
    return name === 'prev' ? `nullif(lower(hex(${column})), '') AS prev` : `lower(hex(${column})) AS ${name}`;
  }).join(', ');
}

export const ENTRY_COLUMNS = entryColumns();

/** An EntryRow read in raw mode (statement.raw(true)): its values in ENTRY_COLUMNS' order. */
export type EntryRowArray = [id: string, v: number, author: string, seq: number, prev: string | null, hlc_t: number, hlc_c: number, incident: string, kind: string, classification: string, body: string, sig: string, skew_ms: number | null];

/**
 * rowToEntry for a row read as an array (prepareEntryArrays). For readers of thousands of rows (an
 * incident's state, its report, every incident's header entries): better-sqlite3 builds an array
 * faster than an object with 13 named properties (measured: reading the 35k state entries of a
 * 100k-entry incident, median 409 → 362 ms).
 */
export function arrayToEntry([id, v, author, seq, prev, t, c, incident, kind, classification, body, sig]: EntryRowArray): AnyEntry {
  return trustedStoredEntry({ id, v, author, seq, prev, hlc: { t, c }, incident, kind, body: JSON.parse(body), classification, sig });
}

/** A statement that reads whole entries as arrays: `SELECT` ENTRY_COLUMNS, then `rest` (FROM, WHERE, ORDER BY); map its rows with arrayToEntry. */
export function prepareEntryArrays<P extends unknown[] = []>(db: SqliteDatabase, rest: string): Statement<P, EntryRowArray> {
  return db.prepare<P, EntryRowArray>(`SELECT ${ENTRY_COLUMNS} ${rest}`).raw(true);
}

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
  return searchTextOfContent(entry.kind, entry.body);
}

/**
 * searchTextOf from a stored row's kind and body alone, for the search passes and the term sample:
 * reading only those two columns instead of a whole entry (its hex columns, its author) took the
 * passes over 100k received entries from about 2.0 s to 1.25 s.
 */
export function storedSearchText(kind: string, bodyJson: string): string {
  return searchTextOfContent(kind, JSON.parse(bodyJson));
}

// A known kind's body was validated for that kind when the entry was made or received (see
// trustedStoredEntry), as isKnownEntry relies on too.
function searchTextOfContent(kind: string, body: unknown): string {
  return isEntryKind(kind) ? entryText({ kind, body } as EntryContent) : foreignBodyText(body);
}

/**
 * Writes one entry row and its search text at the entry's position, and returns that position; the
 * caller holds the transaction. Most entries get their HLC's base position; only when another
 * entry already holds it (the PRIMARY KEY refuses the row, and nothing was written) is a free slot
 * looked up, which spares a lookup for every other entry.
 *
 * `later` leaves full-text work to the search backlog's pass (store/search-backlog.ts):
 * - 'text-and-id', for this device's appends (migration 6): for a commit of one entry, FTS5's own
 *   writes cost more than the row and its indexes together. Nothing else is written: the entry is
 *   above its author's search mark (migration 9), which the caller makes sure of.
 * - 'text', for received batches (migration 7): the id goes in at once, since the next batch's
 *   chain checks and every id lookup need it; the text goes in later, many batches in one segment.
 */
export function createEntryWriter(db: SqliteDatabase, { later = 'nothing' }: { later?: 'nothing' | 'text' | 'text-and-id' } = {}) {
  // Positional parameters (named ones cost more per row); the columns are spelled out here so their
  // order stays next to the values below.
  const insertEntry = db.prepare(`INSERT INTO entries (pos, id, v, author_no, seq, prev, hlc_t, hlc_c, incident, kind, classification, body, sig, skew_ms, received_at)
    VALUES (?, unhex(?), ?, ${AUTHOR_NO}, ?, unhex(?), ?, ?, unhex(?), ?, ?, ?, unhex(?), ?, ?)`);
  const addAuthor = db.prepare('INSERT INTO authors (key) VALUES (unhex(?))');
  const insertText = db.prepare('INSERT INTO entry_text (rowid, text) VALUES (?, ?)');
  const insertId = db.prepare('INSERT INTO entry_ids (rowid, id) VALUES (?, substr(?, 1, 16))');
  const insertTextBacklog = db.prepare('INSERT INTO text_backlog (pos) VALUES (?)');
  const allocate = createPositionAllocator(db);
  const insertRow = (pos: bigint, entry: AnyEntry, bodyJson: string, receivedAt: number, skewMs: number | null) =>
    insertEntry.run(pos, entry.id, entry.v, entry.author, entry.seq, entry.prev, entry.hlc.t, entry.hlc.c, entry.incident, entry.kind, entry.classification, bodyJson, entry.sig, skewMs, receivedAt);
  // An author's first entry in this file finds no number (author_no NULL: the row is refused and
  // nothing written); the author is numbered then and the row written again. Every later entry
  // costs no extra statement, and nothing cached here can outlive a rolled-back transaction.
  const insertAt = (pos: bigint, entry: AnyEntry, bodyJson: string, receivedAt: number, skewMs: number | null) => {
    try {
      insertRow(pos, entry, bodyJson, receivedAt, skewMs);
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_NOTNULL' || !/author_no/.test((error as Error).message)) throw error;
      addAuthor.run(entry.author);
      insertRow(pos, entry, bodyJson, receivedAt, skewMs);
    }
  };
  return (entry: AnyEntry, receivedAt: number, skewMs: number | null, bodyJson: string = canonicalJson(entry.body)): bigint => {
    let pos = basePosition(entry.hlc);
    try {
      insertAt(pos, entry, bodyJson, receivedAt, skewMs);
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error;
      pos = allocate(entry.hlc);
      insertAt(pos, entry, bodyJson, receivedAt, skewMs);
    }
    // 'text-and-id': indexed when the pass moves its author's search mark past it.
    if (later === 'text') {
      insertId.run(pos, entry.id);
      insertTextBacklog.run(pos);
    } else if (later === 'nothing') {
      insertText.run(pos, searchTextOf(entry));
      insertId.run(pos, entry.id);
    }
    return pos;
  };
}
