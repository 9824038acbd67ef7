import type { Migration } from './migration.js';

/**
 * Entries this device appended whose text is not in the full-text index yet. FTS5 writes a new
 * segment (and rewrites its structure record) at every commit that adds text: for one appended
 * entry that is about six pages of a commit's thirteen. So an append records only its position here
 * (one row on one small page), and the backlog is indexed in one go later (store/search-backlog.ts):
 * by the background indexer, and by every search before it reads the index, so search still sees
 * every stored entry. The rows are durable with the append: text not yet indexed when the process
 * stops is indexed by the next one. Received entries come in batches and go into the index at once.
 */
export const migration006: Migration = {
  version: 6,
  name: 'search backlog',
  up: `
    CREATE TABLE search_backlog (pos INTEGER PRIMARY KEY);
  `,
};
