import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openLogDatabase } from '../../electron/backend/store/database.js';
import { createSyncQueries } from '../../electron/backend/store/queries.js';
import { createEntryWriter } from '../../electron/backend/store/rows.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';
import type { AuthorHead, IngestReport, Replica } from '../../electron/backend/replica/replica.js';
import { buildClockIndex, type ClockIndex } from '../../electron/backend/sync/clock-index.js';
import { decodeMessage, encodeMessage, type SyncMessage } from '../../electron/backend/sync/protocol.js';
import { createSyncSession } from '../../electron/backend/sync/session.js';
import { varintLength } from '../../electron/backend/sync/frames.js';
import type { Section } from '../lib/report.js';
import { formatCount, formatMb, formatMs, median, nowMs } from '../lib/stats.js';

const TIME_TARGET_MS = 1000;
/** Small figures in kB, so a 200-byte exchange does not read as 0 MB. */
const bytes = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : formatMb(n));
const BYTES_TARGET = 4 * 1024 * 1024;
import { createNodeEntryCrypto } from '../../electron/backend/node-crypto.js';

const { sha256 } = createNodeEntryCrypto();

/** A clock of `n` authors with random keys and heads. */
function makeClock(n: number): Map<string, AuthorHead> {
  const heads = new Map<string, AuthorHead>();
  for (let i = 0; i < n; i++) heads.set(randomBytes(32).toString('hex'), { seq: 1 + (i % 40), head: randomBytes(32).toString('hex') });
  return heads;
}

/** The same clock with `fraction` of its authors one entry further on (another head). */
function drift(heads: Map<string, AuthorHead>, fraction: number): Map<string, AuthorHead> {
  const out = new Map(heads);
  let i = 0;
  const every = Math.max(1, Math.round(1 / fraction));
  for (const [author, head] of heads) if (i++ % every === 0) out.set(author, { seq: head.seq + 1, head: randomBytes(32).toString('hex') });
  return out;
}

/** A replica that only has a clock: enough for the clock exchange, which is all this measures (no entry is sent). */
function clockOnly(heads: Map<string, AuthorHead>): Replica {
  const empty: IngestReport = { added: [], known: 0, pending: [], forks: [], rejected: [], waitingRoomFull: [], skewed: [] };
  return {
    author: randomBytes(32).toString('hex'),
    authorHeads: () => heads,
    authorHead: (author) => heads.get(author),
    chainAfter: () => [],
    idsAtSeq: (author, seq) => (heads.get(author)?.seq === seq ? [heads.get(author)!.head] : []),
    ingest: () => empty,
  };
}

interface Exchange {
  ms: number;
  aToB: number;
  bToA: number;
  frames: number;
  largestFrame: number;
}

/** Two sessions talking through the real codec until neither has anything to say; each side's clock index is already built, as a running node keeps it. */
function exchange(a: Map<string, AuthorHead>, b: Map<string, AuthorHead>): Exchange {
  const aIndex: ClockIndex = buildClockIndex(a, sha256);
  const bIndex: ClockIndex = buildClockIndex(b, sha256);
  const toB: SyncMessage[] = [];
  const toA: SyncMessage[] = [];
  const result = { aToB: 0, bToA: 0, frames: 0, largestFrame: 0 };
  const start = nowMs();

  const left = createSyncSession({ store: clockOnly(a), clockIndex: () => aIndex, send: (m) => toB.push(m), now: Date.now });
  const right = createSyncSession({ store: clockOnly(b), clockIndex: () => bIndex, send: (m) => toA.push(m), now: Date.now });
  left.start();
  right.start();
  const deliver = (queue: SyncMessage[], to: typeof left, count: 'aToB' | 'bToA') => {
    const message = queue.shift()!;
    const frame = encodeMessage(message);
    result[count] += frame.length + varintLength(frame.length);
    result.frames++;
    result.largestFrame = Math.max(result.largestFrame, frame.length);
    to.receive(decodeMessage(frame));
  };
  while (toA.length > 0 || toB.length > 0) {
    if (toB.length > 0) deliver(toB, right, 'aToB');
    if (toA.length > 0) deliver(toA, left, 'bToA');
  }
  return { ms: nowMs() - start, ...result };
}

