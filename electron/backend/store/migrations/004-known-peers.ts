import type { Migration } from './migration.js';

/**
 * Peers this device knows how to reach (added by hand, from an invite, or seen on the LAN), so a
 * restarted node redials them. Not part of the log: rows here may change.
 */
export const migration004: Migration = {
  version: 4,
  name: 'known peers',
  up: `
    CREATE TABLE known_peers (
      address TEXT PRIMARY KEY,
      peer_id TEXT,
      source TEXT NOT NULL CHECK (source IN ('manual', 'invite', 'discovered')),
      added_at INTEGER NOT NULL,
      last_connected_at INTEGER,
      last_error TEXT
    ) STRICT;
  `,
};
