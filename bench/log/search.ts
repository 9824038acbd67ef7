import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestBackend } from '../../test/support/backend.js';
import { INDEX_PASS_ENTRIES } from '../../electron/backend/store/search-backlog.js';
import { DATABASE_FILE } from '../../electron/backend/device.js';
import type { SignedEntry } from '../../shared/domain/entry.js';
import { COMMON_SHARE, COMMON_WORD, RARE_WORDS } from '../lib/dutch.js';
import { progress } from '../lib/progress.js';
import { makeRemoteDevices, prepareRemoteLog } from '../lib/remote-log.js';
import type { Figure, Section } from '../lib/report.js';
import { createSigningPool } from '../lib/signing.js';
import { formatCount, formatMb, formatMs, nowMs, percentile } from '../lib/stats.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';
import type { ProbeInput, ProbeResult, QueryTimes } from './search-probe.js';

/** Search as you type: a start of a word in most entries (the window searches at every keystroke). */
export const PREFIX_P95_TARGET_MS = 20;
export const RARE_P95_TARGET_MS = 5;
export const OPEN_TARGET_MS = 500;
const DEVICES = 8;
const RARE_PER_WORD = 5;
const OPENS = 5;

export async function measureSearch(total: number, batchSize: number, iterations: number): Promise<Section> {
  const dir = makeTempDir('search');
  const dataDir = join(dir, 'node');
  try {
    const build = await buildLog(dataDir, total, batchSize);
    const dbBytes = statSync(join(dataDir, DATABASE_FILE)).size;
    progress('opening and searching in a fresh process');
    const prefixes = [COMMON_WORD.slice(0, 1), COMMON_WORD.slice(0, 3), COMMON_WORD.slice(0, 6)];
    const probe = runProbe({ dataDir, rareWords: [...RARE_WORDS], commonWord: COMMON_WORD, prefixes, iterations, opens: OPENS });
    if (probe.entries !== total) throw new Error(`expected ${total} entries, the database holds ${probe.entries}`);
    const openMin = Math.min(...probe.openMs);
    return {
      title: `Search: ${formatCount(total)} entries from ${DEVICES} devices, api.search({ text, limit: 50 }) newest first`,
      notes: [
        `"${COMMON_WORD}" is in ~${COMMON_SHARE * 100} % of entries; ${RARE_WORDS.length} rare words in ${RARE_PER_WORD} entries each; ${iterations} timed queries per row after 3 warm-up`,
        `open and memory measured in a fresh process; the page cache is warm from the build`,
        `a rare word's first query reads its pages into SQLite's cache (one read per full-text segment), so the p95 of ${iterations} queries over ${RARE_WORDS.length} words is a first query`,
        'api.search includes what the window gets with each page (labels, clock checks); store.* rows are the query alone',
        'search remembers the vocabulary ranges it read until the index changes; "busy log" rows append and index an entry (untimed) before every query, which forgets the ranges its new terms fall in; "another process" rows have a second connection do it, which forgets them all',
      ],
      figures: [
        { name: 'build (sign ‖ store.ingest)', value: `${(build.totalMs / 1000).toFixed(1)} s` },
        { name: 'of which store.ingest', value: `${(build.ingestMs / 1000).toFixed(1)} s` },
        { name: `of which search index passes (${formatCount(INDEX_PASS_ENTRIES)} entries each)`, value: `${(build.passMs / 1000).toFixed(1)} s` },
        { name: 'database file', value: formatMb(dbBytes) },
        { name: `open (createBackend, min of ${OPENS})`, value: formatMs(openMin), target: `≤ ${OPEN_TARGET_MS} ms`, met: openMin <= OPEN_TARGET_MS },
        { name: `open (median of ${OPENS})`, value: formatMs(percentile(probe.openMs, 50)) },
        ...queryFigures(`search rare word (${hitRange(probe.rare)} hits)`, probe.rare, RARE_P95_TARGET_MS),
        { name: `  first query of each word (${probe.rareFirst.length}) p50 / max`, value: `${formatMs(percentile(probe.rareFirst, 50))} / ${formatMs(Math.max(...probe.rareFirst))}` },
        { name: `  repeated words (${probe.rareRepeat.length}) p50 / p95`, value: `${formatMs(percentile(probe.rareRepeat, 50))} / ${formatMs(percentile(probe.rareRepeat, 95))}` },
        ...queryFigures(`search "${COMMON_WORD}" (${hitRange(probe.common)} hits)`, probe.common, PREFIX_P95_TARGET_MS),
        ...queryFigures(`  same word exact, no prefix * (store.search)`, probe.commonExact),
        ...probe.prefixes.flatMap((p) => [
          ...queryFigures(`search "${p.text}" (${hitRange(p.search)} hits; ${p.match.includes('*') ? 'prefix query' : `${p.match.split(' OR ').length} exact terms`})`, p.search, PREFIX_P95_TARGET_MS),
          ...queryFigures(`  store.searchMatch + store.search`, p.expanded),
          ...queryFigures(`  store.search of FTS5's prefix query "${p.text}"*`, p.prefixQuery),
        ]),
        ...probe.busy.flatMap((b) => queryFigures(`search "${b.text}" in a busy log (an entry indexed before each query)`, b.search)),
        ...probe.elsewhere.flatMap((b) => queryFigures(`search "${b.text}", the entry indexed by another process (nothing reused)`, b.search)),
        ...queryFigures('log.list newest, limit 50', probe.list),
        { name: 'rss before open (tsx + modules)', value: formatMb(probe.rssBeforeOpen) },
        { name: 'rss after open', value: formatMb(probe.rssAfterOpen) },
        { name: 'rss after queries', value: formatMb(probe.rssAfterQueries) },
      ],
    };
  } finally {
    removeTempDir(dir);
  }
}

