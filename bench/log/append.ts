import Database from 'better-sqlite3';
import { join } from 'node:path';
import { NEW_LOG_PAGE_SIZE } from '../../electron/backend/store/database.js';
import { openTestBackend } from '../../test/support/backend.js';
import { situationText } from '../lib/dutch.js';
import { bytesWritten, formatBytes } from '../lib/io.js';
import { createRandom } from '../lib/random.js';
import type { Section } from '../lib/report.js';
import { formatMs, nowMs, percentile } from '../lib/stats.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';
import { anatomyFigures, appendAnatomy, APPENDS_PER_BACKLOG_RUN } from './anatomy.js';

export const APPEND_P99_TARGET_MS = 5;
export const APPEND_VS_RAW_TARGET = 1.5;
export const APPEND_P50_VS_RAW_TARGET = 2;
export const APPEND_BYTES_VS_RAW_TARGET = 3;
// A commit that writes this much carried a WAL checkpoint or an FTS5 segment merge: when more than
// 1 % of commits do, those are what p99 measures.
const SPIKE_BYTES = 100_000;

/**
 * log.add against a raw one-row commit with the same durability (WAL, synchronous=FULL), taken in
 * turns so disk hiccups hit both alike: the difference is what Baken adds on top of the fsync.
 */
export async function measureAppend(count: number, warmup: number): Promise<Section> {
  const dir = makeTempDir('append');
  const backend = openTestBackend({ dataDir: join(dir, 'node'), create: true });
  const raw = openRawBaseline(join(dir, 'raw.db'));
  // The same commit in a file with Baken's page size: a smaller page also makes a raw commit smaller.
  const rawSmall = openRawBaseline(join(dir, 'raw-small.db'), NEW_LOG_PAGE_SIZE);
  try {
    const { id: incident } = await backend.api['incident.create']({ title: 'Stroomstoring regio Zuidoost' });
    const random = createRandom(1);
    const appends: Commit[] = [];
    const rawCommits: Commit[] = [];
    const backlogRuns: Commit[] = [];
    const rawSmallCommits: Commit[] = [];
    for (let i = 0; i < warmup + count; i++) {
      const text = situationText(random);
      const row = JSON.stringify({ text, id: random.hex(64), author: random.hex(64), sig: random.hex(128) });
      const rawCommit = await measure(() => raw.commit(row));
      const rawSmallCommit = await measure(() => rawSmall.commit(row));
      const append = await measure(() => backend.api['log.add']({ incident, kind: 'melding', body: { text } }));
      // What the search indexer does in the background (every 30 s, and before a search), timed apart.
      const backlogRun = (i + 1) % APPENDS_PER_BACKLOG_RUN === 0 ? await measure(() => backend.store.indexSearchBacklog()) : null;
      if (i < warmup) continue;
      rawCommits.push(rawCommit);
      rawSmallCommits.push(rawSmallCommit);
      appends.push(append);
      if (backlogRun) backlogRuns.push(backlogRun);
    }
    const appendMs = appends.map((c) => c.ms);
    const rawMs = rawCommits.map((c) => c.ms);
    const ratio = percentile(appendMs, 99) / percentile(rawMs, 99);
    const ratio50 = percentile(appendMs, 50) / percentile(rawMs, 50);
    const anatomy = appendAnatomy(count);
    const backlogBytes = meanBytes(backlogRuns);
    const appendBytes = meanBytes(appends);
    const rawBytes = meanBytes(rawCommits);
    const withBacklog = appendBytes === null || backlogBytes === null ? null : appendBytes + backlogBytes / APPENDS_PER_BACKLOG_RUN;
    const bytesRatio = withBacklog === null || rawBytes === null ? null : withBacklog / rawBytes;
    const rawSmallBytes = meanBytes(rawSmallCommits);
    return {
      title: `Append: ${count} × api['log.add'] (sign + insert + FTS + durable commit), WAL, synchronous=FULL`,
      notes: [
        `baseline: one-row INSERT (~450 B) committed in its own transaction, separate file with SQLite's default pages (4 KB), WAL + synchronous=FULL, taken in turns with log.add; ${warmup} warm-up rounds not counted`,
        `the log has ${NEW_LOG_PAGE_SIZE}-byte pages (store/database.ts); the same raw commit in a file with those pages is shown beside it`,
      ],
      figures: [
        { name: 'log.add p50', value: formatMs(percentile(appendMs, 50)) },
        { name: 'log.add p99', value: formatMs(percentile(appendMs, 99)), target: `≤ ${APPEND_P99_TARGET_MS} ms`, met: percentile(appendMs, 99) <= APPEND_P99_TARGET_MS },
        { name: 'raw commit p50', value: formatMs(percentile(rawMs, 50)) },
        { name: 'raw commit p99', value: formatMs(percentile(rawMs, 99)) },
        { name: 'written per log.add (WAL + checkpoints)', value: formatBytes(meanBytes(appends)) },
        { name: `search backlog run (${APPENDS_PER_BACKLOG_RUN} entries, background) p50`, value: formatMs(percentile(backlogRuns.map((c) => c.ms), 50)) },
        { name: `written per log.add by backlog runs`, value: formatBytes(backlogBytes === null ? null : backlogBytes / APPENDS_PER_BACKLOG_RUN) },
        { name: 'written per raw commit', value: formatBytes(rawBytes) },
        { name: `written per raw commit, ${NEW_LOG_PAGE_SIZE}-byte pages`, value: formatBytes(rawSmallBytes) },
        { name: `written per log.add (with backlog runs) / raw commit with ${NEW_LOG_PAGE_SIZE}-byte pages`, value: withBacklog === null || rawSmallBytes === null ? 'n/a' : `${(withBacklog / rawSmallBytes).toFixed(2)}×` },
        { name: `raw commit p50 / p99, ${NEW_LOG_PAGE_SIZE}-byte pages`, value: `${formatMs(percentile(rawSmallCommits.map((c) => c.ms), 50))} / ${formatMs(percentile(rawSmallCommits.map((c) => c.ms), 99))}` },
        bytesRatio === null
          ? { name: 'written per log.add (with backlog runs) / raw', value: 'n/a' }
          : { name: 'written per log.add (with backlog runs) / raw', value: `${bytesRatio.toFixed(2)}×`, target: `≤ ${APPEND_BYTES_VS_RAW_TARGET}×`, met: bytesRatio <= APPEND_BYTES_VS_RAW_TARGET },
        { name: `commits writing > ${SPIKE_BYTES / 1000} KB: log.add / raw`, value: `${spikeShare(appends)} / ${spikeShare(rawCommits)}` },
        { name: 'CPU per call (user + kernel, writes and fsync included), median: log.add / raw commit', value: `${formatMs(percentile(appends.map((c) => c.cpuMs), 50))} / ${formatMs(percentile(rawCommits.map((c) => c.cpuMs), 50))}` },
        { name: 'off the CPU per call (time − CPU: the disk, the scheduler), median: log.add / raw commit', value: `${formatMs(percentile(appends.map((c) => c.ms - c.cpuMs), 50))} / ${formatMs(percentile(rawCommits.map((c) => c.ms - c.cpuMs), 50))}` },
        { name: 'log.add p99 / raw p99', value: `${ratio.toFixed(2)}×`, target: `≤ ${APPEND_VS_RAW_TARGET}×`, met: ratio <= APPEND_VS_RAW_TARGET },
        { name: 'log.add p50 / raw p50', value: `${ratio50.toFixed(2)}×`, target: `≤ ${APPEND_P50_VS_RAW_TARGET}×`, met: ratio50 <= APPEND_P50_VS_RAW_TARGET },
        ...anatomyFigures('per store.append', anatomy),
      ],
    };
  } finally {
    raw.close();
    rawSmall.close();
    backend.close();
    removeTempDir(dir);
  }
}

