import type { AnyEntry } from '../../../shared/domain/entry.js';
import { DEVICE_INCIDENT } from '../../../shared/domain/incident.js';
import type { EntryKind } from '../../../shared/domain/kinds.js';
import type { Statement } from 'better-sqlite3';
import type { AuthorHead } from '../replica/replica.js';
import type { SqliteDatabase } from './database.js';
import { parsePositionCursor, positionAtMs } from './positions.js';
import { IN_INCIDENTS, KIND_INDEX_CONDITION, kindIndexIncident, kindIsIndexed } from './kind-index.js';
import { arrayToEntry, AUTHOR_NO, ENTRY_COLUMNS, entryColumns, ID_LOOKUP, idParams, prepareEntryArrays, rowToEntry, type EntryRow, type EntryRowArray, type IdParams } from './rows.js';

export interface EntryFilter {
  incident?: string;
  kind?: string;
  author?: string;
  classification?: string;
  /** Inclusive bounds on the entry's HLC time, epoch ms. */
  fromMs?: number;
  toMs?: number;
}

export interface PageRequest {
  /** Opaque cursor from a previous page's nextCursor. */
  cursor?: string;
  limit: number;
  order: 'newest' | 'oldest';
}

export interface EntryPage {
  entries: StoredEntry[];
  nextCursor: string | null;
}

/** What was noted about an entry when it arrived. */
export interface ArrivalNotes {
  /** Set when the entry arrived stamped further ahead of this device's clock than allowed. */
  skewMs: number | null;
}

/** An entry as this log holds it (of a kind this version may not know), with what was noted on arrival. */
export type StoredEntry = AnyEntry & ArrivalNotes;

type PosRow = EntryRow & { pos_text: string };

/** What an action's state is derived from (its text may be corrected), and its incident's title. */
const ACTION_STATE_KINDS = ['incident', 'incidentwijziging', 'actie', 'actiestatus', 'actiewijziging', 'actieintrekking', 'correctie'] as const satisfies readonly EntryKind[];

/** Builds the WHERE clause from a filter; values are always bound, never spliced. */
function filterSql(filter: EntryFilter, page: PageRequest, column: string): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const eq = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  // Lets SQLite read the partial kind index (migration 7), and not the incident index, for the kinds
  // it holds (store/kind-index.ts); melding and beeld are listed through the incident index.
  const byKindIndex = filter.kind !== undefined && kindIsIndexed(filter.kind);
  if (filter.incident !== undefined) eq(byKindIndex ? kindIndexIncident('e') : 'e.incident = unhex(?)', filter.incident);
  if (filter.kind !== undefined) {
    eq('e.kind = ?', filter.kind);
    if (byKindIndex) where.push(`e.${KIND_INDEX_CONDITION}`);
  }
  if (filter.author !== undefined) eq(`e.author_no = ${AUTHOR_NO}`, filter.author);
  if (filter.classification !== undefined) eq('e.classification = ?', filter.classification);
  if (filter.fromMs !== undefined) eq(`${column} >= ?`, positionAtMs(filter.fromMs));
  if (filter.toMs !== undefined) eq(`${column} < ?`, positionAtMs(filter.toMs + 1));
  if (page.cursor !== undefined) {
    const pos = parsePositionCursor(page.cursor);
    if (pos === null) throw new Error('invalid cursor');
    eq(`${column} ${page.order === 'newest' ? '<' : '>'} ?`, pos);
  }
  return { where, params };
}

function toPage(rows: PosRow[], limit: number): EntryPage {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return {
    entries: kept.map((row) => ({ ...rowToEntry(row), skewMs: row.skew_ms })),
    nextCursor: more ? kept[kept.length - 1]!.pos_text : null,
  };
}

