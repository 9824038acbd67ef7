import type { Migration } from './migration.js';

/**
 * Full-text leaves that fit the file's pages.
 *
 * FTS5 writes its index in leaves of up to `pgsz` bytes (4,050 by default: 46 under a 4 KB page),
 * each leaf one row of its `_data` table. Logs created since this version have 2 KB pages
 * (store/database.ts, NEW_LOG_PAGE_SIZE), where a 4,050-byte leaf spills into an overflow page: two
 * pages written per leaf, and a search pass wrote more than with 4 KB pages. Here both full-text
 * indexes get leaves 48 bytes under the page size. Leaves already written stay as they are (FTS5
 * reads leaves of any size), so nothing is rewritten. A log with 4 KB pages or larger keeps the
 * default. Only what SQLite 3.31 has: pragma_page_size() is 3.16.
 */
export const migration010: Migration = {
  version: 10,
  name: 'full-text leaves fit the page',
  up: `
    INSERT INTO entry_text (entry_text, rank) SELECT 'pgsz', page_size - 48 FROM pragma_page_size() WHERE page_size < 4096;
    INSERT INTO entry_ids (entry_ids, rank) SELECT 'pgsz', page_size - 48 FROM pragma_page_size() WHERE page_size < 4096;
  `,
};
