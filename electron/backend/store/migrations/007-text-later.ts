import type { Migration } from './migration.js';

/**
 * Less written per received entry (bench log prints where the bytes go, part by part).
 *
 * `text_backlog` holds received entries whose text is not in `entry_text` yet (their ids are: id
 * lookups and the chain checks of the next batch need them at once). Indexed with each sync batch
 * of 1000, FTS5 wrote a small segment per batch and then merged those segments again and again:
 * about 1,000 bytes written per entry for 171 stored. The search backlog's pass indexes many
 * batches at once instead (store/search-backlog.ts), in segments twenty times larger, and every
 * search runs it first, so search still sees every stored entry. FTS5 keeps up to 16 MiB of a
 * pass in memory (`hashsize`, 1 MiB by default) so that a pass is one segment, not one per MiB:
 * about 100 bytes less written per entry, and fewer segments for each search to read.
 *
 * The kind index leaves out the two kinds that make up most of a log, `melding` and `beeld`.
 * Received in batches, entries of every kind and incident land all over the index, and each
 * commit rewrote a page per (kind, incident): 640 bytes per entry for 60 stored. Every query that
 * reads it names its condition (store/kind-index.ts), or SQLite would not use a partial index.
 * A list of one of those two kinds reads the incident index and skips the other kinds: they are
 * most of every incident, so the page fills after a few rows more.
 *
 * Only what SQLite 3.31 has; one transaction with the version bump, as every migration.
 */
export const migration007: Migration = {
  version: 7,
  name: 'received text indexed later, kind index without melding and beeld',
  up: `
    CREATE TABLE text_backlog (pos INTEGER PRIMARY KEY);
    INSERT INTO entry_text (entry_text, rank) VALUES ('hashsize', 16777216);
    DROP INDEX entries_kind;
    CREATE INDEX entries_kind ON entries (kind, incident) WHERE kind NOT IN ('melding', 'beeld');
  `,
};