/** Signs batch n+1 on a worker while the main thread ingests batch n. */
async function buildLog(dataDir: string, total: number, batchSize: number): Promise<{ totalMs: number; ingestMs: number; passMs: number }> {
  progress(`building a ${formatCount(total)}-entry log`);
  const devices = makeRemoteDevices(DEVICES);
  const pool = createSigningPool(devices, 1);
  const backend = openTestBackend({ dataDir, create: true });
  const start = nowMs();
  let ingestMs = 0;
  let passMs = 0;
  // As the background indexer would: a search index pass once a pass's worth of text waits, and one at the end.
  const indexPasses = (all: boolean) => {
    if (!all && backend.store.searchBacklogSize() < INDEX_PASS_ENTRIES) return;
    const passStart = nowMs();
    backend.store.indexSearchBacklog();
    passMs += nowMs() - passStart;
  };
  let done = 0;
  try {
    const batches = prepareRemoteLog({ seed: 3, entries: total, incidents: 12, devices, spanMs: 30 * 24 * 3600_000, rare: { words: RARE_WORDS, perWord: RARE_PER_WORD } }, batchSize);
    const first = batches.next();
    let signing: Promise<SignedEntry[]> | null = first.done ? null : pool.sign(first.value);
    while (signing) {
      const signed = await signing;
      const upcoming = batches.next();
      signing = upcoming.done ? null : pool.sign(upcoming.value);
      const ingestStart = nowMs();
      const report = backend.store.ingest(signed);
      ingestMs += nowMs() - ingestStart;
      if (report.added.length !== signed.length) throw new Error(`ingest refused entries: ${JSON.stringify(report.rejected.slice(0, 3))}`);
      indexPasses(false);
      done += signed.length;
      if (done % (total / 10) < batchSize) progress(`${formatCount(done)} entries, ${((nowMs() - start) / 1000).toFixed(0)} s`);
    }
    indexPasses(true);
  } finally {
    backend.close();
    await pool.close();
  }
  return { totalMs: nowMs() - start, ingestMs, passMs };
}

function runProbe(input: ProbeInput): ProbeResult {
  const probe = fileURLToPath(new URL('./search-probe.ts', import.meta.url));
  const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', probe, JSON.stringify(input)], {
    cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as ProbeResult;
}

function queryFigures(name: string, times: QueryTimes, targetMs?: number): Figure[] {
  const p95 = percentile(times.ms, 95);
  return [
    { name: `${name} p50`, value: formatMs(percentile(times.ms, 50)) },
    targetMs === undefined
      ? { name: `${name} p95`, value: formatMs(p95) }
      : { name: `${name} p95`, value: formatMs(p95), target: `≤ ${targetMs} ms`, met: p95 <= targetMs },
  ];
}

function hitRange(times: QueryTimes): string {
  const min = Math.min(...times.hits);
  const max = Math.max(...times.hits);
  return min === max ? `${min}` : `${min}-${max}`;
}
