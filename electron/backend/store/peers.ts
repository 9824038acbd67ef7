import type { SqliteDatabase } from './database.js';

export interface KnownPeer {
  address: string;
  peerId: string | null;
  source: 'manual' | 'invite' | 'discovered';
  addedAt: number;
  lastConnectedAt: number | null;
  lastError: string | null;
}

interface Row {
  address: string;
  peer_id: string | null;
  source: KnownPeer['source'];
  added_at: number;
  last_connected_at: number | null;
  last_error: string | null;
}

export function createKnownPeers(db: SqliteDatabase, now: () => number) {
  const insert = db.prepare('INSERT INTO known_peers (address, source, added_at) VALUES (?, ?, ?) ON CONFLICT (address) DO NOTHING');
  const all = db.prepare<[], Row>('SELECT * FROM known_peers ORDER BY added_at, address');
  const connected = db.prepare('UPDATE known_peers SET peer_id = ?, last_connected_at = ?, last_error = NULL WHERE address = ?');
  const failed = db.prepare('UPDATE known_peers SET last_error = ? WHERE address = ?');
  const remove = db.prepare('DELETE FROM known_peers WHERE address = ?');
  return {
    /** Adds an address (already validated as a multiaddr); true when it was new. */
    add(address: string, source: KnownPeer['source']): boolean {
      return insert.run(address, source, now()).changes > 0;
    },
    list(): KnownPeer[] {
      return all.all().map((r) => ({
        address: r.address, peerId: r.peer_id, source: r.source, addedAt: r.added_at, lastConnectedAt: r.last_connected_at, lastError: r.last_error,
      }));
    },
    markConnected(address: string, peerId: string): void {
      connected.run(peerId, now(), address);
    },
    markFailed(address: string, error: string): void {
      failed.run(error, address);
    },
    remove(address: string): boolean {
      return remove.run(address).changes > 0;
    },
  };
}

export type KnownPeers = ReturnType<typeof createKnownPeers>;
