import Database from 'better-sqlite3';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../electron/backend/device.js';
import { migrate } from '../../../electron/backend/store/migrations/index.js';
import { searchQuery } from '../../../electron/backend/store/queries.js';
import { ID_LOOKUP, idParams } from '../../../electron/backend/store/rows.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { makeChain, makeSigner } from '../../support/entries.js';
import { useTempDirs } from '../../support/temp.js';

/**
 * The data file stays checkable by SQLite 3.31 and later: whoever holds a copy of baken.db (an
 * auditor, an IT department, a court) can open it with the sqlite3 or Python their system ships.
 * Debian's own sqlite3 (3.40 on Debian 12; .ci/run installs it) checks a log after real writes, and
 * a scan of the schema finds nothing SQLite 3.31 lacks.
 */
const SQLITE3 = '/usr/bin/sqlite3';
/** The oldest SQLite the data file must stay readable and checkable by (Ubuntu 20.04 ships it). */
const OLDEST = '3.31';

/**
 * Functions that SQLite 3.31 does not have, with the release that added them. A schema (index,
 * trigger, view, CHECK, generated column) that calls one cannot be read or checked by older SQLite.
 */
const NEWER_FUNCTIONS: Record<string, string> = {
  iif: '3.32', if: '3.48',
  // math functions exist only in builds with SQLITE_ENABLE_MATH_FUNCTIONS, and only from 3.35 on
  ...Object.fromEntries(['acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'ceil', 'ceiling', 'cos', 'cosh', 'degrees', 'exp', 'floor', 'ln',
    'log', 'log10', 'log2', 'mod', 'pi', 'pow', 'power', 'radians', 'sign', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'trunc'].map((f) => [f, '3.35'])),
  unixepoch: '3.38', format: '3.38',
  // JSON functions are built in only from 3.38 on (an optional extension before)
  ...Object.fromEntries(['json', 'json_array', 'json_array_length', 'json_extract', 'json_insert', 'json_object', 'json_patch', 'json_remove', 'json_replace',
    'json_set', 'json_type', 'json_valid', 'json_quote', 'json_each', 'json_tree', 'json_group_array', 'json_group_object'].map((f) => [f, '3.38'])),
  unhex: '3.41', json_error_position: '3.42', octet_length: '3.43', timediff: '3.43',
  concat: '3.44', concat_ws: '3.44', string_agg: '3.44',
  ...Object.fromEntries(['jsonb', 'jsonb_array', 'jsonb_extract', 'jsonb_insert', 'jsonb_object', 'jsonb_patch', 'jsonb_remove', 'jsonb_replace', 'jsonb_set',
    'jsonb_group_array', 'jsonb_group_object', 'jsonb_each', 'jsonb_tree'].map((f) => [f, '3.45'])),
  json_pretty: '3.46', unistr: '3.50', unistr_quote: '3.50', median: '3.51', percentile: '3.51', percentile_cont: '3.51', percentile_disc: '3.51',
};

/** Syntax and table options that SQLite 3.31 does not understand, with the release that added them. */
const NEWER_SYNTAX: { name: string; since: string; pattern: RegExp }[] = [
  { name: 'UPDATE … FROM', since: '3.33', pattern: /\bUPDATE\b[^;]*\bSET\b[^;]*\bFROM\b/i },
  { name: 'RETURNING', since: '3.35', pattern: /\bRETURNING\b/i },
  { name: 'MATERIALIZED common table expression', since: '3.35', pattern: /\bAS\s+(NOT\s+)?MATERIALIZED\b/i },
  { name: 'FTS5 trigram tokenizer', since: '3.34', pattern: /\btrigram\b/i },
  { name: 'STRICT table', since: '3.37', pattern: /\)\s*(WITHOUT\s+ROWID\s*,\s*)?STRICT\b/i },
  { name: '-> and ->> operators', since: '3.38', pattern: /->/ },
  { name: 'IS [NOT] DISTINCT FROM', since: '3.39', pattern: /\bIS\s+(NOT\s+)?DISTINCT\s+FROM\b/i },
  { name: 'RIGHT or FULL JOIN', since: '3.39', pattern: /\b(RIGHT|FULL)\s+(OUTER\s+)?JOIN\b/i },
  { name: 'FTS5 contentless_delete', since: '3.43', pattern: /\bcontentless_delete\b/i },
  { name: 'FTS5 tokendata', since: '3.45', pattern: /\btokendata\b/i },
  { name: 'FTS5 contentless_unindexed', since: '3.47', pattern: /\bcontentless_unindexed\b/i },
  { name: 'FTS5 locale', since: '3.47', pattern: /\blocale\s*=/i },
];

