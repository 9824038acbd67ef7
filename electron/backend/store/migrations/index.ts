import type { Database } from 'better-sqlite3';
import { migration001 } from './001-entries.js';
import { migration002 } from './002-search.js';
import { migration003 } from './003-pending.js';
import { migration004 } from './004-known-peers.js';
import { migration005 } from './005-portable.js';
import { migration006 } from './006-write-less.js';
import { migration007 } from './007-text-later.js';
import { migration008 } from './008-binary-keys.js';
import { migration009 } from './009-search-marks.js';
import { migration010 } from './010-page-sized-leaves.js';
import type { Migration } from './migration.js';

export type { Migration };

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010];
export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies the missing migrations, each in its own transaction together with its version bump. */
export function migrate(db: Database, upTo = SCHEMA_VERSION): void {
  for (const migration of MIGRATIONS) {
    if (migration.version > upTo || migration.version <= schemaVersion(db)) continue;
    db.transaction(() => {
      db.exec(migration.up);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