/**
 * What a node pays once when it starts: reading every author's head from SQLite. Rows are written
 * straight into the table (one entry per author, not signed: nothing here verifies them).
 */
function headsFromSqlite(authors: number): number {
  const dir = makeTempDir('heads');
  try {
    const db = openLogDatabase(join(dir, 'baken.db'));
    const write = createEntryWriter(db);
    db.transaction(() => {
      for (let i = 0; i < authors; i++) {
        write({ v: 1, author: randomBytes(32).toString('hex'), seq: 1, prev: null, hlc: { t: 1_790_000_000_000 + i, c: 0 }, incident: '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e', kind: 'melding', body: { text: `melding ${i}` }, classification: 'intern', id: randomBytes(32).toString('hex'), sig: '00'.repeat(64) }, 0, null);
      }
    })();
    const store = createSyncQueries(db);
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = nowMs();
      store.authorHeads();
      samples.push(nowMs() - start);
    }
    db.close();
    return median(samples);
  } finally {
    removeTempDir(dir);
  }
}

/** The clock exchange of /baken/sync/2.0.0 for 10k and 100k authors, beside what the whole clock in one hello would have cost. */
export function clockExchangeSection(quick: boolean): Section {
  const figures: Section['figures'] = [];
  for (const authors of quick ? [10_000] : [10_000, 100_000]) {
    const base = makeClock(authors);
    const wholeClock = JSON.stringify(Object.fromEntries(base)).length;
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) {
      let start = nowMs();
      const index = buildClockIndex(base, sha256);
      cold.push(nowMs() - start);
      const changed = drift(base, 0.01);
      const changes = new Map([...changed].filter(([author, head]) => base.get(author) !== head));
      start = nowMs();
      index.withChanges(changes);
      warm.push(nowMs() - start);
    }
    figures.push({ name: `${formatCount(authors)} authors: whole clock as one hello (old protocol)`, value: bytes(wholeClock) });
    figures.push({ name: `${formatCount(authors)} authors: reading every head from SQLite (once per node start)`, value: formatMs(headsFromSqlite(authors)) });
    figures.push({ name: `${formatCount(authors)} authors: clock index, first build (once per node start)`, value: formatMs(median(cold)) });
    figures.push({ name: `${formatCount(authors)} authors: clock index, rebuild after 1% changed`, value: formatMs(median(warm)) });
    for (const [label, other] of [['in sync', base], ['1% differ', drift(base, 0.01)], ['10% differ', drift(base, 0.1)]] as const) {
      const run = exchange(base, other);
      const name = `${formatCount(authors)} authors, ${label}`;
      const total = run.aToB + run.bToA;
      figures.push({ name: `${name}: time`, value: formatMs(run.ms), ...(authors === 100_000 ? { target: `≤ ${TIME_TARGET_MS} ms`, met: run.ms <= TIME_TARGET_MS } : {}) });
      figures.push({
        name: `${name}: bytes A→B / B→A (${run.frames} frames, largest ${bytes(run.largestFrame)})`,
        value: `${bytes(run.aToB)} / ${bytes(run.bToA)}`,
        ...(authors === 100_000 ? { target: `≤ ${formatMb(BYTES_TARGET)} total`, met: total <= BYTES_TARGET } : {}),
      });
    }
  }
  return {
    title: 'Clock exchange (/baken/sync/2.0.0): two sessions comparing clocks through the real codec, no entries sent',
    notes: [
      'a node keeps its clock index between sessions and rebuilds it after changes (rehashing only changed authors): the index figures; time is the exchange itself, from both hellos to the last reply',
      'the exchanges take heads from memory; reading them from SQLite is the separate figure above (median of 3 on a log of one entry per author)',
      '"differ": that share of authors is one entry ahead on A; bytes include length prefixes; the old protocol could not send a whole clock over 1 MiB at all',
    ],
    figures,
  };
}
