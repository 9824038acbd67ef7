import type { Migration } from './migration.js';

/**
 * Less written per entry (bench log prints where the bytes go, part by part).
 *
 * The id lookup index on the first 16 hex characters of the id (migration 5) took writes all over
 * it: ids are random, so a batch of 1000 received entries rewrote most of its pages, and with the
 * checkpoint that copies them back it was the largest cost of an ingested entry (about 1.7 kB of
 * 5.4 kB). It becomes `entry_ids`, a contentless full-text index whose one term per entry is the
 * same 16 characters: FTS5 writes each batch's terms as one small sorted segment and merges
 * segments later, sequentially. Lookups read a few segments (store/rows.ts, ID_LOOKUP); the ids'
 * order, which people's typed prefixes need, is its vocabulary (store/prefixes.ts). Filled here from
 * every stored entry, in the migration's one transaction.
 *
 * `search_backlog` holds the entries this device appended whose text and id are not in those two
 * full-text indexes yet. FTS5 writes a new segment (and rewrites its structure record) at every
 * commit that adds to it: for one appended entry that was about six pages of a commit's thirteen.
 * So an append records only its position there (one row on one small page), and the backlog is
 * indexed in one go later (store/search-backlog.ts): by the background indexer, and by every search
 * before it reads, so search still sees every stored entry; id lookups read the backlog's few rows
 * besides the index. The rows are durable with the append: what is not indexed when the process
 * stops is indexed by the next one. Received entries come in batches and are indexed at once.
 */
export const migration006: Migration = {
  version: 6,
  name: 'id index as a full-text index, search backlog',
  up: `
    CREATE VIRTUAL TABLE entry_ids USING fts5 (id, content = '', tokenize = 'ascii', detail = none, columnsize = 0);
    INSERT INTO entry_ids (rowid, id) SELECT pos, substr(id, 1, 16) FROM entries ORDER BY pos;
    DROP INDEX entries_id_prefix;
    CREATE TABLE search_backlog (pos INTEGER PRIMARY KEY);
  `,
};
