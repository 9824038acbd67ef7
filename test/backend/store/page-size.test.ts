import Database from 'better-sqlite3';
import { copyFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../electron/backend/device.js';
import { NEW_LOG_PAGE_SIZE, openLogDatabase, type SqliteDatabase } from '../../../electron/backend/store/database.js';
import { createLogStore } from '../../../electron/backend/store/index.js';
import { migrate } from '../../../electron/backend/store/migrations/index.js';
import { adoptPageSize, PAGE_SIZE_REWRITE_MAX_BYTES } from '../../../electron/backend/store/page-size.js';
import { verifyLog } from '../../../electron/backend/store/verify.js';
import { openTestBackend } from '../../support/backend.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { openAndKillWhenGrown } from '../../support/killed-open.js';
import { useTmpfsMounts } from '../../support/mounts.js';
import { useTempDirs } from '../../support/temp.js';

const tempDir = useTempDirs();
const mounts = useTmpfsMounts();
const open: { close(): void }[] = [];
afterEach(() => {
  for (const handle of open.splice(0).reverse()) handle.close();
});
function keep<T extends { close(): void }>(handle: T): T {
  open.push(handle);
  return handle;
}

/** A log as a version before 2 KB pages wrote it: 4 KB pages, WAL, appends and received entries, partly indexed. */
function fourKbLog(file: string, received = 600): void {
  const db = new Database(file);
  db.pragma('page_size = 4096');
  db.pragma('journal_mode = WAL');
  migrate(db);
  const store = createLogStore({ db, signer: makeSigner(), crypto: nodeCrypto, now: () => 1_790_000_000_000 });
  const incident = store.append({ kind: 'incident', classification: 'intern', body: { title: 'Dijkdoorbraak Lith', start: '2026-11-22T14:00:00.000Z' } }).incident;
  for (let i = 0; i < 40; i++) store.append({ kind: 'melding', incident, classification: 'intern', body: { text: `Melding ${i}: kwelwater achter de dijk bij paal ${i}` } });
  const chain = makeChain(makeSigner(), incident, received, { text: (i) => `Ontvangen ${i}: zandzakken bij gemaal ${i % 9}` });
  for (let i = 0; i < chain.length; i += 200) store.ingest(chain.slice(i, i + 200));
  store.indexSearchBacklogPass();
  // These wait for the search index across the rewrite.
  for (let i = 0; i < 5; i++) store.append({ kind: 'melding', incident, classification: 'intern', body: { text: `Na de pass ${i}: kwelwater stijgt` } });
  db.close();
}

/**
 * A 4 KB log on a disk with room for it and a little more, not for a rewrite's journal of the whole
 * file: the mount, the log's size and its contents.
 */
function fourKbLogWithoutRoom() {
  const built = join(tempDir(), DATABASE_FILE);
  fourKbLog(built, 4000);
  const size = statSync(built).size;
  const reference = keep(new Database(built, { readonly: true }));
  const before = contents(reference);
  const mnt = mounts.mount(`${Math.ceil((size * 1.3) / 1024)}k`);
  copyFileSync(built, join(mnt, DATABASE_FILE));
  return { mnt, size, before };
}

/** Everything a person or a peer could read back: every row by position, what search finds, what waits. */
function contents(db: SqliteDatabase) {
  const store = createLogStore({ db, signer: makeSigner(), crypto: nodeCrypto, now: () => 1_790_000_000_000 });
  return {
    rows: db.prepare('SELECT CAST(pos AS TEXT) AS pos, lower(hex(id)) AS id, body FROM entries ORDER BY pos').all(),
    waiting: store.searchBacklogSize(),
    heads: [...store.authorHeads()],
  };
}

function found(db: SqliteDatabase, words: readonly string[]) {
  const store = createLogStore({ db, signer: makeSigner(), crypto: nodeCrypto, now: () => 1_790_000_000_000 });
  return words.map((w) => store.search(store.searchMatch(w)!, {}, { limit: 1000, order: 'newest' }).entries.map((e) => e.id));
}

const pageSize = (db: SqliteDatabase) => db.pragma('page_size', { simple: true }) as number;

describe('an older log with 4 KB pages gets the new page size when opened', () => {
  it('is rewritten with 2 KB pages: every row at its position, what waits still waits, search finds the same, no free pages left', () => {
    const file = join(tempDir(), DATABASE_FILE);
    fourKbLog(file);
    const old = keep(new Database(file, { readonly: true }));
    const before = contents(old);
    old.close();
    open.pop();

    const db = keep(openLogDatabase(file));
    expect(pageSize(db)).toBe(NEW_LOG_PAGE_SIZE);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The full-text indexes write leaves that fit the new page (migration 10 ran again).
    expect(db.prepare("SELECT v FROM entry_text_config WHERE k = 'pgsz'").pluck().get()).toBe(NEW_LOG_PAGE_SIZE - 48);
    expect(db.prepare("SELECT v FROM entry_ids_config WHERE k = 'pgsz'").pluck().get()).toBe(NEW_LOG_PAGE_SIZE - 48);
    expect(contents(db)).toEqual(before);
    expect(verifyLog(db, nodeCrypto).ok).toBe(true);
    expect(before.waiting).toBe(5);
    const [kwel, zand] = found(db, ['kwelwater', 'zandzakken']);
    expect(kwel).toHaveLength(45);
    expect(zand).toHaveLength(600);
  });

  it('stays as it is while another connection has it open, and opens; the next open alone rewrites it', () => {
    const file = join(tempDir(), DATABASE_FILE);
    fourKbLog(file);
    const other = new Database(file);
    other.prepare('SELECT count(*) FROM entries').get();
    try {
      const db = openLogDatabase(file);
      expect(pageSize(db)).toBe(4096);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT count(*) FROM entries').pluck().get()).toBe(646);
      db.close();
    } finally {
      other.close();
    }
    const db = keep(openLogDatabase(file));
    expect(pageSize(db)).toBe(NEW_LOG_PAGE_SIZE);
  });

  it('a log larger than the limit keeps its pages', () => {
    const file = join(tempDir(), DATABASE_FILE);
    fourKbLog(file, 10);
    const db = keep(new Database(file));
    const bytes = (db.pragma('page_count', { simple: true }) as number) * 4096;
    expect(PAGE_SIZE_REWRITE_MAX_BYTES).toBe(64 * 1024 * 1024);
    expect(adoptPageSize(db, NEW_LOG_PAGE_SIZE, bytes - 1)).toBe('too-large');
    expect(pageSize(db)).toBe(4096);
    expect(adoptPageSize(db, NEW_LOG_PAGE_SIZE, bytes)).toBe('rewritten');
    expect(pageSize(db)).toBe(NEW_LOG_PAGE_SIZE);
    expect(adoptPageSize(db, NEW_LOG_PAGE_SIZE, bytes)).toBe('already');
  });

  it('the limit counts the pages still in the WAL, not only the file', () => {
    const file = join(tempDir(), DATABASE_FILE);
    const db = keep(new Database(file));
    db.pragma('page_size = 4096');
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    migrate(db);
    const store = createLogStore({ db, signer: makeSigner(), crypto: nodeCrypto, now: () => 1_790_000_000_000 });
    const incident = store.append({ kind: 'incident', classification: 'intern', body: { title: 'Dijkdoorbraak Lith', start: '2026-11-22T14:00:00.000Z' } }).incident;
    store.ingest(makeChain(makeSigner(), incident, 500, { text: (i) => `Ontvangen ${i}: zandzakken bij gemaal ${i % 9}` }));
    const inFile = statSync(file).size;
    const inLog = (db.pragma('page_count', { simple: true }) as number) * 4096;
    expect(inLog).toBeGreaterThan(4 * inFile);
    expect(adoptPageSize(db, NEW_LOG_PAGE_SIZE, 2 * inFile)).toBe('too-large');
    expect(pageSize(db)).toBe(4096);
  });

  it('on a disk with no room for the copy, the log opens as it was, whole; with room, the next open rewrites it', () => {
    const { mnt, size, before } = fourKbLogWithoutRoom();
    const file = join(mnt, DATABASE_FILE);

    const db = openLogDatabase(file);
    mounts.beforeUnmount(() => db.open && db.close());
    expect(pageSize(db)).toBe(4096);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(contents(db)).toEqual(before);
    db.close();

    mounts.remount(mnt, `size=${Math.ceil((size * 4) / 1024)}k`);
    const reopened = openLogDatabase(file);
    mounts.beforeUnmount(() => reopened.open && reopened.close());
    expect(pageSize(reopened)).toBe(NEW_LOG_PAGE_SIZE);
    expect(contents(reopened)).toEqual(before);
  });

  it('a process killed in the middle of the rewrite leaves the old log whole; the next open rewrites it', async () => {
    const file = join(tempDir(), DATABASE_FILE);
    fourKbLog(file, 6000);
    const reference = keep(new Database(file, { readonly: true }));
    const before = contents(reference);
    reference.close();
    open.pop();

    const { signal, bytes: journal } = await openAndKillWhenGrown(file, '-journal', 64 * 1024);
    // Killed with the rewrite's rollback journal on disk: SQLite must put the old pages back.
    expect(signal, 'the child finished the rewrite before it was killed: make the log larger').toBe('SIGKILL');
    expect(journal).toBeGreaterThan(64 * 1024);
    expect(existsSync(`${file}-journal`)).toBe(true);

    const db = keep(openLogDatabase(file));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(pageSize(db)).toBe(NEW_LOG_PAGE_SIZE);
    expect(contents(db)).toEqual(before);
    expect(existsSync(`${file}-journal`)).toBe(false);
  });
});

describe('compacting when a person asks (baken compact)', () => {
  const storeOn = (db: SqliteDatabase) => createLogStore({ db, signer: makeSigner(), crypto: nodeCrypto, now: () => 1_790_000_000_000 });

  it('rewrites a log that kept its 4 KB pages for being too large: every row kept, no free pages left', () => {
    const file = join(tempDir(), DATABASE_FILE);
    fourKbLog(file);
    const db = keep(new Database(file));
    db.pragma('journal_mode = WAL');
    const before = contents(db);
    expect(adoptPageSize(db, NEW_LOG_PAGE_SIZE, 1)).toBe('too-large');

    const report = storeOn(db).compact();
    expect(report.outcome).toBe('rewritten');
    expect(report.before.pageSize).toBe(4096);
    expect(report.after).toEqual({ pageSize: NEW_LOG_PAGE_SIZE, pages: expect.any(Number), freePages: 0 });
    expect(pageSize(db)).toBe(NEW_LOG_PAGE_SIZE);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(contents(db)).toEqual(before);
    expect(verifyLog(db, nodeCrypto).ok).toBe(true);
    expect(found(db, ['zandzakken'])[0]).toHaveLength(600);
  });

  it('gives back the pages a log with the new page size no longer uses, and then has nothing to do', () => {
    const file = join(tempDir(), DATABASE_FILE);
    fourKbLog(file);
    const db = keep(openLogDatabase(file));
    // Pages freed as full-text merges and migrations free them.
    db.exec("CREATE TABLE scratch (x); INSERT INTO scratch SELECT randomblob(1500) FROM entries; DROP TABLE scratch");
    const freed = db.pragma('freelist_count', { simple: true }) as number;
    expect(freed).toBeGreaterThan(100);
    const before = contents(db);

    const first = storeOn(db).compact();
    expect(first.outcome).toBe('rewritten');
    expect(first.before.freePages).toBe(freed);
    expect(first.after.freePages).toBe(0);
    expect(first.after.pages).toBeLessThan(first.before.pages - freed / 2);
    expect(contents(db)).toEqual(before);

    const second = storeOn(db).compact();
    expect(second.outcome).toBe('already');
    expect(second.after).toEqual(first.after);
  });

  it('through the API, on a disk with no room for the copy: a storage error in plain words, the log as it was', async () => {
    const { mnt, before } = fourKbLogWithoutRoom();

    const backend = openTestBackend({ dataDir: mnt });
    mounts.beforeUnmount(() => backend.close());
    await expect(backend.api['log.compact']({})).rejects.toMatchObject({
      code: 'storage',
      message: expect.stringMatching(/^the log could not be rewritten, most likely for lack of room: the copy needs up to \d+ MB free beside it; nothing was changed$/),
    });
    backend.close();
    const db = keep(new Database(join(mnt, DATABASE_FILE)));
    expect(pageSize(db)).toBe(4096);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(contents(db)).toEqual(before);
  });

  it('leaves the log as it was while another connection has it open', () => {
    const file = join(tempDir(), DATABASE_FILE);
    fourKbLog(file);
    const db = keep(openLogDatabase(file));
    db.exec("CREATE TABLE scratch (x); INSERT INTO scratch SELECT randomblob(1500) FROM entries; DROP TABLE scratch");
    const other = keep(new Database(file));
    other.prepare('SELECT count(*) FROM entries').get();
    const before = { pages: db.pragma('page_count', { simple: true }), free: db.pragma('freelist_count', { simple: true }) };

    expect(storeOn(db).compact().outcome).toBe('in-use');
    expect({ pages: db.pragma('page_count', { simple: true }), free: db.pragma('freelist_count', { simple: true }) }).toEqual(before);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // Still a working log.
    storeOn(db).append({ kind: 'incident', classification: 'intern', body: { title: 'Nog open', start: '2026-11-22T14:00:00.000Z' } });
  });
});
