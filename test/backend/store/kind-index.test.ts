import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../electron/backend/device.js';
import { createNodeEntryCrypto } from '../../../electron/backend/node-crypto.js';
import { createBehindCheck } from '../../../electron/backend/store/behind.js';
import { KIND_INDEX_CONDITION, kindIsIndexed } from '../../../electron/backend/store/kind-index.js';
import { createQueries } from '../../../electron/backend/store/queries.js';
import { openTestBackend } from '../../support/backend.js';
import { useTempDirs } from '../../support/temp.js';
import { closedAfterEach } from '../../support/opened-backends.js';

const tempDir = useTempDirs();
const opened = closedAfterEach();

/** A log with entries of several kinds, and a read-only connection whose every prepared statement is recorded. */
async function recordedLog() {
  const backend = openTestBackend({ dataDir: tempDir(), create: true });
  opened.push(backend);
  const { id: incident } = await backend.api['incident.create']({ title: 'Uitval NAFIN', classification: 'intern' });
  for (const kind of ['melding', 'beeld', 'besluit', 'oordeel'] as const) {
    await backend.api['log.add']({ incident, kind, body: kind === 'besluit' ? { text: 'Noodstroom', decidedBy: 'ROT' } : { text: `Een ${kind}` }, classification: 'intern' });
  }
  const db = new Database(join(backend.dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  const sources: string[] = [];
  const recording = new Proxy(db, {
    get(target, key) {
      if (key === 'prepare') return (sql: string) => { sources.push(sql); return target.prepare(sql); };
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { backend, db, recording, sources, incident };
}

describe('the kind index leaves out melding and beeld (migration 7)', () => {
  it('is partial on exactly the condition the queries name', async () => {
    const { db } = await recordedLog();
    try {
      const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'entries_kind'").pluck().get() as string;
      expect(sql).toContain(`WHERE ${KIND_INDEX_CONDITION}`);
      expect(kindIsIndexed('melding')).toBe(false);
      expect(kindIsIndexed('beeld')).toBe(false);
      expect(kindIsIndexed('besluit')).toBe(true);
      // A kind a newer version made up is in the index.
      expect(kindIsIndexed('evacuatie')).toBe(true);
    } finally {
      db.close();
    }
  });

  it('every query that names a kind reads an index, the kind index for every kind it holds', async () => {
    const { db, recording, sources, incident } = await recordedLog();
    try {
      const planOf = (sql: string) => {
        const params = Array.from(sql.matchAll(/\?/g), () => 'x');
        return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((p) => p.detail).join(' | ');
      };
      const expectPlan = (sql: string, indexed: boolean) => {
        const plan = planOf(sql);
        expect(plan, sql).not.toMatch(/SCAN entries\b(?! USING)/);
        expect(plan, sql).toContain(indexed ? 'INDEX entries_kind' : 'INDEX entries_incident');
      };
      // The fixed statements: each names its kinds literally.
      createQueries(recording);
      createBehindCheck(recording, createNodeEntryCrypto(), 60_000);
      const fixed = sources.filter((sql) => /\bkind (=|IN) /.test(sql) && !sql.includes('GROUP BY'));
      expect(fixed.length).toBe(6);
      for (const sql of fixed) {
        const kinds = Array.from(sql.replace(/NOT IN \([^)]*\)/, '').matchAll(/'([a-z]+)'/g), (m) => m[1]!);
        expect(kinds.length, sql).toBeGreaterThan(0);
        expectPlan(sql, kinds.some(kindIsIndexed));
      }
      // The log's filters: the kind is bound, the statement built per filter.
      for (const kind of ['besluit', 'melding', 'beeld', 'evacuatie']) {
        for (const filter of [{ incident, kind }, { incident, kind, classification: 'intern' }]) {
          // A fresh set of queries each time: list() keeps the statements it built.
          const fresh = createQueries(recording);
          const before = sources.length;
          fresh.list(filter, { limit: 5, order: 'newest' });
          expect(sources.length, kind).toBe(before + 1);
          expectPlan(sources[before]!, kindIsIndexed(kind));
        }
      }
    } finally {
      db.close();
    }
  });

  it('lists of every kind, indexed or not, hold what the log holds, newest first', async () => {
    const { backend, incident } = await recordedLog();
    for (const kind of ['melding', 'beeld', 'besluit', 'oordeel']) {
      const page = backend.store.list({ incident, kind }, { limit: 10, order: 'newest' });
      expect(page.entries.map((e) => e.kind)).toEqual([kind]);
    }
  });
});
