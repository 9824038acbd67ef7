import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHlcClock } from '../../../shared/domain/hlc.js';
import { DATABASE_FILE } from '../../../electron/backend/device.js';
import { BakenError } from '../../../shared/contract/errors.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { createAppender } from '../../../electron/backend/store/append.js';
import { openLogDatabase, type SqliteDatabase } from '../../../electron/backend/store/database.js';
import { createLogStore } from '../../../electron/backend/store/index.js';
import { migrate, MIGRATIONS, SCHEMA_VERSION, schemaVersion } from '../../../electron/backend/store/migrations/index.js';
import { createKnownPeers } from '../../../electron/backend/store/peers.js';
import { createQueries, createSyncQueries, searchQuery } from '../../../electron/backend/store/queries.js';
import { createSearchBacklog } from '../../../electron/backend/store/search-backlog.js';
import { AUTHOR_NO, createEntryWriter, ENTRY_COLUMNS, ID_LOOKUP, idParams, idTerm, rowToEntry, type EntryRow } from '../../../electron/backend/store/rows.js';
import { createPrefixQueries } from '../../../electron/backend/store/prefixes.js';
import { KIND_INDEX_CONDITION } from '../../../electron/backend/store/kind-index.js';
import { verifyLog } from '../../../electron/backend/store/verify.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { caught, sha256File, sqliteSideFiles } from '../../support/files.js';
import { openAndKillWhenGrown } from '../../support/killed-open.js';
import { useTmpfsMounts } from '../../support/mounts.js';
import { useTempDirs } from '../../support/temp.js';
import { copyEntriesAsText, entryRowAsText, scratchLog } from '../../support/text-schema.js';


const tempDir = useTempDirs();
const open: { close(): void }[] = [];
afterEach(() => {
  for (const handle of open.splice(0).reverse()) handle.close();
});

/** A fresh database file in the default (rollback journal) mode, so committed bytes are in the file itself. */
function freshDb(): { db: SqliteDatabase; file: string } {
  const file = join(tempDir(), 'migrate.db');
  const db = new Database(file);
  open.push(db);
  return { db, file };
}

function keep<T extends { close(): void }>(handle: T): T {
  open.push(handle);
  return handle;
}

/** Every schema object as "type:name", including SQLite's automatic indexes and FTS5 shadow tables. */
function schemaObjects(db: SqliteDatabase): Set<string> {
  const rows = db.prepare<[], { type: string; name: string }>('SELECT type, name FROM sqlite_schema').all();
  return new Set(rows.map((r) => `${r.type}:${r.name}`));
}

/** Every schema object's SQL by "type:name" (null for automatic indexes). */
function schemaSql(db: SqliteDatabase): Map<string, string | null> {
  const rows = db.prepare<[], { type: string; name: string; sql: string | null }>('SELECT type, name, sql FROM sqlite_schema').all();
  return new Map(rows.map((r) => [`${r.type}:${r.name}`, r.sql]));
}

function schemaSnapshot(db: SqliteDatabase): { type: string; name: string; sql: string | null }[] {
  return db.prepare<[], { type: string; name: string; sql: string | null }>('SELECT type, name, sql FROM sqlite_schema ORDER BY type, name').all();
}

function totalChanges(db: SqliteDatabase): number {
  return db.prepare('SELECT total_changes()').pluck().get() as number;
}

/** Lookup by id as schema 5 made it (migration 6 moved it to the entry_ids full-text index). */
const ID_LOOKUP_V5 = 'substr(id, 1, 16) = substr(@id, 1, 16) AND +id = @id';

/** A syntactically valid row for the entries table (the triggers and constraints care, signatures do not). */
function rawEntryRow(pos: number, id: string, seq = 1, prev: string | null = null) {
  return {
    pos, id, v: 1, author: 'a'.repeat(64), seq, prev, hlc_t: 1_790_000_000_000 + pos, hlc_c: 0, incident: 'b'.repeat(32),
    kind: 'melding', classification: 'intern', body: '{"text":"hallo"}', sig: 'c'.repeat(128), received_at: 1_790_000_000_000, skew_ms: null,
  };
}
const INSERT_ENTRY = `INSERT INTO entries (pos, id, v, author, seq, prev, hlc_t, hlc_c, incident, kind, classification, body, sig, received_at, skew_ms)
  VALUES (@pos, @id, @v, @author, @seq, @prev, @hlc_t, @hlc_c, @incident, @kind, @classification, @body, @sig, @received_at, @skew_ms)`;

/**
 * What each migration adds, exactly (every new sqlite_schema object), plus a check that the new
 * objects actually work. `drops` are objects it replaces, `rebuilds` objects it recreates under the
 * same name with other SQL; every other object must come through with its SQL unchanged. A new
 * migration without an entry here fails the completeness test below.
 */