export function createQueries(db: SqliteDatabase) {
  const byId = db.prepare<[IdParams], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE ${ID_LOOKUP}`);
  // Readers of many entries get them as arrays (rows.ts, arrayToEntry).
  const ofIncident = prepareEntryArrays<[string]>(db, 'FROM entries WHERE incident = unhex(?) ORDER BY pos');
  // As text: a position has 63 bits, more than a JavaScript number holds exactly.
  const incidentMark = db.prepare<[string], string>("SELECT count(*) || ':' || ifnull(max(pos), 0) FROM entries WHERE incident = unhex(?)").pluck();
  const ofKinds = prepareEntryArrays(db, `FROM entries WHERE kind IN ('incident', 'incidentwijziging', 'incidentstatus', 'grip', 'correctie') AND ${KIND_INDEX_CONDITION} ORDER BY pos`);
  const profiles = prepareEntryArrays<[string]>(db, `FROM entries WHERE kind = 'profiel' AND ${KIND_INDEX_CONDITION} AND ${kindIndexIncident('entries')} ORDER BY pos`);
  const actionKinds = prepareEntryArrays(db, `FROM entries WHERE kind IN (${ACTION_STATE_KINDS.map((k) => `'${k}'`).join(', ')}) AND ${KIND_INDEX_CONDITION} ORDER BY pos`);
  const count = db.prepare('SELECT count(*) FROM entries').pluck();
  const openings = db.prepare<[string], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE kind = 'incident' AND ${KIND_INDEX_CONDITION} AND ${kindIndexIncident('entries')} ORDER BY pos`);
  // One read of the kind index for all the incidents of a page (their ids as a JSON array), where a
  // query per incident read the same range of it once for each.
  const corrections = prepareEntryArrays<[string]>(db, `FROM entries WHERE kind = 'correctie' AND ${KIND_INDEX_CONDITION} AND ${IN_INCIDENTS} ORDER BY pos`);
  const anyOf = db.prepare<[string]>('SELECT 1 FROM entries WHERE incident = unhex(?) LIMIT 1').pluck();
  const activity = db.prepare<[string], { hour: number; kind: string; entries: number }>(
    'SELECT hlc_t / 3600000 AS hour, kind, count(*) AS entries FROM entries WHERE incident = unhex(?) GROUP BY hour, kind ORDER BY hour, kind',
  );
  // A loose index scan over the incident index: one probe per incident instead of reading every entry.
  const incidents = db.prepare<[], string>(`
    WITH RECURSIVE ids(incident) AS (
      SELECT min(incident) FROM entries
      UNION ALL SELECT (SELECT min(incident) FROM entries WHERE incident > ids.incident) FROM ids WHERE ids.incident IS NOT NULL
    ) SELECT lower(hex(incident)) FROM ids WHERE incident IS NOT NULL`).pluck();
  // list() and search() build their SQL from the filters given; there are few combinations, and
  // preparing a statement costs more than running a small query.
  const statements = new Map<string, Statement<unknown[], PosRow>>();
  const statement = (sql: string) => {
    let prepared = statements.get(sql);
    if (!prepared) statements.set(sql, (prepared = db.prepare<unknown[], PosRow>(sql)));
    return prepared;
  };

  return {
    /** The entry with this id, whatever its kind (one a newer version wrote, too). */
    entry(id: string): StoredEntry | null {
      const row = byId.get(idParams(id));
      return row ? { ...rowToEntry(row), skewMs: row.skew_ms } : null;
    },
    incidentEntries(incident: string): AnyEntry[] {
      return ofIncident.all(incident).map(arrayToEntry);
    },
    /** The entries that decide incidents' titles, GRIP levels and whether they are closed (for the incident list). */
    incidentHeaderEntries(): AnyEntry[] {
      return ofKinds.all().map(arrayToEntry);
    },
    /** Every incident's entries that its actions' state and title are derived from (for actions across incidents). */
    actionStateEntries(): AnyEntry[] {
      return actionKinds.all().map(arrayToEntry);
    },
    /** The profiles devices wrote about themselves, under the reserved device incident (for the people directory). */
    profileEntries(): AnyEntry[] {
      return profiles.all(DEVICE_INCIDENT).map(arrayToEntry);
    },
    /** The corrections written in any of these incidents, in log position order. */
    correctionsIn(incidentIds: readonly string[]): AnyEntry[] {
      return incidentIds.length === 0 ? [] : corrections.all(JSON.stringify(incidentIds)).map(arrayToEntry);
    },
    /** The incident's `incident` entries, in log position order: the one that opens it, and any others. */
    openingEntries(incident: string): AnyEntry[] {
      return openings.all(incident).map(rowToEntry);
    },
    /** Every incident id this log holds entries of, whether or not its opening entry has arrived. */
    incidentIds(): string[] {
      return incidents.all();
    },
    count(): number {
      return count.get() as number;
    },
    /** How many entries the incident has per hour (by when they were logged, in whole UTC hours since 1970) and kind. */
    activityByHour(incident: string): { hour: number; kind: string; entries: number }[] {
      return activity.all(incident);
    },
    /**
     * Changes whenever an entry of the incident is stored ("0:0" for none): what a cache of the
     * incident's entries is keyed on. Not the highest position alone: a position is the entry's HLC,
     * and an entry synced late (a laptop that was offline) is usually stamped before the incident's
     * newest, which leaves the highest as it was. Rows are never updated or deleted (triggers refuse it), so
     * the count rises with every insert. It reads the incident's range of its index, about 6 ms at
     * 100k entries: ask after writes() or dataVersion() moved, not on every read.
     */
    incidentMark(incident: string): string {
      return incidentMark.get(incident)!;
    },
    /** Whether the log holds any entry of this incident (its opening entry may still be on its way). */
    holdsIncident(incident: string): boolean {
      return anyOf.get(incident) !== undefined;
    },
    list(filter: EntryFilter, page: PageRequest): EntryPage {
      const { where, params } = filterSql(filter, page, 'e.pos');
      const sql = `SELECT CAST(e.pos AS TEXT) AS pos_text, ${entryColumns('e')} FROM entries e
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.pos ${page.order === 'newest' ? 'DESC' : 'ASC'} LIMIT ?`;
      return toPage(statement(sql).all(...params, page.limit + 1), page.limit);
    },
    /** Full-text search; `match` is an FTS5 query, as searchMatch() (store/search-terms.ts) or searchQuery() builds it. */
    search(match: string, filter: EntryFilter, page: PageRequest): EntryPage {
      const { where, params } = filterSql(filter, page, 't.rowid');
      const sql = `SELECT CAST(e.pos AS TEXT) AS pos_text, ${entryColumns('e')} FROM entry_text t JOIN entries e ON e.pos = t.rowid
        WHERE entry_text MATCH ? ${where.map((w) => `AND ${w}`).join(' ')} ORDER BY t.rowid ${page.order === 'newest' ? 'DESC' : 'ASC'} LIMIT ?`;
      return toPage(statement(sql).all(match, ...params, page.limit + 1), page.limit);
    },
  };
}

