import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../electron/backend/device.js';
import { BakenError } from '../../../shared/contract/errors.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { openLogDatabase } from '../../../electron/backend/store/database.js';
import { caught, overwriteBytes, sha256File, sqliteSideFiles } from '../../support/files.js';
import { sourceCli } from '../../support/cli.js';
import { useTmpfsMounts } from '../../support/mounts.js';
import { useTempDirs } from '../../support/temp.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const tempDir = useTempDirs();
const backends: TestBackend[] = [];
afterEach(() => {
  for (const b of backends.splice(0)) b.close();
});
function track(backend: TestBackend): TestBackend {
  backends.push(backend);
  return backend;
}

/** Deterministic "random" bytes (a SHA-256 chain), so a failure reproduces. */
function pseudoRandomBytes(length: number, seed: string): Buffer {
  const chunks: Buffer[] = [];
  let block = createHash('sha256').update(seed).digest();
  for (let size = 0; size < length; size += block.length) {
    chunks.push(block);
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat(chunks).subarray(0, length);
}

/** File descriptors of this process that point at `file` (an open SQLite handle keeps one). */
function openDescriptors(file: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === file) out.push(fd);
    } catch {
      // closed between readdir and readlink
    }
  }
  return out;
}

function expectOneLine(error: unknown): void {
  expect((error as Error).message).not.toMatch(/\n/);
}

describe('a file that is not SQLite where baken.db should be', () => {
  const cases: [string, () => Buffer][] = [
    ['random bytes', () => pseudoRandomBytes(64 * 1024, 'not-a-database')],
    ['a text file', () => Buffer.from('Notities crisisteam\nNiet weggooien!\n'.repeat(200), 'utf8')],
    ['a single byte', () => Buffer.from('x')],
  ];
  for (const [name, content] of cases) {
    it(`${name}: createBackend throws not-a-database and leaves the file as it was`, async () => {
      const dir = tempDir();
      const file = join(dir, DATABASE_FILE);
      writeFileSync(file, content());
      const before = sha256File(file);

      const error = await caught(() => track(openTestBackend({ dataDir: dir })));
      expect(error).toBeInstanceOf(BakenError);
      expect((error as BakenError).code).toBe('not-a-database');
      expect((error as BakenError).message).toMatch(/not a Baken database/);
      expectOneLine(error);
      expect(sha256File(file)).toBe(before);
      expect(sqliteSideFiles(file)).toEqual([]);

      const direct = await caught(() => openLogDatabase(file).close());
      expect((direct as BakenError).code).toBe('not-a-database');
      expect(sha256File(file)).toBe(before);
      expect(openDescriptors(file)).toEqual([]);
    });
  }

  it('the CLI reports it in one line with exit code 1 and leaves the file as it was', async () => {
    const dir = tempDir();
    const file = join(dir, DATABASE_FILE);
    writeFileSync(file, pseudoRandomBytes(8192, 'cli'));
    const before = sha256File(file);
    const result = await promisify(execFile)(process.execPath, sourceCli('--data', dir, 'verify'), { cwd: REPO }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^baken: .*not a Baken database.*\n$/);
    expect(sha256File(file)).toBe(before);
  });
});