const EXPECTED: Record<number, { adds: string[]; drops?: string[]; rebuilds?: string[]; works: (db: SqliteDatabase) => void }> = {
  1: {
    adds: [
      'table:entries', 'index:entries_author_seq', 'index:entries_id', 'index:entries_incident', 'index:entries_kind',
      'trigger:entries_no_update', 'trigger:entries_no_delete',
    ],
    works(db) {
      const e1 = 'e1'.padEnd(64, '0');
      const e2 = 'e2'.padEnd(64, '0');
      db.prepare(INSERT_ENTRY).run(rawEntryRow(1, e1));
      db.prepare(INSERT_ENTRY).run(rawEntryRow(2, e2, 2, e1));
      // The same entry twice is refused (an id is the hash of its author and seq among the rest)...
      expect(() => db.prepare(INSERT_ENTRY).run(rawEntryRow(3, e2, 2, e1))).toThrow(/UNIQUE/);
      // ...while a second, different entry at the same seq (a fork) is kept as evidence.
      db.prepare(INSERT_ENTRY).run(rawEntryRow(4, 'f2'.padEnd(64, '0'), 2, e1));
      // seq 1 exactly when prev is null
      expect(() => db.prepare(INSERT_ENTRY).run(rawEntryRow(5, 'e5', 2, null))).toThrow(/CHECK/);
      expect(() => db.prepare(INSERT_ENTRY).run(rawEntryRow(6, 'e6', 1, e1))).toThrow(/CHECK/);
      expect(() => db.prepare('UPDATE entries SET body = ? WHERE id = ?').run('{}', e1)).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM entries WHERE id = ?').run(e2)).toThrow(/append-only/);
      expect(db.prepare('SELECT id, body FROM entries ORDER BY pos').all()).toEqual([
        { id: e1, body: '{"text":"hallo"}' },
        { id: e2, body: '{"text":"hallo"}' },
        { id: 'f2'.padEnd(64, '0'), body: '{"text":"hallo"}' },
      ]);
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ id: "x" }) as { detail: string }[]).map((p) => p.detail).join(' ');
      expect(plan("SELECT id FROM entries WHERE author = @id ORDER BY seq DESC")).toMatch(/entries_author_seq/);
      // As first released (migration 5 replaced it with an index SQLite before 3.41 can evaluate).
      const unhexLookup = 'unhex(substr(id, 1, 16)) = unhex(substr(@id, 1, 16)) AND id = @id';
      expect(plan(`SELECT id FROM entries WHERE ${unhexLookup}`)).toMatch(/entries_id/);
      expect(db.prepare(`SELECT seq FROM entries WHERE ${unhexLookup}`).pluck().get({ id: e2 })).toBe(2);
      // one incident, or one kind within one incident: in pos order from the index, no sort
      for (const where of ['incident = @id', "kind = 'besluit' AND incident = @id"]) {
        expect(plan(`SELECT id FROM entries WHERE ${where} ORDER BY pos DESC LIMIT 50`)).toMatch(/USING INDEX entries_(incident|kind)/);
        expect(plan(`SELECT id FROM entries WHERE ${where} ORDER BY pos DESC LIMIT 50`)).not.toMatch(/TEMP B-TREE/);
      }
    },
  },
  2: {
    adds: ['table:entry_text', 'table:entry_text_config', 'table:entry_text_data', 'table:entry_text_idx'],
    works(db) {
      db.prepare('INSERT INTO entry_text (rowid, text) VALUES (?, ?)').run(10, 'Coördinatie met de brandweer');
      db.prepare('INSERT INTO entry_text (rowid, text) VALUES (?, ?)').run(11, 'Café ontruimd');
      const hits = (q: string) => db.prepare('SELECT rowid FROM entry_text WHERE entry_text MATCH ? ORDER BY rowid').pluck().all(q);
      expect(hits('coordinatie')).toEqual([10]);
      expect(hits('cafe')).toEqual([11]);
      expect(hits('brand*')).toEqual([10]);
      // contentless: the text itself is not stored
      expect(db.prepare("SELECT text FROM entry_text WHERE entry_text MATCH 'brandweer'").pluck().get()).toBeNull();
      // the form searchQuery() writes: every word as a prefix, all required
      expect(hits('"coor"* AND "brandw"*')).toEqual([10]);
      expect(hits('"cafe"* AND "brandw"*')).toEqual([]);
    },
  },
  3: {
    adds: ['table:pending_entries', 'index:sqlite_autoindex_pending_entries_1', 'index:pending_prev'],
    works(db) {
      const add = db.prepare('INSERT INTO pending_entries (id, author, seq, prev, entry, received_at) VALUES (?, ?, ?, ?, ?, ?)');
      add.run('p2', 'a'.repeat(64), 2, 'p1', '{}', 1);
      expect(() => add.run('p2', 'a'.repeat(64), 2, 'p1', '{}', 1)).toThrow(/UNIQUE/);
      expect(() => add.run('p3', 'a'.repeat(64), 3, null, '{}', 1)).toThrow(/NOT NULL/);
      // waiting entries are removed once their gap is filled: no append-only trigger here
      db.prepare("DELETE FROM pending_entries WHERE id = 'p2'").run();
      expect(db.prepare('SELECT count(*) FROM pending_entries').pluck().get()).toBe(0);
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM pending_entries WHERE prev = 'x'").all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/pending_prev/);
    },
  },
  4: {
    adds: ['table:known_peers', 'index:sqlite_autoindex_known_peers_1'],
    works(db) {
      const add = db.prepare('INSERT INTO known_peers (address, source, added_at) VALUES (?, ?, ?)');
      add.run('/ip4/10.0.0.7/tcp/4100', 'manual', 1);
      expect(() => add.run('/ip4/10.0.0.7/tcp/4100', 'invite', 2)).toThrow(/UNIQUE/);
      expect(() => add.run('/ip4/10.0.0.8/tcp/4100', 'guessed', 3)).toThrow(/CHECK/);
      // not part of the log: rows here may change and go
      db.prepare("UPDATE known_peers SET last_error = 'timeout' WHERE address = '/ip4/10.0.0.7/tcp/4100'").run();
      db.prepare("DELETE FROM known_peers WHERE address = '/ip4/10.0.0.7/tcp/4100'").run();
      expect(db.prepare('SELECT count(*) FROM known_peers').pluck().get()).toBe(0);
    },
  },
  5: {
    adds: ['index:entries_id_prefix', 'index:pending_author', 'index:pending_source'],
    drops: ['index:entries_id'],
    rebuilds: ['table:entries', 'table:pending_entries', 'table:known_peers'],
    works(db) {
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ id: 'x' }) as { detail: string }[]).map((p) => p.detail).join(' ');
      const e1 = 'e1'.padEnd(64, '0');
      const e2 = 'e2'.padEnd(64, '0');
      db.prepare(INSERT_ENTRY).run(rawEntryRow(1, e1));
      db.prepare(INSERT_ENTRY).run(rawEntryRow(2, e2, 2, e1));
      expect(plan(`SELECT id FROM entries WHERE ${ID_LOOKUP_V5}`)).toMatch(/USING INDEX entries_id_prefix/);
      expect(db.prepare(`SELECT seq FROM entries WHERE ${ID_LOOKUP_V5}`).pluck().get({ id: e2 })).toBe(2);
      // Same 16-character prefix, other id: the prefix finds both, the full comparison keeps the right one.
      const twin = `${e2.slice(0, 16)}${'f'.repeat(48)}`;
      db.prepare(INSERT_ENTRY).run(rawEntryRow(3, twin, 2, e1));
      expect(db.prepare(`SELECT pos FROM entries WHERE ${ID_LOOKUP_V5}`).pluck().all({ id: twin })).toEqual([3]);
      expect(db.prepare(`SELECT pos FROM entries WHERE ${ID_LOOKUP_V5}`).pluck().all({ id: e2 })).toEqual([2]);
      expect(() => db.prepare(INSERT_ENTRY).run(rawEntryRow(4, e2, 2, e1))).toThrow(/UNIQUE/);
      expect(() => db.prepare(INSERT_ENTRY).run(rawEntryRow(5, 'e5', 2, null))).toThrow(/CHECK/);
      expect(() => db.prepare('UPDATE entries SET body = ? WHERE id = ?').run('{}', e1)).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM entries WHERE id = ?').run(e2)).toThrow(/append-only/);
      for (const where of ['incident = @id', "kind = 'besluit' AND incident = @id"]) {
        expect(plan(`SELECT id FROM entries WHERE ${where} ORDER BY pos DESC LIMIT 50`)).toMatch(/USING INDEX entries_(incident|kind)/);
        expect(plan(`SELECT id FROM entries WHERE ${where} ORDER BY pos DESC LIMIT 50`)).not.toMatch(/TEMP B-TREE/);
      }
      expect(plan('SELECT id FROM entries WHERE author = @id ORDER BY seq DESC')).toMatch(/entries_author_seq/);

      // Waiting entries: where from (NULL when not recorded) and their size, both counted from an index alone.
      const wait = db.prepare('INSERT INTO pending_entries (id, author, seq, prev, entry, received_at, source, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      wait.run('p2', 'a'.repeat(64), 2, 'p1', '{}', 1, 'bundle:/media/usb/noord.baken', 2);
      wait.run('p3', 'a'.repeat(64), 3, 'p2', '{}', 1, null, 2);
      expect(() => wait.run('p4', 'a'.repeat(64), 4, 'p3', '{}', 1, null, -1)).toThrow(/CHECK/);
      expect(() => db.prepare("INSERT INTO pending_entries (id, author, seq, prev, entry, received_at) VALUES ('p5', 'a', 5, 'p4', '{}', 1)").run()).toThrow(/NOT NULL/);
      expect(plan('SELECT count(*), total(bytes) FROM pending_entries WHERE source IS @id')).toMatch(/COVERING INDEX pending_source/);
      expect(plan('SELECT count(*) FROM pending_entries WHERE author = @id')).toMatch(/COVERING INDEX pending_author/);
      expect(plan('SELECT id FROM pending_entries WHERE prev = @id')).toMatch(/pending_prev/);
      expect(db.prepare('SELECT count(*) FROM pending_entries WHERE source IS NULL').pluck().get()).toBe(1);

      // Without STRICT, the CHECK constraints refuse exactly what the STRICT tables of schema 4 refused.
      const strict = keep(new Database(':memory:'));
      migrate(strict, 4);
      const checked = keep(new Database(':memory:'));
      migrate(checked, 5);
      for (const [table, row] of Object.entries(PROBE_ROWS)) {
        const added = table === 'pending_entries' ? { bytes: 2 } : {};
        expect(typeOutcomes(checked, table, row, added), table).toEqual(typeOutcomes(strict, table, row));
      }
      expect(typeOutcomes(checked, 'pending_entries', { source: 'peer', bytes: 2 }, PROBE_ROWS.pending_entries)).toEqual([
        'source=7: text', "source='7': text", "source='zeven': text", 'source=1.5: text', 'source=blob: refused', 'source=null: null',
        'bytes=7: integer', "bytes='7': integer", "bytes='zeven': refused", 'bytes=1.5: refused', 'bytes=blob: refused', 'bytes=null: refused',
      ]);
      expect(schemaUsesStrictOrUnhex(db)).toEqual([]);
    },
  },
  6: {
    adds: ['table:search_backlog', 'table:entry_ids', 'table:entry_ids_config', 'table:entry_ids_data', 'table:entry_ids_idx'],
    drops: ['index:entries_id_prefix'],
    works(db) {
      // Today's writers, lookups and backlog speak today's schema (ids and keys as bytes since migration 8).
      migrate(db);
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(idParams('x')) as { detail: string }[]).map((p) => p.detail).join(' ');
      expect(plan(`SELECT id FROM entries WHERE ${ID_LOOKUP}`)).toMatch(/SEARCH entries USING INTEGER PRIMARY KEY/);
      expect(plan(`SELECT id FROM entries WHERE ${ID_LOOKUP}`)).toMatch(/VIRTUAL TABLE INDEX/);
      expect(plan(`SELECT id FROM entries WHERE ${ID_LOOKUP}`)).not.toMatch(/SCAN entries/);
      const textHits = (word: string) => db.prepare('SELECT rowid FROM entry_text WHERE entry_text MATCH ?').safeIntegers(true).pluck().all(word);
      const backlogged = () => db.prepare('SELECT pos FROM search_backlog ORDER BY pos').safeIntegers(true).pluck().all();
      // An append left its text and id to the backlog, its position in search_backlog (until
      // migration 9): the rows by today's writer, the positions by hand, as appends wrote them.
      const texts = ['Dijkdoorbraak Lith', 'Coördinatie met de brandweer'];
      const appended = makeChain(makeSigner(), 'cd'.repeat(16), 2, { t0: 1_790_000_000_000, text: (i) => texts[i]! });
      const opened = appended[0]!;
      const writeAppended = createEntryWriter(db, { later: 'text-and-id' });
      for (const entry of appended) db.prepare('INSERT INTO search_backlog (pos) VALUES (?)').run(writeAppended(entry, 1_790_000_000_000, null));
      const positions = db.prepare('SELECT pos FROM entries ORDER BY pos').safeIntegers(true).pluck().all();
      expect(positions).toHaveLength(2);
      expect(backlogged()).toEqual(positions);
      expect(textHits('coordinatie')).toEqual([]);
      // Received entries go into the index at once.
      const [received] = makeChain(makeSigner(), opened.incident, 1, { t0: 1_790_000_100_000, text: () => 'Dijk houdt stand' });
      createEntryWriter(db)(received!, 1_790_000_100_000, null);
      expect(textHits('houdt')).toHaveLength(1);
      expect(backlogged()).toEqual(positions);
      // One run indexes the backlog and empties it; a second finds nothing to do.
      const backlog = createSearchBacklog(db);
      expect(backlog.size()).toBe(2);
      expect(backlog.index()).toBe(2);
      expect(backlog.size()).toBe(0);
      expect(backlog.index()).toBe(0);
      expect(textHits('coordinatie')).toEqual([positions[1]]);
      expect(textHits('lith')).toEqual([positions[0]]);
      // Lookups by id find entries in the backlog and in the index alike, and compare the whole id.
      const lookup = db.prepare(`SELECT pos FROM entries WHERE ${ID_LOOKUP}`).safeIntegers(true).pluck();
      expect(lookup.all(idParams(opened.id))).toEqual([positions[0]]);
      expect(lookup.all(idParams(received!.id))).toHaveLength(1);
      expect(lookup.all(idParams(`${received!.id.slice(0, 16)}${'0'.repeat(48)}`))).toEqual([]);
      // Not part of the log: its rows go once indexed.
      db.prepare('INSERT INTO search_backlog (pos) VALUES (?)').run(positions[0]);
      expect(() => db.prepare('INSERT INTO search_backlog (pos) VALUES (?)').run(positions[0])).toThrow(/UNIQUE|PRIMARY/);
      db.prepare('DELETE FROM search_backlog').run();
    },
  },
  7: {
    adds: ['table:text_backlog'],
    rebuilds: ['index:entries_kind'],
    works(db) {
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join(' ');
      // The kind index is partial: a query that names its condition reads it, one that does not cannot.
      expect(plan("SELECT id FROM entries WHERE kind = 'besluit' AND kind NOT IN ('melding', 'beeld') AND incident = 'x' ORDER BY pos")).toMatch(/INDEX entries_kind/);
      expect(plan("SELECT id FROM entries WHERE kind = 'besluit' AND incident = 'x' ORDER BY pos")).not.toMatch(/INDEX entries_kind/);
      expect(db.prepare("SELECT v FROM entry_text_config WHERE k = 'hashsize'").pluck().get()).toBe(16_777_216);
      const textHits = (word: string) => db.prepare('SELECT rowid FROM entry_text WHERE entry_text MATCH ?').safeIntegers(true).pluck().all(word);
      const waitingText = () => db.prepare('SELECT pos FROM text_backlog ORDER BY pos').safeIntegers(true).pluck().all();
      // A received entry: its id is indexed with its batch, its text waits for the backlog's pass.
      // (Today's writer speaks today's schema: ids and keys as bytes since migration 8.)
      migrate(db);
      const incident = 'ab'.repeat(16);
      const [received] = makeChain(makeSigner(), incident, 1, { t0: 1_790_000_100_000, text: () => 'Kade Maasbracht overstroomd' });
      const pos = createEntryWriter(db, { later: 'text' })(received!, 1_790_000_100_000, null);
      expect(waitingText()).toEqual([pos]);
      expect(db.prepare('SELECT count(*) FROM search_backlog').pluck().get()).toBe(0);
      expect(db.prepare(`SELECT pos FROM entries WHERE ${ID_LOOKUP}`).safeIntegers(true).pluck().all(idParams(received!.id))).toEqual([pos]);
      expect(textHits('maasbracht')).toEqual([]);
      const backlog = createSearchBacklog(db);
      expect(backlog.size()).toBe(1);
      expect(backlog.index()).toBe(1);
      expect(waitingText()).toEqual([]);
      expect(textHits('maasbracht')).toEqual([pos]);
      // Its id was not indexed a second time: one term, one row.
      expect(db.prepare(`SELECT count(*) FROM entries WHERE ${ID_LOOKUP}`).pluck().get(idParams(received!.id))).toBe(1);
      expect(db.prepare("SELECT count(*) FROM entry_ids WHERE entry_ids MATCH ?").pluck().get(`"${received!.id.slice(0, 16)}"`)).toBe(1);
    },
  },
  8: {
    rebuilds: ['table:entries', 'index:entries_kind', 'index:entries_author_seq'],
    adds: ['table:authors', 'index:sqlite_autoindex_authors_1', 'trigger:authors_no_update', 'trigger:authors_no_delete'],
    works(db) {
      // Today's id and prefix lookups also read migration 9's search marks; 9 changes nothing of 8's.
      migrate(db, 9);
      const plan = (sql: string, params: unknown = {}) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((p) => p.detail).join(' ');
      const incident = 'ab'.repeat(16);
      const signer = makeSigner();
      const chain = makeChain(signer, incident, 2, { t0: 1_790_000_100_000, text: () => 'Kade Maasbracht overstroomd' });
      const write = createEntryWriter(db, { later: 'text' });
      const positions = chain.map((entry) => write(entry, 1_790_000_100_000, null));
      // Stored as bytes of the lengths the entry format has, the author by the number `authors` gave
      // its key at its first entry; read back as the entry itself.
      expect(db.prepare('SELECT typeof(id), length(id), author_no, length(prev), length(incident), length(sig) FROM entries ORDER BY pos').raw().all()).toEqual([
        ['blob', 32, 1, null, 16, 64],
        ['blob', 32, 1, 32, 16, 64],
      ]);
      expect(db.prepare('SELECT no, lower(hex(key)) FROM authors').raw().all()).toEqual([[1, signer.publicKeyHex]]);
      expect(db.prepare<[], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries ORDER BY pos`).all().map(rowToEntry)).toEqual(chain);
      expect(db.prepare(`SELECT pos FROM entries WHERE ${ID_LOOKUP}`).safeIntegers(true).pluck().all(idParams(chain[1]!.id))).toEqual([positions[1]]);
      // Hex text, or bytes of another length, are refused in every byte column.
      db.prepare('INSERT INTO authors (key) VALUES (?)').run(Buffer.alloc(32, 0xaa));
      const row = (pos: number, changed: Record<string, unknown>) => {
        const { author: _key, ...rest } = rawEntryRow(pos, '');
        return { ...rest, author_no: 2, id: Buffer.alloc(32, pos), incident: Buffer.alloc(16, 0xbb), sig: Buffer.alloc(64, 0xcc), ...changed };
      };
      const insert = db.prepare(INSERT_ENTRY.replace(/\bauthor\b/g, 'author_no'));
      insert.run(row(10, {}));
      expect(() => insert.run(row(11, { author_no: Buffer.alloc(32, 0xaa) }))).toThrow(/CHECK/);
      // A number is given once: an author's key cannot be changed or removed under its entries.
      expect(() => db.prepare('UPDATE authors SET key = ? WHERE no = 2').run(Buffer.alloc(32, 0xdd))).toThrow(/numbered once/);
      expect(() => db.prepare('DELETE FROM authors WHERE no = 2').run()).toThrow(/numbered once/);
      expect(() => db.prepare('INSERT INTO authors (key) VALUES (?)').run(Buffer.alloc(32, 0xaa))).toThrow(/UNIQUE/);
      expect(() => db.prepare('INSERT INTO authors (key) VALUES (?)').run('aa'.repeat(32))).toThrow(/CHECK/);
      for (const [column, bytes] of [['id', 32], ['incident', 16], ['sig', 64]] as const) {
        expect(() => insert.run(row(11, { [column]: 'ab'.repeat(bytes) })), column).toThrow(/CHECK/);
        expect(() => insert.run(row(11, { [column]: Buffer.alloc(bytes - 1) })), column).toThrow(/CHECK/);
      }
      expect(() => insert.run(row(11, { seq: 2, prev: 'ab'.repeat(32) }))).toThrow(/CHECK/);
      expect(() => insert.run(row(11, { seq: 2, prev: Buffer.alloc(31) }))).toThrow(/CHECK/);
      // The same entry twice is still refused; a fork at the same seq is kept.
      expect(() => insert.run(row(12, { id: Buffer.alloc(32, 10) }))).toThrow(/UNIQUE/);
      insert.run(row(12, { id: Buffer.alloc(32, 12) }));
      expect(() => db.prepare('UPDATE entries SET body = ? WHERE pos = 10').run('{}')).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM entries WHERE pos = 10').run()).toThrow(/append-only/);
      // Lists and chains stay index scans in order, with hex bound through unhex().
      const params = { hex: incident };
      expect(plan(`SELECT body FROM entries WHERE author_no = ${AUTHOR_NO.replace('?', '@hex')} ORDER BY seq DESC`, params)).toMatch(/entries_author_seq \(author_no=\?\)/);
      // One kind of one incident: the kind index, keyed (kind, pos, incident), checks the incident in its key.
      for (const [where, index] of [['incident = unhex(@hex)', 'entries_incident'], [`kind = 'besluit' AND ${KIND_INDEX_CONDITION} AND +incident = unhex(@hex)`, 'entries_kind']]) {
        expect(plan(`SELECT body FROM entries WHERE ${where} ORDER BY pos DESC LIMIT 50`, params)).toMatch(`USING INDEX ${index}`);
        expect(plan(`SELECT body FROM entries WHERE ${where} ORDER BY pos DESC LIMIT 50`, params)).not.toMatch(/TEMP B-TREE/);
      }
      // Incident ids and author keys are found by a typed start, odd or even in length, through their byte ranges.
      const prefixes = createPrefixQueries(db);
      expect(prefixes.incidentIdsByPrefix('abababa', 5)).toEqual([incident]);
      expect(prefixes.incidentIdsByPrefix('abababab', 5)).toEqual([incident]);
      expect(prefixes.incidentIdsByPrefix('ac', 5)).toEqual([]);
      expect(prefixes.incidentIdsByPrefix('AB', 5)).toEqual([]);
      expect(prefixes.authorsByPrefix(signer.publicKeyHex.slice(0, 5), 5)).toEqual([signer.publicKeyHex]);
      expect(prefixes.authorsByPrefix('', 5)).toEqual(['aa'.repeat(32), signer.publicKeyHex].sort());
      // A numbered author's entries are read with their key.
      expect(createSyncQueries(db).authorHead('aa'.repeat(32))).toEqual({ seq: 1, head: Buffer.alloc(32, 10).toString('hex'), extra: 1 });
      expect(createSyncQueries(db).authorHeads().get(signer.publicKeyHex)).toEqual({ seq: 2, head: chain[1]!.id });
    },
  },
  9: {
    adds: ['table:search_marks'],
    works(db) {
      const now = () => 1_790_000_000_000;
      const signer = makeSigner();
      const append = createAppender(db, signer, nodeCrypto, createHlcClock(now), now);
      const backlog = createSearchBacklog(db);
      const lookup = db.prepare(`SELECT lower(hex(id)) FROM entries WHERE ${ID_LOOKUP}`).pluck();
      const written: string[] = [];
      // How many of the entries written here the id index holds.
      const idTerms = () => written.filter((id) => db.prepare('SELECT count(*) FROM entry_ids WHERE entry_ids MATCH ?').pluck().get(idTerm(id)) as number > 0).length;
      const textHits = (word: string) => db.prepare('SELECT count(*) FROM entry_text WHERE entry_text MATCH ?').pluck().get(word);
      const mark = () => db.prepare('SELECT seq FROM search_marks').pluck().all();
      const changes = () => db.prepare('SELECT total_changes()').pluck().get() as number;
      // What waits is read from the marks, then a range of the chain index each: never every entry.
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(idParams('ab')) as { detail: string }[]).map((p) => p.detail).join(' | ');
      expect(plan(`SELECT pos FROM entries WHERE ${ID_LOOKUP}`)).toMatch(/SCAN m \| SEARCH e USING COVERING INDEX entries_author_seq \(author_no=\? AND seq>\?\)/);
      expect(plan(`SELECT pos FROM entries WHERE ${ID_LOOKUP}`)).not.toMatch(/SCAN (e|entries)\b(?! VIRTUAL)/);
      // The first append marks its author at the seq before it; the backlog is what lies above.
      const opened = append({ kind: 'incident', classification: 'intern', body: { title: 'Dijkdoorbraak Lith', start: '2026-11-22T14:00:00.000Z' } });
      written.push(opened.id);
      expect(mark()).toEqual([0]);
      // Every later append writes its row and nothing else.
      const before = changes();
      const second = append({ kind: 'melding', incident: opened.incident, classification: 'intern', body: { text: 'Coördinatie met de brandweer' } });
      expect(changes() - before).toBe(1);
      written.push(second.id);
      expect(db.prepare('SELECT count(*) FROM search_backlog').pluck().get()).toBe(0);
      expect(mark()).toEqual([0]);
      expect(backlog.size()).toBe(2);
      expect(idTerms()).toBe(0);
      expect(lookup.all(idParams(second.id))).toEqual([second.id]);
      expect(backlog.index()).toBe(2);
      expect(mark()).toEqual([2]);
      expect(backlog.size()).toBe(0);
      expect(idTerms()).toBe(2);
      expect(textHits('coordinatie')).toBe(1);
      expect(lookup.all(idParams(second.id))).toEqual([second.id]);
      // The same key on another device (a restored backup): above the mark, its entries wait for the
      // pass like appends; at or below it (a fork at seq 2), they are indexed as received entries.
      const twin = makeChain(signer, opened.incident, 2, { startSeq: 3, prev: second.id, t0: now() + 10, text: (i) => `tweeling ${i} dijkwacht` });
      const fork = makeChain(signer, opened.incident, 1, { startSeq: 2, prev: opened.id, t0: now() + 20, text: () => 'vork dijkwacht' });
      const store = createLogStore({ db, signer: makeSigner(), crypto: nodeCrypto, now });
      written.push(...[...twin, ...fork].map((e) => e.id));
      expect(store.ingest([...twin, ...fork]).added).toHaveLength(3);
      expect(idTerms()).toBe(3);
      expect(backlog.size()).toBe(3);
      for (const entry of [...twin, ...fork]) expect(lookup.all(idParams(entry.id)), entry.id).toEqual([entry.id]);
      expect(backlog.index()).toBe(3);
      expect(mark()).toEqual([4]);
      expect(idTerms()).toBe(5);
      expect(textHits('dijkwacht')).toBe(3);
      expect(backlog.index()).toBe(0);
      // A pass takes whole seqs: two entries at one seq above the mark go in the same pass.
      const forks = [5, 5].map((_, i) => makeChain(signer, opened.incident, 1, { startSeq: 5, prev: twin[1]!.id, t0: now() + 30 + i, text: () => `vork ${i}` })[0]!);
      expect(store.ingest(forks).added).toHaveLength(2);
      written.push(...forks.map((e) => e.id));
      expect(backlog.indexSome(1)).toBe(2);
      expect(mark()).toEqual([5]);
      expect(idTerms()).toBe(7);
    },
  },
  10: {
    adds: [],
    works(db) {
      const leafSize = (handle: SqliteDatabase, index: string) => handle.prepare(`SELECT v FROM ${index}_config WHERE k = 'pgsz'`).pluck().get() ?? null;
      // A 4 KB file keeps FTS5's default leaves (4,050 bytes).
      expect(leafSize(db, 'entry_text')).toBeNull();
      expect(leafSize(db, 'entry_ids')).toBeNull();
      // A 2 KB file gets leaves that fit its pages: no leaf of a search pass spills into an overflow page.
      const small = keep(new Database(join(tempDir(), 'small-pages.db')));
      small.pragma('page_size = 2048');
      migrate(small, 9);
      migrate(small, 10);
      expect(leafSize(small, 'entry_text')).toBe(2000);
      expect(leafSize(small, 'entry_ids')).toBe(2000);
      const insert = small.prepare('INSERT INTO entry_text (rowid, text) VALUES (?, ?)');
      small.transaction(() => {
        for (let i = 1; i <= 400; i++) insert.run(i, `Melding ${i}: wateroverlast bij gemaal ${i % 13}, pomp ${i} draait, dijkwacht ${i % 7} ter plaatse`);
      })();
      const overflow = small.prepare("SELECT count(*) FROM dbstat WHERE name = 'entry_text_data' AND pagetype = 'overflow'").pluck().get();
      expect(overflow).toBe(0);
      expect(small.prepare('SELECT count(*) FROM entry_text WHERE entry_text MATCH ?').pluck().get('dijkwacht')).toBe(400);
    },
  },
};

/** A valid row of each table that was STRICT up to schema 4, to put wrongly typed values into. */
const PROBE_ROWS: Record<string, Record<string, unknown>> = {
  entries: { ...rawEntryRow(1, 'e1'.padEnd(64, '0')), skew_ms: 5 },
  pending_entries: { id: 'p2', author: 'a'.repeat(64), seq: 2, prev: 'p1', entry: '{}', received_at: 1 },
  known_peers: { address: '/ip4/10.0.0.7/tcp/4100', peer_id: 'peer', source: 'manual', added_at: 1, last_connected_at: 2, last_error: 'timeout' },
};
const PROBE_VALUES: [string, unknown][] = [['7', 7], ["'7'", '7'], ["'zeven'", 'zeven'], ['1.5', 1.5], ['blob', Buffer.from('07', 'hex')], ['null', null]];

/**
 * For every column of `row` and every probe value: what the table makes of the row with that
 * column set to the value ("refused", or the type it stored). Each insert is rolled back.
 */
function typeOutcomes(db: SqliteDatabase, table: string, row: Record<string, unknown>, extra: Record<string, unknown> = {}): string[] {
  const full = { ...extra, ...row };
  const columns = Object.keys(full);
  const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  const outcomes: string[] = [];
  for (const column of Object.keys(row)) {
    for (const [shown, value] of PROBE_VALUES) {
      db.exec('SAVEPOINT probe');
      try {
        const { lastInsertRowid } = insert.run({ ...full, [column]: value });
        outcomes.push(`${column}=${shown}: ${db.prepare(`SELECT typeof(${column}) FROM ${table} WHERE rowid = ?`).pluck().get(lastInsertRowid) as string}`);
      } catch (error) {
        // SQLITE_MISMATCH: a rowid that is not an integer.
        if (!/^SQLITE_(CONSTRAINT|MISMATCH)/.test((error as { code?: string }).code ?? '')) throw error;
        outcomes.push(`${column}=${shown}: refused`);
      } finally {
        db.exec('ROLLBACK TO probe; RELEASE probe');
      }
    }
  }
  return outcomes;
}

/** Schema objects SQLite 3.31 could not read or evaluate for these two reasons (the full scan is in sqlite-cli.test.ts). */
function schemaUsesStrictOrUnhex(db: SqliteDatabase): string[] {
  return (db.prepare<[], { name: string; sql: string | null }>('SELECT name, sql FROM sqlite_schema').all())
    .filter((r) => r.sql !== null && (/\)\s*STRICT\s*$/i.test(r.sql) || /\bunhex\s*\(/i.test(r.sql)))
    .map((r) => r.name);
}

describe('migrations', () => {
  it('are numbered 1, 2, 3, … with SCHEMA_VERSION the last, and every one has its expectations in this file', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(Object.keys(EXPECTED).map(Number).sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version));
    for (const m of MIGRATIONS) expect(m.name.trim().length).toBeGreaterThan(0);
  });

  for (const migration of MIGRATIONS) {
    const n = migration.version;
    it(`migration ${n} (${migration.name}) adds exactly its objects on top of version ${n - 1}, and re-applying is a no-op`, () => {
      const { db, file } = freshDb();
      migrate(db, n - 1);
      expect(schemaVersion(db)).toBe(n - 1);
      const before = schemaObjects(db);
      for (const object of EXPECTED[n]!.adds) expect(before.has(object), `${object} already there before migration ${n}`).toBe(false);

      const sqlBefore = schemaSql(db);
      migrate(db, n);
      expect(schemaVersion(db)).toBe(n);
      const after = schemaObjects(db);
      const added = [...after].filter((o) => !before.has(o)).sort();
      expect(added).toEqual([...EXPECTED[n]!.adds].sort());
      const drops = EXPECTED[n]!.drops ?? [];
      expect([...before].filter((o) => !after.has(o)).sort(), `objects gone after migration ${n}`).toEqual([...drops].sort());
      const sqlAfter = schemaSql(db);
      const changed = [...sqlBefore.keys()].filter((o) => sqlAfter.has(o) && sqlAfter.get(o) !== sqlBefore.get(o)).sort();
      expect(changed, `objects whose SQL changed in migration ${n}`).toEqual([...(EXPECTED[n]!.rebuilds ?? [])].sort());

      // Applying the same version again, and a lower one, changes nothing.
      const snapshot = schemaSnapshot(db);
      const bytes = sha256File(file);
      const changes = totalChanges(db);
      migrate(db, n);
      migrate(db, n - 1);
      expect(schemaVersion(db)).toBe(n);
      expect(schemaSnapshot(db)).toEqual(snapshot);
      expect(sha256File(file)).toBe(bytes);
      expect(totalChanges(db)).toBe(changes);

      EXPECTED[n]!.works(db);
    });
  }

  it('applying all migrations to an up-to-date database is a no-op (same schema, same bytes, no writes)', () => {
    const { db, file } = freshDb();
    migrate(db);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    const snapshot = schemaSnapshot(db);
    const bytes = sha256File(file);
    const changes = totalChanges(db);
    migrate(db);
    migrate(db, SCHEMA_VERSION);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(schemaSnapshot(db)).toEqual(snapshot);
    expect(totalChanges(db)).toBe(changes);
    expect(sha256File(file)).toBe(bytes);
  });

  it('openLogDatabase upgrades an older log in place and keeps its rows', () => {
    const dir = tempDir();
    const file = join(dir, DATABASE_FILE);
    const old = new Database(file);
    migrate(old, 1);
    old.prepare(INSERT_ENTRY).run(rawEntryRow(1, 'e1'.padEnd(64, '0')));
    old.close();

    const db = keep(openLogDatabase(file));
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT lower(hex(id)) FROM entries').pluck().all()).toEqual(['e1'.padEnd(64, '0')]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const dropped = new Set(MIGRATIONS.flatMap((m) => EXPECTED[m.version]!.drops ?? []));
    const expected = MIGRATIONS.flatMap((m) => EXPECTED[m.version]!.adds).filter((o) => !dropped.has(o));
    for (const object of expected) expect(schemaObjects(db).has(object), object).toBe(true);
    for (const object of dropped) expect(schemaObjects(db).has(object), object).toBe(false);
  });

  it('a brand-new log is created at SCHEMA_VERSION in WAL mode', () => {
    const file = join(tempDir(), DATABASE_FILE);
    const db = keep(openLogDatabase(file));
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
  });
});

describe('a database written by a newer Baken', () => {
  it('is refused by openLogDatabase with newer-database, bytes unchanged (plain SQLite file)', async () => {
    const dir = tempDir();
    const file = join(dir, DATABASE_FILE);
    const db = new Database(file);
    migrate(db);
    db.exec('CREATE TABLE from_the_future (x TEXT)');
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = sha256File(file);

    const error = await caught(() => keep(openLogDatabase(file)));
    expect(error).toBeInstanceOf(BakenError);
    expect((error as BakenError).code).toBe('newer-database');
    expect((error as BakenError).message).toMatch(/newer Baken/);
    expect((error as BakenError).message).not.toMatch(/\n/);
    expect(sha256File(file)).toBe(before);
    expect(readdirSync(dir)).toEqual([DATABASE_FILE]);
  });

  /** A real Baken log (WAL mode, with entries), whose user_version a newer Baken raised. */
  async function newerRealLog(): Promise<{ dir: string; file: string }> {
    const dir = tempDir();
    const backend = openTestBackend({ dataDir: dir, create: true });
    const { id } = await backend.api['incident.create']({ title: 'Stroomstoring', classification: 'intern' });
    await backend.api['log.add']({ incident: id, kind: 'melding', body: { text: 'Netbeheerder gebeld' }, classification: 'intern' });
    backend.close();
    const file = join(dir, DATABASE_FILE);
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(sqliteSideFiles(file)).toEqual([]);
    return { dir, file };
  }

  it('is refused by createBackend with newer-database, bytes unchanged (real WAL-mode log)', async () => {
    const { dir, file } = await newerRealLog();
    const before = sha256File(file);
    const error = await caught(() => keep(openTestBackend({ dataDir: dir })));
    expect(error).toBeInstanceOf(BakenError);
    expect((error as BakenError).code).toBe('newer-database');
    expect((error as BakenError).message).toContain(`schema ${SCHEMA_VERSION + 5}`);
    expect(sha256File(file)).toBe(before);
    const check = new Database(file, { readonly: true });
    expect(schemaVersion(check)).toBe(SCHEMA_VERSION + 5);
    check.close();
  });

  it('is refused without leaving -wal/-shm files next to it (real WAL-mode log)', async () => {
    const { dir, file } = await newerRealLog();
    const error = await caught(() => keep(openLogDatabase(file)));
    expect((error as BakenError).code).toBe('newer-database');
    expect(sqliteSideFiles(file)).toEqual([]);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});

describe('append-only entries', () => {
  async function realLog(): Promise<{ backend: TestBackend; db: SqliteDatabase; ids: string[] }> {
    const dir = tempDir();
    const backend = keep(openTestBackend({ dataDir: dir, create: true }));
    const created = await backend.api['incident.create']({ title: 'Overstroming', classification: 'intern' });
    const added = await backend.api['log.add']({ incident: created.id, kind: 'melding', body: { text: 'Dijk houdt' }, classification: 'intern' });
    const db = keep(new Database(join(dir, DATABASE_FILE)));
    return { backend, db, ids: [created.entry.id, added.id] };
  }

  function rowsOf(db: SqliteDatabase): unknown[] {
    return db.prepare('SELECT * FROM entries ORDER BY pos').all();
  }

  it('UPDATE of any column of an entry row fails and changes nothing', async () => {
    const { db, ids } = await realLog();
    const before = rowsOf(db);
    for (const [column, value] of [['body', '{"text":"Dijk breekt"}'], ['classification', 'openbaar'], ['received_at', 0], ['skew_ms', 5]] as const) {
      expect(() => db.prepare(`UPDATE entries SET ${column} = ? WHERE id = unhex(?)`).run(value, ids[1]), column).toThrow(/append-only/);
    }
    expect(() => db.prepare('UPDATE entries SET body = body').run()).toThrow(/append-only/);
    expect(rowsOf(db)).toEqual(before);
  });

  it('DELETE of entry rows fails and removes nothing', async () => {
    const { db, ids, backend } = await realLog();
    const before = rowsOf(db);
    expect(() => db.prepare('DELETE FROM entries WHERE id = unhex(?)').run(ids[1])).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM entries').run()).toThrow(/append-only/);
    expect(rowsOf(db)).toEqual(before);
    expect((await backend.api.verify({})).ok).toBe(true);
  });

  it('INSERT OR REPLACE cannot overwrite an entry row either (through Baken\'s own connection)', async () => {
    const { backend, ids } = await realLog();
    backend.close();
    const db = keep(openLogDatabase(join(backend.dataDir, DATABASE_FILE)));
    const before = rowsOf(db);
    const row = db.prepare('SELECT * FROM entries WHERE id = unhex(?)').safeIntegers(true).get(ids[1]) as Record<string, unknown>;
    const columns = Object.keys(row);
    const replace = db.prepare(`INSERT OR REPLACE INTO entries (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
    // REPLACE deletes the conflicting row; openLogDatabase turns recursive_triggers on so that delete is refused.
    expect(() => replace.run({ ...row, body: '{"text":"Dijk breekt"}' })).toThrow(/append-only/);
    expect(rowsOf(db)).toEqual(before);
  });
});

