import type { Migration } from './migration.js';

/**
 * Authentic entries whose predecessor has not arrived yet (a partial bundle, a relay that was cut
 * off). They wait here, outside the log, and move into it once the gap is filled.
 */
export const migration003: Migration = {
  version: 3,
  name: 'pending entries',
  up: `
    CREATE TABLE pending_entries (
      id TEXT PRIMARY KEY,
      author TEXT NOT NULL,
      seq INTEGER NOT NULL,
      prev TEXT NOT NULL,
      entry TEXT NOT NULL,
      received_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX pending_prev ON pending_entries (prev);
  `,
};