describe('a SQLite log whose pages are damaged', () => {
  // One real log with a few hundred entries, copied for every case.
  let template: string;
  let pageSize: number;
  let pageCount: number;
  let leaves: (table: string) => number[];
  beforeAll(async () => {
    template = mkdtempSync(join(tmpdir(), 'baken-template-'));
    const backend = openTestBackend({ dataDir: template, create: true });
    const { id } = await backend.api['incident.create']({ title: 'Gaslek Centrum', classification: 'intern' });
    for (let i = 0; i < 300; i++) {
      await backend.api['log.add']({ incident: id, kind: 'melding', body: { text: `melding ${i}: ${'brandweer ter plaatse, omgeving afgezet. '.repeat(20)}` }, classification: 'intern' });
    }
    // Appends leave their text to the search backlog; the background indexer puts it in the index.
    expect(backend.store.indexSearchBacklog()).toBe(301);
    backend.close();
    const db = new Database(join(template, DATABASE_FILE));
    pageSize = db.pragma('page_size', { simple: true }) as number;
    pageCount = db.pragma('page_count', { simple: true }) as number;
    const byTable = new Map<string, number[]>();
    for (const row of db.prepare<[], { name: string; pageno: number }>("SELECT name, pageno FROM dbstat WHERE pagetype = 'leaf' ORDER BY name, path").all()) {
      if (!byTable.has(row.name)) byTable.set(row.name, []);
      byTable.get(row.name)!.push(row.pageno);
    }
    db.close();
    leaves = (table) => byTable.get(table) ?? [];
    expect(pageCount).toBeGreaterThan(100);
    expect(leaves('entries').length).toBeGreaterThan(20);
  });
  afterAll(() => {
    if (template) rmSync(template, { recursive: true, force: true });
  });

  const pageOffset = (pageNo: number) => (pageNo - 1) * pageSize;
  const damages: [string, () => [offset: number, length: number]][] = [
    ['a page in the middle of the file', () => [pageOffset(Math.floor(pageCount / 2)), pageSize]],
    ['the middle half of the file', () => [pageOffset(Math.floor(pageCount / 4)), Math.floor(pageCount / 2) * pageSize]],
    ['an entries page in the middle of the table', () => [pageOffset(leaves('entries')[Math.floor(leaves('entries').length / 2)]!), pageSize]],
    ['the newest entries page (read while opening)', () => [pageOffset(leaves('entries').at(-1)!), pageSize]],
    ['a full-text index page', () => [pageOffset(leaves('entry_text_data')[1]!), pageSize]],
    ['the schema page', () => [100, pageSize - 100]],
    ['the file header after the magic string', () => [16, 84]],
  ];

  for (const [name, where] of damages) {
    it(`${name}: a clear corrupt-database error when opening or from verify, and the file is left as it was`, async () => {
      const dir = tempDir();
      cpSync(template, dir, { recursive: true });
      const file = join(dir, DATABASE_FILE);
      const [offset, length] = where();
      expect(offset + length).toBeLessThanOrEqual(pageCount * pageSize);
      overwriteBytes(file, offset, length);
      const before = sha256File(file);

      let backend: TestBackend | undefined;
      const openError = await caught(() => {
        backend = track(openTestBackend({ dataDir: dir }));
      });
      if (openError !== undefined) {
        expectClearCorruption(openError);
        // A refused open must not keep the file open (or it could be checkpointed into later).
        expect(openDescriptors(file)).toEqual([]);
      } else {
        // Opened (the damage is not on a page that opening reads): verify must find it, as a report or a clear error.
        let report: Awaited<ReturnType<TestBackend['api']['verify']>> | undefined;
        const verifyError = await caught(async () => {
          report = await backend!.api.verify({});
        });
        if (verifyError !== undefined) {
          expectClearCorruption(verifyError);
        } else {
          expect(report!.ok, 'verify reported a damaged log as ok').toBe(false);
          expect(report!.problems.some((p) => p.entry === null && /^database: /.test(p.problem))).toBe(true);
        }
        backend!.close();
      }
      expect(sha256File(file), 'the damaged file was modified').toBe(before);
    });
  }
});

function expectClearCorruption(error: unknown): void {
  expect(error, `not a BakenError: ${String(error)}`).toBeInstanceOf(BakenError);
  expect((error as BakenError).code).toBe('corrupt-database');
  expect((error as BakenError).message).toMatch(/damaged|corrupt/);
  expectOneLine(error);
}