interface Commit {
  ms: number;
  /** CPU time this process spent meanwhile (user + system, every thread), in ms. */
  cpuMs: number;
  /** Bytes written during the commit, null where the OS does not say. */
  bytes: number | null;
}

// Both sides go through the same await, so its microtask costs them alike.
async function measure(commit: () => unknown): Promise<Commit> {
  const before = bytesWritten();
  const cpuBefore = process.cpuUsage();
  const start = nowMs();
  await commit();
  const ms = nowMs() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const after = bytesWritten();
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, bytes: before === null || after === null ? null : after - before };
}

function meanBytes(commits: readonly Commit[]): number | null {
  return commits.some((c) => c.bytes === null) ? null : commits.reduce((sum, c) => sum + c.bytes!, 0) / commits.length;
}

function spikeShare(commits: readonly Commit[]): string {
  if (commits.some((c) => c.bytes === null)) return 'n/a';
  return `${((commits.filter((c) => c.bytes! > SPIKE_BYTES).length / commits.length) * 100).toFixed(1)} %`;
}

function openRawBaseline(file: string, pageSize?: number) {
  const db = new Database(file);
  if (pageSize !== undefined) db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE raw (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT');
  const insert = db.prepare('INSERT INTO raw (body) VALUES (?)');
  // IMMEDIATE, as the appender's transaction is.
  const commit = db.transaction((body: string) => insert.run(body));
  return { commit: (body: string) => commit.immediate(body), close: () => db.close() };
}