/**
 * Turns what a person typed into an FTS5 query: every word must occur (as a word prefix), and
 * FTS5 operators in the input are treated as plain text, never as syntax.
 */
export function searchQuery(text: string): string | null {
  const words = text.normalize('NFC').match(/[\p{L}\p{N}]+/gu);
  if (!words || words.length === 0) return null;
  return words.slice(0, 16).map((w) => `"${w}"*`).join(' AND ');
}

export function createSyncQueries(db: SqliteDatabase) {
  // One chain index probe per numbered author (migration 8), instead of reading every entry.
  const heads = db.prepare<[], { author: string; seq: number; head: string; total: number }>(`
    WITH tops AS (SELECT no, key, (SELECT max(seq) FROM entries WHERE author_no = authors.no) AS seq FROM authors)
    SELECT lower(hex(key)) AS author, seq, lower(hex((SELECT min(id) FROM entries WHERE author_no = tops.no AND entries.seq = tops.seq))) AS head,
      (SELECT count(*) FROM entries WHERE author_no = tops.no) AS total FROM tops WHERE seq IS NOT NULL ORDER BY key`);
  // What serving a sync reads most. Rows come back as arrays (raw), and the author is the key the
  // caller names, bound once, not looked up per row: together 7.6 → 5.0 µs per entry of a 100k-entry
  // log (the author subquery per row and building each row as an object were a third of it).
  const after = db.prepare<[string, string, number, string, number], EntryRowArray>(
    `SELECT ${entryColumns(undefined, '?')} FROM entries WHERE author_no = ${AUTHOR_NO} AND (entries.seq, entries.id) > (?, unhex(?)) ORDER BY entries.seq, entries.id LIMIT ?`,
  ).raw(true);
  const atSeq = db.prepare<[string, number], { id: string }>(`SELECT lower(hex(id)) AS id FROM entries WHERE author_no = ${AUTHOR_NO} AND seq = ? ORDER BY entries.id`);
  const oneHead = db.prepare<[{ author: string }], { seq: number; head: string; total: number }>(`
    WITH author(no) AS (SELECT no FROM authors WHERE key = unhex(@author))
    SELECT seq, lower(hex((SELECT min(id) FROM entries WHERE author_no = top.no AND seq = top.seq))) AS head, (SELECT count(*) FROM entries WHERE author_no = top.no) AS total
    FROM (SELECT author.no AS no, (SELECT max(seq) FROM entries WHERE author_no = author.no) AS seq FROM author) AS top WHERE top.seq IS NOT NULL`);
  const toHead = (r: { seq: number; head: string; total: number }): AuthorHead => (r.total > r.seq ? { seq: r.seq, head: r.head, extra: r.total - r.seq } : { seq: r.seq, head: r.head });
  return {
    /** author → highest seq and head hash: what sync peers exchange to find what the other lacks. */
    authorHeads(): Map<string, AuthorHead> {
      return new Map(heads.all().map((r) => [r.author, toHead(r)]));
    },
    authorHead(author: string): AuthorHead | undefined {
      const row = oneHead.get({ author });
      return row ? toHead(row) : undefined;
    },
    /** One author's entries after (seq, id), in chain order; forks at one seq come in id order. */
    chainAfter(author: string, seq: number, id: string, limit: number): AnyEntry[] {
      // The rows found are this key's, whatever case it was given in; entries carry it in lowercase.
      return after.all(author.toLowerCase(), author, seq, id, limit).map(arrayToEntry);
    },
    idsAtSeq(author: string, seq: number): string[] {
      return atSeq.all(author, seq).map((r) => r.id);
    },
  };
}
