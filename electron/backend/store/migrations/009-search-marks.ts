import type { Migration } from './migration.js';

/**
 * Less written per append (bench log prints where the bytes go, part by part).
 *
 * Since migration 6 an append recorded its position in `search_backlog`, for the search index's next
 * pass: one more page in every append's commit, about 4.3 kB of some 23. An append now writes no
 * such row. `search_marks` holds, per author whose appends wait for the pass (this device's key),
 * the seq up to which that author's entries are in both full-text indexes: everything above the
 * mark waits. A device's own seqs only grow, one by one, so the mark is a high-water mark. The pass
 * moves it up; an append writes it only once, when its author has none yet (store/append.ts).
 *
 * Entries of a marked author can also arrive from elsewhere: another device that holds the same key
 * (a restored backup). Those above the mark are left to the mark like appends; those at or below it
 * are indexed as any received entry (store/ingest.ts), so each entry is indexed exactly once. Ids
 * are looked up in the index, the old backlog, and above the marks (store/rows.ts, ID_LOOKUP).
 *
 * `search_backlog` stays: rows written before this migration are indexed by the next pass, as before.
 * Only what SQLite 3.31 has; one transaction with the version bump, as every migration.
 */
export const migration009: Migration = {
  version: 9,
  name: 'appends wait for the search index above a mark',
  up: `
    CREATE TABLE search_marks (
      author_no INTEGER PRIMARY KEY,
      seq INTEGER NOT NULL CHECK (typeof(seq) = 'integer' AND seq >= 0)
    );
  `,
};