describe('storage that refuses writes', () => {
  const mounts = useTmpfsMounts();
  function openIn(dir: string, create = false): TestBackend {
    const backend = openTestBackend({ dataDir: dir, create });
    mounts.beforeUnmount(() => backend.close());
    return backend;
  }

  async function seedLog(dir: string, entries: number): Promise<{ incident: string; ids: string[] }> {
    const backend = openIn(dir, true);
    const created = await backend.api['incident.create']({ title: 'Uitval 112', classification: 'intern' });
    const ids = [created.entry.id];
    for (let i = 0; i < entries; i++) {
      ids.push((await backend.api['log.add']({ incident: created.id, kind: 'melding', body: { text: `bericht ${i}` }, classification: 'intern' })).id);
    }
    backend.close();
    return { incident: created.id, ids };
  }

  async function expectIntact(dir: string, ids: string[], absentText?: string): Promise<void> {
    const backend = openIn(dir);
    expect(backend.store.count()).toBe(ids.length);
    for (const id of ids) expect(backend.store.entry(id), id).not.toBeNull();
    const report = await backend.api.verify({});
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.entries).toBe(ids.length);
    if (absentText !== undefined) expect((await backend.api.search({ text: absentText, limit: 10, order: 'newest' })).entries).toEqual([]);
    backend.close();
    const db = new Database(join(dir, DATABASE_FILE));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }

  it('a read-only data directory: appending fails with a read-only error and the log stays intact', async () => {
    const mnt = mounts.mount('4m');
    const dir = join(mnt, 'data');
    const { incident, ids } = await seedLog(dir, 5);
    const before = sha256File(join(dir, DATABASE_FILE));

    mounts.remount(mnt, 'ro');
    expect(() => writeFileSync(join(dir, 'probe'), 'x')).toThrow(/EROFS/);
    const error = await caught(async () => {
      const backend = openIn(dir);
      await backend.api['log.add']({ incident, kind: 'melding', body: { text: 'geschreven op alleen-lezen schijf' }, classification: 'intern' });
    });
    expect(error, 'appending on a read-only file system did not fail').toBeDefined();
    expect(error, `not a BakenError: ${String(error)}`).toBeInstanceOf(BakenError);
    expect((error as BakenError).message).toMatch(/read-only/);
    expect((error as BakenError).code).toBe('read-only');
    expectOneLine(error);
    expect(sha256File(join(dir, DATABASE_FILE))).toBe(before);

    mounts.remount(mnt, 'rw');
    await expectIntact(dir, ids, 'alleen-lezen');
  });

  for (const size of ['1m', '6m']) {
    it(`a full disk (${size} tmpfs): the append that does not fit fails with disk-full and every acknowledged entry survives`, async () => {
      const mnt = mounts.mount(size);
      const dir = join(mnt, 'data');
      const backend = openIn(dir, true);
      const created = await backend.api['incident.create']({ title: 'Cyberaanval', classification: 'intern' });
      const acked = [created.entry.id];
      let failure: unknown;
      for (let i = 0; i < 2000 && failure === undefined; i++) {
        const text = `${i} ${pseudoRandomBytes(7_500, `tekst-${i}`).toString('hex')}`.slice(0, 15_000);
        try {
          acked.push((await backend.api['log.add']({ incident: created.id, kind: 'melding', body: { text }, classification: 'intern' })).id);
        } catch (error) {
          failure = error;
        }
      }
      expect(failure, 'the disk never filled up').toBeDefined();
      expect(failure, `not a BakenError: ${String(failure)}`).toBeInstanceOf(BakenError);
      expect((failure as BakenError).code).toBe('disk-full');
      expect((failure as BakenError).message).toMatch(/disk is full/);
      expectOneLine(failure);
      expect(acked.length, 'the log did not even fit').toBeGreaterThan(5);
      // The live store still has exactly the acknowledged entries.
      expect(backend.store.count()).toBe(acked.length);
      backend.close();

      // Reopened on the still-full disk: everything acknowledged is there and checks out.
      await expectIntact(dir, acked);

      // With room again, the log takes new entries.
      mounts.remount(mnt, 'size=32m');
      const again = openIn(dir);
      acked.push((await again.api['log.add']({ incident: created.id, kind: 'melding', body: { text: 'weer ruimte' }, classification: 'intern' })).id);
      again.close();
      await expectIntact(dir, acked);
    });
  }
});