/** What in the schema of `db` SQLite 3.31 could not read or evaluate, as "object: feature (since)". */
function newerThanOldest(db: Database.Database): string[] {
  const found: string[] = [];
  for (const { name, sql } of db.prepare<[], { name: string; sql: string | null }>('SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL').all()) {
    // String literals ('…') and quoted names may say anything: only the SQL around them counts.
    const code = sql!.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""');
    for (const [, fn] of code.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
      const since = NEWER_FUNCTIONS[fn!.toLowerCase()];
      if (since) found.push(`${name}: ${fn!.toLowerCase()}() (${since})`);
    }
    for (const feature of NEWER_SYNTAX) if (feature.pattern.test(code)) found.push(`${name}: ${feature.name} (${feature.since})`);
  }
  return found;
}

function sqlite3(file: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(SQLITE3, ['-bail', '-readonly', file, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function cliVersion(): [number, number] {
  const [major, minor] = execFileSync(SQLITE3, ['-version'], { encoding: 'utf8' }).split(' ')[0]!.split('.').map(Number);
  return [major!, minor!];
}

const INCIDENT_TEXT = 'Coördinatie met de brandweer bij het café';

const tempDir = useTempDirs();
const opened: { close(): void }[] = [];
afterEach(() => {
  for (const handle of opened.splice(0).reverse()) handle.close();
});

/**
 * A log after real writes: this device's appends (an incident, reports, an action and its status),
 * another device's chain ingested, a fork, entries waiting for a predecessor, and known peers.
 */
async function writtenLog(): Promise<{ backend: TestBackend; file: string }> {
  const dir = tempDir();
  const backend = openTestBackend({ dataDir: dir, create: true });
  opened.push(backend);
  const { id: incident } = await backend.api['incident.create']({ title: 'Dijkdoorbraak Lith', classification: 'intern' });
  await backend.api['log.add']({ incident, kind: 'melding', body: { text: INCIDENT_TEXT, source: 'Meldkamer' }, classification: 'intern' });
  await backend.api['log.add']({ incident, kind: 'beeld', body: { text: 'Dijk houdt stand. '.repeat(1000) }, classification: 'partner' });
  const action = await backend.api['action.add']({ incident, text: 'Zandzakken naar de dijk', owner: 'Gemeente' });
  await backend.api['action.status']({ action: action.id, status: 'not_done', reason: 'Geen vrachtwagen' });

  const other = makeChain(makeSigner(), incident, 5, { text: (i) => `melding ${i} van de GHOR` });
  expect(backend.store.ingest(other, { from: '12D3KooWPeerA' }).added).toHaveLength(5);
  const rogue = makeSigner();
  const base = makeChain(rogue, incident, 2);
  const otherSide = makeChain(rogue, incident, 1, { startSeq: 2, prev: base[0]!.id, text: () => 'andere versie' });
  expect(backend.store.ingest([...base, ...otherSide]).forks).toHaveLength(1);
  const gapped = makeChain(makeSigner(), incident, 6).slice(2);
  expect(backend.store.ingest(gapped.slice(0, 2), { from: 'bundle:/media/usb/noord.baken' }).pending).toHaveLength(2);
  expect(backend.store.ingest(gapped.slice(2), { from: '12D3KooWPeerA' }).pending).toHaveLength(2);

  backend.store.knownPeers.add('/ip4/10.0.0.7/tcp/4100', 'manual');
  backend.store.knownPeers.markConnected('/ip4/10.0.0.7/tcp/4100', '12D3KooWPeer');
  backend.store.knownPeers.add('/ip4/10.0.0.8/tcp/4100', 'invite');
  return { backend, file: join(dir, DATABASE_FILE) };
}

describe("the data file and Debian's sqlite3", () => {
  it(`${SQLITE3} is there (.ci/run installs Debian's sqlite3 package when it is missing)`, () => {
    expect(existsSync(SQLITE3), `${SQLITE3} is missing: apt-get install sqlite3 (as .ci/run does)`).toBe(true);
  });

  it('passes PRAGMA integrity_check, dumps, restores from the dump, and finds entries by id and text', async () => {
    const { backend, file } = await writtenLog();
    const entries = backend.store.count();
    const hits = backend.store.search(searchQuery('coordinatie cafe')!, {}, { limit: 10, order: 'newest' }).entries.map((e) => e.id);
    expect(hits).toHaveLength(1);
    const someId = backend.store.list({}, { limit: 1, order: 'oldest' }).entries[0]!.id;
    backend.close();
    opened.splice(opened.indexOf(backend), 1);

    expect(sqlite3(file, 'PRAGMA integrity_check;')).toEqual({ status: 0, stdout: 'ok\n', stderr: '' });

    const dump = sqlite3(file, '.dump');
    expect(dump.stderr).toBe('');
    expect(dump.status).toBe(0);
    expect(dump.stdout).not.toMatch(/ERROR/);
    expect(dump.stdout.trimEnd().endsWith('COMMIT;')).toBe(true);
    const restored = join(tempDir(), 'restored.db');
    const dumpFile = join(tempDir(), 'baken.sql');
    writeFileSync(dumpFile, dump.stdout);
    const load = spawnSync(SQLITE3, ['-bail', restored, `.read ${dumpFile}`], { encoding: 'utf8' });
    expect({ status: load.status, stderr: load.stderr }).toEqual({ status: 0, stderr: '' });
    expect(sqlite3(restored, 'PRAGMA integrity_check;').stdout).toBe('ok\n');
    const count = (db: string, table: string) => sqlite3(db, `SELECT count(*) FROM ${table};`).stdout.trim();
    for (const table of ['entries', 'pending_entries', 'known_peers']) expect(count(restored, table), table).toBe(count(file, table));
    expect(count(file, 'entries')).toBe(String(entries));
    expect(count(file, 'pending_entries')).toBe('4');

    // The full-text index Baken wrote answers an older FTS5 too, and lookups by id use the index there.
    const match = sqlite3(file, `SELECT lower(hex(e.id)) FROM entry_text JOIN entries e ON e.pos = entry_text.rowid WHERE entry_text MATCH '${searchQuery('coordinatie cafe')!.replace(/'/g, "''")}';`);
    expect(match.stdout.trim().split('\n')).toEqual(hits);
    const { id, term } = idParams(someId);
    // Ids are stored as bytes (migration 8): a person types one as a blob literal.
    const lookup = ID_LOOKUP.replaceAll('@id', `X'${id.toString('hex')}'`).replaceAll('@term', `'${term}'`);
    expect(sqlite3(file, `SELECT lower(hex(id)) FROM entries WHERE ${lookup};`).stdout.trim()).toBe(someId);
    expect(sqlite3(file, `EXPLAIN QUERY PLAN SELECT id FROM entries WHERE ${lookup};`).stdout).toMatch(/USING INTEGER PRIMARY KEY/);
  });

  it(`has a schema with nothing newer than SQLite ${OLDEST}: no STRICT table, no newer function or syntax`, async () => {
    const { backend } = await writtenLog();
    const db = new Database(join(backend.dataDir, DATABASE_FILE), { readonly: true });
    opened.push(db);
    expect(newerThanOldest(db)).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM sqlite_master WHERE sql IS NOT NULL').pluck().get()).toBeGreaterThan(10);
  });

  it('the scan and the check do see what schema 4 had (STRICT tables, an index calling unhex())', () => {
    const file = join(tempDir(), 'schema4.db');
    const db = new Database(file);
    opened.push(db);
    migrate(db, 4);
    expect(newerThanOldest(db).sort()).toEqual(
      ['entries: STRICT table (3.37)', 'entries_id: unhex() (3.41)', 'known_peers: STRICT table (3.37)', 'pending_entries: STRICT table (3.37)'],
    );
    const check = sqlite3(file, 'PRAGMA integrity_check;');
    const [major, minor] = cliVersion();
    if (major === 3 && minor < 41) {
      // What the issue reported: Debian 12's sqlite3 cannot even start the check.
      expect(check.status).not.toBe(0);
      expect(check.stderr).toMatch(/unknown function: unhex\(\)/);
    } else {
      expect(check.stdout).toBe('ok\n');
    }
  });
});