describe('migration 5 on a log written at schema 4', () => {
  const mounts = useTmpfsMounts();
  const T = 1_790_000_000_000;
  const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
  const QUERIES = ['coordinatie', 'brandweer', 'cafe', 'dijk', 'melding', 'anders'];

  /**
   * A WAL-mode log at schema 4 written by the store's own writers: appends, another device's
   * entries (one at the very HLC of an append, so it takes the next position slot), a fork, a
   * skewed entry, a long text, an entry waiting for its predecessor, and known peers.
   */
  function schema4Log(file: string) {
    const db = keep(new Database(file));
    db.pragma('journal_mode = WAL');
    db.pragma('recursive_triggers = ON');
    migrate(db, 4);
    const now = () => T;
    // This version's writers speak today's schema: the entries are written into a scratch log and
    // copied over as schema 4 stored them (hex text, text indexed at once).
    const scratch = keep(scratchLog());
    const append = createAppender(scratch, makeSigner(), nodeCrypto, createHlcClock(now), now);
    append({ kind: 'incident', classification: 'intern', body: { title: 'Dijkdoorbraak', start: '2026-11-22T14:00:00.000Z' } });
    append({ kind: 'melding', incident: INCIDENT, classification: 'intern', body: { text: 'Coördinatie met de brandweer', source: 'Meldkamer' } });
    append({ kind: 'beeld', incident: INCIDENT, classification: 'partner', body: { text: `Café ontruimd. ${'Dijk houdt stand. '.repeat(900)}` } });
    const write = createEntryWriter(scratch);
    const other = makeChain(makeSigner(), INCIDENT, 3, { t0: T });
    for (const entry of other) write(entry, T, null);
    const rogue = makeSigner();
    const fork = makeChain(rogue, INCIDENT, 2, { t0: T + 5 });
    const otherSide = makeChain(rogue, INCIDENT, 1, { startSeq: 2, prev: fork[0]!.id, t0: T + 9, text: () => 'anders' });
    for (const entry of [...fork, ...otherSide]) write(entry, T, null);
    const skewed = makeChain(makeSigner(), INCIDENT, 1, { t0: T + 3_600_000 })[0]!;
    write(skewed, T, 3_600_000);
    expect(copyEntriesAsText(scratch, db)).toBe(10);
    const waiting = makeChain(makeSigner(), INCIDENT, 3);
    db.prepare('INSERT INTO pending_entries (id, author, seq, prev, entry, received_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(waiting[2]!.id, waiting[2]!.author, 3, waiting[2]!.prev, JSON.stringify(waiting[2]), T);
    const peers = createKnownPeers(db, now);
    peers.add('/ip4/10.0.0.7/tcp/4100', 'manual');
    peers.add('/ip4/10.0.0.8/tcp/4100', 'invite');
    peers.markConnected('/ip4/10.0.0.7/tcp/4100', '12D3KooWPeer');
    peers.markFailed('/ip4/10.0.0.8/tcp/4100', 'timeout');
    return { db, waiting };
  }

  /** Everything stored, as read back: rows with their positions, waiting entries, peers, search hits by FTS and as the store's search joins them. */
  function contents(db: SqliteDatabase) {
    const search = db.prepare("SELECT CASE typeof(e.id) WHEN 'blob' THEN lower(hex(e.id)) ELSE e.id END FROM entry_text t JOIN entries e ON e.pos = t.rowid WHERE entry_text MATCH ? ORDER BY t.rowid DESC LIMIT 50").pluck();
    return {
      entries: db.prepare(`SELECT ${entryRowAsText(db)} FROM entries ORDER BY pos`).safeIntegers(true).all(),
      pending: db.prepare('SELECT id, author, seq, prev, entry, received_at FROM pending_entries ORDER BY id').all(),
      peers: db.prepare('SELECT * FROM known_peers ORDER BY address').all(),
      fts: QUERIES.map((q) => db.prepare('SELECT rowid FROM entry_text WHERE entry_text MATCH ? ORDER BY rowid').safeIntegers(true).pluck().all(`"${q}"*`)),
      search: QUERIES.map((q) => search.all(searchQuery(q)!)),
    };
  }

  function expectAppendOnly(db: SqliteDatabase): void {
    const before = db.prepare('SELECT * FROM entries ORDER BY pos').safeIntegers(true).all();
    const row = before[1] as Record<string, unknown>;
    expect(() => db.prepare('UPDATE entries SET body = ? WHERE pos = ?').run('{"text":"vervalst"}', row.pos)).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM entries WHERE pos = ?').run(row.pos)).toThrow(/append-only/);
    const columns = Object.keys(row);
    const replace = db.prepare(`INSERT OR REPLACE INTO entries (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
    expect(() => replace.safeIntegers(true).run({ ...row, body: '{"text":"vervalst"}' })).toThrow(/append-only/);
    expect(db.prepare('SELECT * FROM entries ORDER BY pos').safeIntegers(true).all()).toEqual(before);
  }

  it('keeps every row at its position, the search index, waiting entries and peers; triggers still refuse changes', () => {
    const { db, waiting } = schema4Log(join(tempDir(), DATABASE_FILE));
    const before = contents(db);
    expect(before.entries).toHaveLength(10);
    expect(before.fts.every((hits) => hits.length > 0)).toBe(true);
    // The allocator gave the other device's first entry the slot after the append with its HLC.
    expect(new Set(before.entries.map((e) => (e as { pos: bigint }).pos >> 8n)).size).toBeLessThan(10);

    migrate(db);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(contents(db)).toEqual(before);
    expect(db.prepare('SELECT source, bytes, length(CAST(entry AS BLOB)) AS measured FROM pending_entries').all()).toEqual([
      { source: null, bytes: Buffer.byteLength(JSON.stringify(waiting[2])), measured: Buffer.byteLength(JSON.stringify(waiting[2])) },
    ]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.prepare("INSERT INTO entry_text (entry_text) VALUES ('integrity-check')").run();
    const verified = verifyLog(db, nodeCrypto);
    expect(verified).toMatchObject({ ok: true, entries: 10, problems: [], warnings: [{ problem: expect.stringMatching(/^fork: /) }] });
    expectAppendOnly(db);
    // Every entry is found by its id through the new index.
    const queries = createQueries(db);
    for (const row of before.entries as { id: string }[]) expect(queries.entry(row.id)?.id).toBe(row.id);

    // The store works on the migrated file: the waiting entry moves in once its gap is filled.
    const store = createLogStore({ db, signer: makeSigner(), crypto: nodeCrypto, now: () => T });
    expect(store.ingest(waiting.slice(0, 2)).added).toEqual(waiting.map((e) => e.id));
    expect(db.prepare('SELECT count(*) FROM pending_entries').pluck().get()).toBe(0);
  });

  it('a failure part-way (a name it needs is taken) leaves the file exactly at schema 4', () => {
    const { db } = schema4Log(join(tempDir(), DATABASE_FILE));
    // The last index the migration creates: everything before it has been rebuilt when this fails.
    db.exec('CREATE TABLE pending_source (x)');
    const before = { schema: schemaSnapshot(db), contents: contents(db) };
    expect(() => migrate(db)).toThrow(/pending_source/);
    expect(schemaVersion(db)).toBe(4);
    expect({ schema: schemaSnapshot(db), contents: contents(db) }).toEqual(before);
    expect(schemaSnapshot(db).filter((o) => o.sql?.includes('STRICT')).map((o) => o.name).sort()).toEqual(['entries', 'known_peers', 'pending_entries']);
    expectAppendOnly(db);
  });

  /** A WAL-mode log at schema 4 of `rows` plain rows (about 750 bytes each on disk), closed; returns what it holds. */
  function bulkSchema4Log(file: string, rows: number) {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    migrate(db, 4);
    const insert = db.prepare(INSERT_ENTRY);
    const text = db.prepare('INSERT INTO entry_text (rowid, text) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= rows; i++) {
        const id = i.toString(16).padStart(64, '0');
        insert.run({ ...rawEntryRow(i, id), author: id, body: JSON.stringify({ text: `melding ${i} ${'dijk brandweer '.repeat(20)}` }) });
        text.run(i, `melding ${i} dijk brandweer`);
      }
    })();
    const before = { schema: schemaSnapshot(db), contents: contents(db) };
    db.close();
    expect(sqliteSideFiles(file)).toEqual([]);
    return before;
  }

  it('on a disk too full for the copy, opening fails with disk-full and leaves schema 4; with room, the next open migrates', async () => {
    const built = join(tempDir(), DATABASE_FILE);
    const before = bulkSchema4Log(built, 4_000);
    expect(statSync(built).size).toBeGreaterThan(2_500_000);
    const mnt = mounts.mount('5m');
    const file = join(mnt, DATABASE_FILE);
    copyFileSync(built, file);

    const error = await caught(() => keep(openLogDatabase(file)));
    expect(error).toBeInstanceOf(BakenError);
    expect((error as BakenError).code).toBe('disk-full');
    const after = keep(new Database(file));
    mounts.beforeUnmount(() => after.close());
    expect(schemaVersion(after)).toBe(4);
    expect({ schema: schemaSnapshot(after), contents: contents(after) }).toEqual(before);
    after.close();

    mounts.remount(mnt, 'size=64m');
    const reopened = keep(openLogDatabase(file));
    mounts.beforeUnmount(() => reopened.close());
    expect(schemaVersion(reopened)).toBe(SCHEMA_VERSION);
    expect(contents(reopened)).toEqual(before.contents);
  });

  it('a process killed part-way leaves the file at schema 4 with everything in it; the next open migrates it', async () => {
    const dir = tempDir();
    const file = join(dir, DATABASE_FILE);
    // Enough rows that the copy spills pages into the WAL long before it commits.
    const before = bulkSchema4Log(file, 20_000);

    const { signal, bytes: walBytes } = await openAndKillWhenGrown(file, '-wal', 1_000_000);
    expect(signal).toBe('SIGKILL');
    expect(walBytes).toBeGreaterThan(1_000_000);
    const after = keep(new Database(file));
    expect(schemaVersion(after), 'the kill came after the migration committed: raise the row count').toBe(4);
    expect({ schema: schemaSnapshot(after), contents: contents(after) }).toEqual(before);
    expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    after.close();

    const reopened = keep(openLogDatabase(file));
    expect(schemaVersion(reopened)).toBe(SCHEMA_VERSION);
    expect(contents(reopened)).toEqual(before.contents);
  }, 60_000);
});

describe('migration 8 on a log written at schema 7', () => {
  const T = 1_790_000_000_000;
  const WORDS = ['coordinatie', 'brandweer', 'dijk', 'anders'];

  /** A WAL-mode log at schema 7: appends, another device's chain, a fork, text and ids indexed. */
  function schema7Log(file: string): SqliteDatabase {
    const db = keep(new Database(file));
    db.pragma('journal_mode = WAL');
    db.pragma('recursive_triggers = ON');
    migrate(db, 7);
    const scratch = keep(scratchLog());
    const now = () => T;
    const append = createAppender(scratch, makeSigner(), nodeCrypto, createHlcClock(now), now);
    const opened = append({ kind: 'incident', classification: 'intern', body: { title: 'Dijkdoorbraak', start: '2026-11-22T14:00:00.000Z' } });
    append({ kind: 'melding', incident: opened.incident, classification: 'intern', body: { text: 'Coördinatie met de brandweer' } });
    append({ kind: 'besluit', incident: opened.incident, classification: 'intern', body: { text: 'Dijk bewaken', decidedBy: 'ROT' } });
    const write = createEntryWriter(scratch);
    for (const entry of makeChain(makeSigner(), opened.incident, 3, { t0: T })) write(entry, T, null);
    const rogue = makeSigner();
    const fork = makeChain(rogue, opened.incident, 2, { t0: T + 5 });
    const otherSide = makeChain(rogue, opened.incident, 1, { startSeq: 2, prev: fork[0]!.id, t0: T + 9, text: () => 'anders' });
    for (const entry of [...fork, ...otherSide]) write(entry, T, 7);
    expect(copyEntriesAsText(scratch, db)).toBe(9);
    return db;
  }

  /** Everything stored as text, and what the full-text and id indexes answer. */
  function contents(db: SqliteDatabase) {
    const entries = db.prepare<[], { pos: bigint; id: string }>(`SELECT ${entryRowAsText(db)} FROM entries ORDER BY pos`).safeIntegers(true).all();
    return {
      entries,
      words: WORDS.map((w) => db.prepare('SELECT rowid FROM entry_text WHERE entry_text MATCH ? ORDER BY rowid').safeIntegers(true).pluck().all(`"${w}"*`)),
      ids: entries.map((e) => db.prepare("SELECT rowid FROM entry_ids WHERE entry_ids MATCH ?").safeIntegers(true).pluck().all(`"${e.id.slice(0, 16)}"`)),
    };
  }

  it('keeps every row at its position with the same values, and both full-text indexes; verify passes and the store reads it', () => {
    const db = schema7Log(join(tempDir(), DATABASE_FILE));
    const before = contents(db);
    expect(before.words.every((hits) => hits.length > 0)).toBe(true);
    expect(typeof before.entries[0]!.id).toBe('string');

    migrate(db);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(contents(db)).toEqual(before);
    expect(db.prepare("SELECT count(*) FROM entries WHERE typeof(id) = 'blob' AND typeof(sig) = 'blob'").pluck().get()).toBe(9);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(verifyLog(db, nodeCrypto)).toMatchObject({ ok: true, entries: 9, problems: [], warnings: [{ problem: expect.stringMatching(/^fork: /) }] });
    const queries = createQueries(db);
    for (const row of before.entries) expect(queries.entry(row.id)?.id).toBe(row.id);
    const incident = (before.entries[0] as unknown as { incident: string }).incident;
    expect(queries.incidentIds()).toEqual([incident]);
    expect(queries.list({ incident, kind: 'besluit' }, { limit: 5, order: 'newest' }).entries.map((e) => e.body)).toEqual([{ text: 'Dijk bewaken', decidedBy: 'ROT' }]);
    expect(queries.search(searchQuery('brandweer')!, { incident }, { limit: 5, order: 'newest' }).entries).toHaveLength(1);
    const store = createLogStore({ db, signer: makeSigner(), crypto: nodeCrypto, now: () => T });
    expect(store.ingest(makeChain(makeSigner(), incident, 2, { t0: T + 60_000 })).added).toHaveLength(2);
    expect(verifyLog(db, nodeCrypto).ok).toBe(true);
  });

  it('a row that is not hex (written by hand) stops it part-way: the file stays exactly at schema 7, and opening says so', async () => {
    const file = join(tempDir(), DATABASE_FILE);
    const db = schema7Log(file);
    db.prepare(INSERT_ENTRY).run({ ...rawEntryRow(99, 'zz'.repeat(32)), received_at: T });
    const before = { schema: schemaSnapshot(db), contents: contents(db) };
    expect(() => migrate(db)).toThrow(/NOT NULL/);
    expect(schemaVersion(db)).toBe(7);
    expect({ schema: schemaSnapshot(db), contents: contents(db) }).toEqual(before);
    db.close();
    const error = await caught(() => keep(openLogDatabase(file)));
    expect(error).toBeInstanceOf(BakenError);
    expect((error as BakenError).code).toBe('corrupt-database');
    expect((error as BakenError).message).toMatch(/holds a row this version cannot carry over to schema 8 \(NOT NULL constraint failed: .*\); the upgrade was undone and the file left at schema 7$/);
    const after = keep(new Database(file));
    expect(schemaVersion(after)).toBe(7);
    expect({ schema: schemaSnapshot(after), contents: contents(after) }).toEqual(before);
  });
});
