import Database from 'better-sqlite3';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../electron/backend/device.js';
import { BakenError } from '../../../shared/contract/errors.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { openLogDatabase, type SqliteDatabase } from '../../../electron/backend/store/database.js';
import { migrate, MIGRATIONS, SCHEMA_VERSION, schemaVersion } from '../../../electron/backend/store/migrations/index.js';
import { ID_LOOKUP } from '../../../electron/backend/store/rows.js';
import { caught, sha256File, sqliteSideFiles } from '../../support/files.js';
import { useTempDirs } from '../../support/temp.js';

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

function schemaSnapshot(db: SqliteDatabase): { type: string; name: string; sql: string | null }[] {
  return db.prepare<[], { type: string; name: string; sql: string | null }>('SELECT type, name, sql FROM sqlite_schema ORDER BY type, name').all();
}

function totalChanges(db: SqliteDatabase): number {
  return db.prepare('SELECT total_changes()').pluck().get() as number;
}

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
 * objects actually work. A new migration without an entry here fails the completeness test below.
 */
const EXPECTED: Record<number, { adds: string[]; works: (db: SqliteDatabase) => void }> = {
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
      expect(plan(`SELECT id FROM entries WHERE ${ID_LOOKUP}`)).toMatch(/entries_id/);
      expect(db.prepare(`SELECT seq FROM entries WHERE ${ID_LOOKUP}`).pluck().get({ id: e2 })).toBe(2);
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
};

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

      migrate(db, n);
      expect(schemaVersion(db)).toBe(n);
      const after = schemaObjects(db);
      const added = [...after].filter((o) => !before.has(o)).sort();
      expect(added).toEqual([...EXPECTED[n]!.adds].sort());
      for (const object of before) expect(after.has(object), `${object} disappeared in migration ${n}`).toBe(true);

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
    expect(db.prepare('SELECT id FROM entries').pluck().all()).toEqual(['e1'.padEnd(64, '0')]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    for (const m of MIGRATIONS) for (const object of EXPECTED[m.version]!.adds) expect(schemaObjects(db).has(object), object).toBe(true);
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
      expect(() => db.prepare(`UPDATE entries SET ${column} = ? WHERE id = ?`).run(value, ids[1]), column).toThrow(/append-only/);
    }
    expect(() => db.prepare('UPDATE entries SET body = body').run()).toThrow(/append-only/);
    expect(rowsOf(db)).toEqual(before);
  });

  it('DELETE of entry rows fails and removes nothing', async () => {
    const { db, ids, backend } = await realLog();
    const before = rowsOf(db);
    expect(() => db.prepare('DELETE FROM entries WHERE id = ?').run(ids[1])).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM entries').run()).toThrow(/append-only/);
    expect(rowsOf(db)).toEqual(before);
    expect((await backend.api.verify({})).ok).toBe(true);
  });

  it('INSERT OR REPLACE cannot overwrite an entry row either (through Baken\'s own connection)', async () => {
    const { backend, ids } = await realLog();
    backend.close();
    const db = keep(openLogDatabase(join(backend.dataDir, DATABASE_FILE)));
    const before = rowsOf(db);
    const row = db.prepare('SELECT * FROM entries WHERE id = ?').safeIntegers(true).get(ids[1]) as Record<string, unknown>;
    const columns = Object.keys(row);
    const replace = db.prepare(`INSERT OR REPLACE INTO entries (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
    // REPLACE deletes the conflicting row; openLogDatabase turns recursive_triggers on so that delete is refused.
    expect(() => replace.run({ ...row, body: '{"text":"Dijk breekt"}' })).toThrow(/append-only/);
    expect(rowsOf(db)).toEqual(before);
  });
});
