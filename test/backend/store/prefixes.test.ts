import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../electron/backend/device.js';
import { AUTHORS_IN_RANGE, distinctInRange } from '../../../electron/backend/store/prefixes.js';
import { makeChain, makeSigner } from '../../support/entries.js';
import { openTestBackend } from '../../support/backend.js';
import { useTempDirs } from '../../support/temp.js';
import { closedAfterEach } from '../../support/opened-backends.js';

const tempDir = useTempDirs();
const opened = closedAfterEach();

async function filledLog() {
  const backend = openTestBackend({ dataDir: tempDir(), create: true });
  opened.push(backend);
  const { id: incident } = await backend.api['incident.create']({ title: 'Uitval NAFIN' });
  const signer = makeSigner();
  expect(backend.store.ingest(makeChain(signer, incident, 300)).rejected).toEqual([]);
  expect(backend.store.ingest(makeChain(makeSigner(), 'ab'.repeat(16), 5)).rejected).toEqual([]);
  return { backend, incident, author: signer.publicKeyHex };
}

describe('finding ids by a start people typed', () => {
  it('finds the entries, incidents and authors that start with it, and only those, at most as many as asked', async () => {
    const { backend, incident, author } = await filledLog();
    const all = backend.store.list({}, { limit: 1000, order: 'oldest' }).entries.map((e) => e.id);
    for (const id of all.slice(0, 40)) {
      for (const length of [6, 16, 17, 40, 64]) {
        const prefix = id.slice(0, length);
        expect(backend.store.entriesByIdPrefix(prefix, 10).map((e) => e.id)).toEqual(all.filter((other) => other.startsWith(prefix)).sort());
      }
    }
    // Of 306 ids, about 19 start with any one hex digit: the limit cuts that list, keeping id order.
    const digit = all[0]!.slice(0, 1);
    const withDigit = all.filter((id) => id.startsWith(digit)).sort();
    expect(withDigit.length).toBeGreaterThan(5);
    expect(backend.store.entriesByIdPrefix(digit, 5).map((e) => e.id)).toEqual(withDigit.slice(0, 5));
    expect(backend.store.incidentIdsByPrefix(incident.slice(0, 6), 10)).toEqual([incident]);
    expect(backend.store.incidentIdsByPrefix('abab', 10)).toEqual(['ab'.repeat(16)]);
    expect(backend.store.incidentIdsByPrefix('', 1)).toHaveLength(1);
    expect(backend.store.authorsByPrefix(author.slice(0, 6), 10)).toEqual([author]);
    expect(backend.store.authorsByPrefix('', 10)).toHaveLength(3);
  });

  it('reads an index range, never the whole table', async () => {
    const { backend } = await filledLog();
    const db = new Database(join(backend.dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ low: 'abcdef', high: 'abcdefg', prefix: 'abcdef', length: 6, limit: 11 }) as { detail: string }[]).map((p) => p.detail);
      // Ids: a range of the id index's vocabulary, then each term's rows by their position.
      db.exec('CREATE VIRTUAL TABLE temp.entry_id_terms USING fts5vocab (main, entry_ids, row)');
      expect(plan('SELECT term FROM temp.entry_id_terms WHERE term >= @low AND term < @high LIMIT @limit').join(' | ')).toMatch(/SCAN (temp\.)?entry_id_terms VIRTUAL TABLE INDEX \d+:/);
      expect(plan("SELECT id FROM entries WHERE pos IN (SELECT rowid FROM entry_ids WHERE entry_ids MATCH '\"abcdef\"')").join(' | ')).toMatch(/SEARCH entries USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      const steps = plan(distinctInRange('incident'));
      expect(steps.filter((s) => /^SCAN entries/.test(s))).toEqual([]);
      expect(steps.join(' | ')).toContain('SEARCH entries USING COVERING INDEX entries_incident (incident>? AND incident<?)');
      // Author keys are kept once each, in `authors` (migration 8).
      expect(plan(AUTHORS_IN_RANGE).join(' | ')).toMatch(/^SEARCH authors USING COVERING INDEX sqlite_autoindex_authors_1 \(key>\? AND key<\?\)$/);
    } finally {
      db.close();
    }
  });
});
