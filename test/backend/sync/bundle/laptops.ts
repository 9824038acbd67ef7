import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { SignedEntry } from '../../../../shared/domain/entry.js';
import { BakenError } from '../../../../shared/contract/errors.js';
import { openTestBackend, type TestBackend } from '../../../support/backend.js';
import { exportBundle } from '../../../../electron/backend/sync/bundle/export.js';
import { importBundle, type ImportBundleOptions, type ImportReport } from '../../../../electron/backend/sync/bundle/import.js';
import type { BundleTarget } from '../../../../electron/backend/sync/bundle/batches.js';
import { createEntryCheckPool, type EntryCheckPool } from '../../../../electron/backend/entry-checks/pool.js';
import { systemClock } from '../../../../electron/backend/clock.js';
import { nodeCrypto } from '../../../support/entries.js';
import { useTempDirs } from '../../../support/temp.js';
import { closedAfterEach } from '../../../support/opened-backends.js';

/** makeChain stamps its entries from this time on; the laptops' clocks run a day later. */
export const CHAIN_T0 = 1_790_000_000_000;
export const T = CHAIN_T0 + 86_400_000;
export const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
export const TEAM = { id: 'veiligheidsregio-test', name: 'ROT Test' };

/**
 * Laptops with real backends in temporary folders, and a stick to carry bundles between them.
 * Call once at the top of a test file: it registers the clean-up after each test.
 */
export function useLaptops() {
  const tempDir = useTempDirs();
  const opened = closedAfterEach();

  function laptop(): TestBackend {
    let now = T;
    // Each call moves the clock on a little, so appends get distinct stamps.
    const backend = openTestBackend({ dataDir: tempDir(), create: true, clock: () => (now += 7) });
    opened.push(backend);
    return backend;
  }

  const bundleFile = (name = 'log.baken') => join(tempDir(), name);

  async function exportAll(backend: TestBackend, out = bundleFile(), since?: Parameters<typeof exportBundle>[1]['since']) {
    return exportBundle(backend.store, { out, device: backend.identity.publicKeyHex, team: TEAM, since, now: () => T });
  }

  return { tempDir, laptop, bundleFile, exportAll };
}

export function allIds(backend: TestBackend): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = backend.store.list({}, { cursor, limit: 1000, order: 'oldest' });
    ids.push(...page.entries.map((e) => e.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids.sort();
}

export async function writeLog(backend: TestBackend, count: number, incident?: string): Promise<string> {
  const id = incident ?? (await backend.api['incident.create']({ title: 'Uitval NAFIN', location: 'Coördinatie café', grip: 1 })).id;
  for (let i = 0; i < count; i++) {
    if (i % 10 === 3) await backend.api['grip.set']({ incident: id, level: (i % 5) + 1, reason: `opschaling ${i}`, force: true });
    else await backend.api['log.add']({ incident: id, kind: i % 2 ? 'beeld' : 'melding', body: { text: `bericht ${i}: "€" — 🚒\nregel 2` }, classification: i % 3 ? 'intern' : 'partner' });
  }
  return id;
}

/** Ingests a long chain from another device in a few batches (makeChain is far faster than the API). */
export function ingestChain(backend: TestBackend, entries: SignedEntry[]): void {
  for (let i = 0; i < entries.length; i += 5000) {
    const report = backend.store.ingest(entries.slice(i, i + 5000));
    expect(report.rejected).toEqual([]);
  }
}

export async function expectHealthy(backend: TestBackend): Promise<void> {
  const report = await backend.api.verify({});
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.entries).toBe(backend.store.count());
}

export const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n');

export async function thrown(fn: () => Promise<unknown> | unknown): Promise<BakenError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BakenError);
    return error as BakenError;
  }
  throw new Error('expected a BakenError, nothing was thrown');
}

export function cleanReport(count: number): ImportReport {
  return expect.objectContaining({ entries: count, added: count, known: 0, pending: 0, rejected: [], complete: true, problems: [] }) as ImportReport;
}

/** A laptop's current clock, as its clock file would carry it. */
export function clockOf(backend: TestBackend) {
  return Object.fromEntries(backend.store.authorHeads());
}

/** Where a laptop keeps files moving to and from its window. */
export const laptopsTransfersDir = (backend: TestBackend) => join(backend.dataDir, 'transfers');

/** Bundle imports run both ways, with the same reports: checked on this thread, and on the entry check thread while the batch before is stored. */
export const IMPORT_MODES = ['on this thread', 'on the check thread'] as const;

/** importBundle in one of IMPORT_MODES; call inside a describe (it starts and stops the check thread around it). */
export function useImportMode(mode: (typeof IMPORT_MODES)[number]) {
  let pool: EntryCheckPool | null = null;
  beforeAll(async () => {
    if (mode === 'on this thread') return;
    pool = createEntryCheckPool({ crypto: nodeCrypto, clock: systemClock, warn: (line) => { throw new Error(`the check thread fell back: ${line}`); } });
    await pool.start();
    expect(pool.where()).toBe('worker');
  });
  afterAll(async () => {
    await pool?.stop();
  });
  return (store: BundleTarget, file: string, options: ImportBundleOptions = {}): Promise<ImportReport> =>
    importBundle(store, file, pool ? { ...options, checker: pool } : options);
}
