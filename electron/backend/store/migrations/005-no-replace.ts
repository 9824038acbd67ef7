import type { Migration } from './index.js';

/**
 * INSERT OR REPLACE removes the conflicting row without firing DELETE triggers (SQLite fires them
 * only with recursive_triggers on), so it would slip past entries_no_delete. Refuse it up front.
 */
export const migration005: Migration = {
  version: 5,
  name: 'no replace',
  up: `
    CREATE TRIGGER entries_no_replace BEFORE INSERT ON entries
      WHEN EXISTS (SELECT 1 FROM entries WHERE pos = NEW.pos OR id = NEW.id)
      BEGIN SELECT RAISE(ABORT, 'log entries are append-only: an entry is never replaced'); END;
  `,
};
