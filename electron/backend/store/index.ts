import type { EntryCrypto, EntrySigner } from '../../../shared/domain/entry.js';
import { createHlcClock, DEFAULT_MAX_SKEW_MS, type HlcClock } from '../../../shared/domain/hlc.js';
import { WAITING_ROOM_CAPS, type WaitingRoomCaps } from '../replica/waiting-room.js';
import { createAppender } from './append.js';
import { createBehindCheck } from './behind.js';
import { NEW_LOG_PAGE_SIZE, type SqliteDatabase } from './database.js';
import { createForkedSeats } from './forked-seats.js';
import { createIngester } from './ingest.js';
import { compactLog, logFileShape } from './page-size.js';
import { createKnownPeers } from './peers.js';
import { createPrefixQueries } from './prefixes.js';
import { createQueries, createSyncQueries } from './queries.js';
import { createSearchBacklog } from './search-backlog.js';
import { createSearchTerms } from './search-terms.js';
import { createStateEntries } from './state-entries.js';
import { verifyLog } from './verify.js';

export interface LogStoreDeps {
  db: SqliteDatabase;
  signer: EntrySigner;
  crypto: EntryCrypto;
  /** Physical time in epoch ms; injected so tests can set clocks wrong on purpose. */
  now: () => number;
  maxSkewMs?: number;
  /** Caps on received entries kept waiting for a missing predecessor (default WAITING_ROOM_CAPS). */
  waitingRoom?: Partial<WaitingRoomCaps>;
}

/** The situation log on one device: append its own entries, ingest others', query, verify. */
export function createLogStore({ db, signer, crypto, now, maxSkewMs, waitingRoom }: LogStoreDeps) {
  const clock = createHlcClock(now, latestTrustedHlc(db), maxSkewMs);
  const queries = createQueries(db);
  const searchTerms = createSearchTerms(db, now);
  const backlog = createSearchBacklog(db, searchTerms.passWatcher);
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  const forkedSeats = createForkedSeats(db);
  const ingester = createIngester(db, crypto, clock, now, { ...WAITING_ROOM_CAPS, ...waitingRoom });
  // Every fork this connection stores is noted for the incident state's reads.
  const noted = <R extends { forks: readonly { author: string; seq: number }[] }>(report: R): R => {
    forkedSeats.note(report.forks);
    return report;
  };
  const indexBacklogFirst = () => {
    try {
      backlog.index();
    } catch {
      // Another process holds the write lock past the busy timeout, or the file is read-only:
      // search what is indexed; the backlog goes in with the next run.
    }
  };
  return {
    author: signer.publicKeyHex,
    clock: clock as HlcClock,
    append: createAppender(db, signer, crypto, clock, now),
    ingest: Object.assign((...args: Parameters<typeof ingester>) => noted(ingester(...args)), {
      checked: (...args: Parameters<typeof ingester.checked>) => noted(ingester.checked(...args)),
    }),
    verify: () => verifyLog(db, crypto),
    /**
     * Rewrites the file with a new log's page size and without free pages, when a person asks
     * (store/page-size.ts); only a connection alone on the file can ('in-use' otherwise).
     */
    compact() {
      const before = logFileShape(db);
      const start = now();
      const outcome = compactLog(db, NEW_LOG_PAGE_SIZE);
      return { outcome, before, after: logFileShape(db), ms: now() - start };
    },
    /** Which of these entries are stamped too far before an entry they follow (store/behind.ts). */
    clockBehind: createBehindCheck(db, crypto, maxSkewMs ?? DEFAULT_MAX_SKEW_MS),
    knownPeers: createKnownPeers(db, now),
    /** The FTS5 query for what a person typed (every word a word prefix), or null when it holds no word; for search(). */
    searchMatch(text: string): string | null {
      indexBacklogFirst();
      return searchTerms.match(text);
    },
    /** Copies committed WAL pages into the database without waiting for readers (cheap when there is nothing to do). */
    checkpoint: () => void db.pragma('wal_checkpoint(PASSIVE)'),
    /** Rows this connection has inserted, changed or deleted since it was opened (search passes and triggers included). */
    writes: () => totalChanges.get() as number,
    /** Changes whenever another connection (another process) commits to the database. */
    dataVersion: () => db.pragma('data_version', { simple: true }) as number,
    ...queries,
    /** Puts every waiting entry's text into the search index now (the background indexer does it pass by pass). */
    indexSearchBacklog: backlog.index,
    /** One pass of at most INDEX_PASS_ENTRIES (store/search-backlog.ts); how many it indexed. */
    indexSearchBacklogPass: backlog.indexSome,
    searchBacklogSize: backlog.size,
    /** Full-text search; indexes the backlog first, so every stored entry can be found. */
    search(...args: Parameters<typeof queries.search>) {
      indexBacklogFirst();
      return queries.search(...args);
    },
    /** An incident's entries that its derived state depends on (store/state-entries.ts): the same state as from all of them. */
    incidentStateEntries: createStateEntries(db, forkedSeats),
    ...createPrefixQueries(db),
    ...createSyncQueries(db),
  };
}

export type LogStore = ReturnType<typeof createLogStore>;

/** The clock resumes after the newest entry that was not flagged for skew, so it never goes backwards across restarts. */
function latestTrustedHlc(db: SqliteDatabase) {
  const row = db.prepare<[], { t: number; c: number }>('SELECT hlc_t AS t, hlc_c AS c FROM entries WHERE skew_ms IS NULL ORDER BY pos DESC LIMIT 1').get();
  return row ? { t: row.t, c: row.c } : undefined;
}
