/**
 * Runs in a child process on a database built by search.ts, so open time and resident memory are
 * those of a process that only opened the log, not one still holding the build's garbage.
 * Prints one JSON object (ProbeResult) on stdout.
 */
import { openTestBackend, type TestBackend } from '../../test/support/backend.js';
import { searchQuery } from '../../electron/backend/store/queries.js';
import { isDeviceIncident } from '../../shared/domain/incident.js';
import { join } from 'node:path';
import { DATABASE_FILE } from '../../electron/backend/device.js';
import { createNodeEntryCrypto } from '../../electron/backend/node-crypto.js';
import { openLogDatabase } from '../../electron/backend/store/database.js';
import { createLogStore } from '../../electron/backend/store/index.js';
import { makeSigner } from '../../test/support/entries.js';
import { nowMs } from '../lib/stats.js';

export interface ProbeInput {
  dataDir: string;
  rareWords: string[];
  commonWord: string;
  /** Starts of the common word, as the window searches while it is typed. */
  prefixes: string[];
  iterations: number;
  opens: number;
}

export interface QueryTimes {
  ms: number[];
  /** Entries on the first page of each query, to show what was measured. */
  hits: number[];
}

export interface ProbeResult {
  entries: number;
  openMs: number[];
  rssBeforeOpen: number;
  rssAfterOpen: number;
  rssAfterQueries: number;
  rare: QueryTimes;
  /** Of `rare`, the times of the first query for each word (nothing of it in SQLite's page cache yet), and of the repeats. */
  rareFirst: number[];
  rareRepeat: number[];
  common: QueryTimes;
  /** The common word as an exact FTS5 term, bypassing searchQuery()'s prefix `*`: what the prefix costs. */
  commonExact: QueryTimes;
  /** Each start of the common word through api.search, and as FTS5's own prefix query (searchQuery()) for comparison. */
  prefixes: { text: string; match: string; search: QueryTimes; expanded: QueryTimes; prefixQuery: QueryTimes }[];
  /** Each start of the common word again, with an entry appended and indexed (untimed) before every query: the index changed each time. */
  busy: { text: string; search: QueryTimes }[];
  /** The same, the entry appended and indexed by another connection to the file (as the CLI beside the window): nothing read before is reused. */
  elsewhere: { text: string; search: QueryTimes }[];
  list: QueryTimes;
}

const input = JSON.parse(process.argv[2]!) as ProbeInput;
const rssBeforeOpen = process.memoryUsage().rss;
const openMs: number[] = [];
let backend: TestBackend | undefined;
for (let i = 0; i < input.opens; i++) {
  backend?.close();
  const start = nowMs();
  backend = openTestBackend({ dataDir: input.dataDir });
  openMs.push(nowMs() - start);
}
const api = backend!.api;
const rssAfterOpen = process.memoryUsage().rss;

async function timeQueries(run: (i: number) => Promise<{ entries: unknown[] }>, before: (i: number) => Promise<unknown> = async () => {}): Promise<QueryTimes> {
  const times: QueryTimes = { ms: [], hits: [] };
  for (let i = 0; i < 3; i++) await run(i);
  for (let i = 0; i < input.iterations; i++) {
    await before(i);
    const start = nowMs();
    const page = await run(i);
    times.ms.push(nowMs() - start);
    times.hits.push(page.entries.length);
  }
  return times;
}

const rareWordOf = (i: number) => input.rareWords[i % input.rareWords.length]!;
const rare = await timeQueries((i) => api.search({ text: rareWordOf(i), limit: 50 }));
// timeQueries ran queries 0-2 as warm-up, then 0 … iterations-1 timed.
const warmedUp = new Set([0, 1, 2].map(rareWordOf));
const rareFirst: number[] = [];
const rareRepeat: number[] = [];
rare.ms.forEach((ms, i) => {
  const word = rareWordOf(i);
  (warmedUp.has(word) ? rareRepeat : rareFirst).push(ms);
  warmedUp.add(word);
});
const common = await timeQueries(() => api.search({ text: input.commonWord, limit: 50 }));
const commonExact = await timeQueries(async () => backend!.store.search(`"${input.commonWord}"`, {}, { limit: 50, order: 'newest' }));
const list = await timeQueries(() => api['log.list']({ limit: 50 }));
const prefixes: ProbeResult['prefixes'] = [];
for (const text of input.prefixes) {
  const search = await timeQueries(() => api.search({ text, limit: 50 }));
  const expanded = await timeQueries(async () => backend!.store.search(backend!.store.searchMatch(text)!, {}, { limit: 50, order: 'newest' }));
  const prefixQuery = await timeQueries(async () => backend!.store.search(searchQuery(text)!, {}, { limit: 50, order: 'newest' }));
  prefixes.push({ text, match: backend!.store.searchMatch(text)!, search, expanded, prefixQuery });
}
const entries = backend!.store.count();
// A busy log: someone else's entry has arrived and been indexed since the last keystroke, so nothing
// read from the index before may be reused.
const [incident] = backend!.store.incidentIds().filter((id) => !isDeviceIncident(id));
const busy: ProbeResult['busy'] = [];
for (const text of [...input.prefixes, input.commonWord]) {
  const arrive = async (i: number) => {
    await api['log.add']({ incident: incident!, kind: 'melding', body: { text: `Stroomstoring gemeld, melding ${i}` } });
    backend!.store.indexSearchBacklog();
  };
  busy.push({ text, search: await timeQueries(() => api.search({ text, limit: 50 }), arrive) });
}
const otherDb = openLogDatabase(join(input.dataDir, DATABASE_FILE));
const other = createLogStore({ db: otherDb, signer: makeSigner(), crypto: createNodeEntryCrypto(), now: () => Date.now() });
const elsewhere: ProbeResult['elsewhere'] = [];
for (const text of [...input.prefixes, input.commonWord]) {
  const arrive = async (i: number) => {
    other.append({ kind: 'melding', incident: incident!, classification: 'intern', body: { text: `Stroomstoring gemeld via de CLI, melding ${i}` } });
    other.indexSearchBacklog();
  };
  elsewhere.push({ text, search: await timeQueries(() => api.search({ text, limit: 50 }), arrive) });
}
otherDb.close();
const result: ProbeResult = {
  entries, openMs, rssBeforeOpen, rssAfterOpen, rssAfterQueries: process.memoryUsage().rss, rare, rareFirst, rareRepeat, common, commonExact, list, prefixes, busy, elsewhere,
};
backend!.close();
process.stdout.write(JSON.stringify(result));
