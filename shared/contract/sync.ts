import { z } from 'zod';
import { method } from './method.js';

/** The TCP port `baken serve` listens on unless told otherwise, and invite codes assume. */
export const DEFAULT_SYNC_PORT = 4100;

/** The team and the network: membership, peers, live sync state. */
export const syncArea = {
  'team.create': method(z.strictObject({ name: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters') })).returns<TeamView>(),
  /** `out`: also write the code to this file (private, mode 0600), for carrying it on a stick. */
  'team.invite': method(z.strictObject({ out: z.string().min(1).optional() })).returns<{ code: string; team: TeamView; addresses: string[] }>(),
  'team.join': method(z.strictObject({ code: z.string().trim().min(1, 'must not be empty').max(4000, 'is far too long for an invite code') })).returns<
    TeamView & { peersAdded: number }
  >(),
  'peer.add': method(z.strictObject({ address: z.string().trim().min(1, 'must not be empty').max(300) })).returns<{ address: string }>(),
  'sync.status': method(z.strictObject({})).returns<SyncStatusView>(),
};

export interface TeamView { id: string; name: string }
export interface PeerView {
  id: string | null;
  address: string | null;
  connected: boolean;
  lastSync: string | null;
  /** Entries the peer has that this device lacks, and the reverse (null until they have talked). */
  behind: number | null;
  ahead: number | null;
  /** The peer's clock minus this device's, from their last hello. */
  skewMs: number | null;
  /** In plain words, when it is not connected ("not reachable, or not in this team"). */
  problem: string | null;
}
export interface SyncStatusView {
  device: string;
  team: TeamView | null;
  /** Whether a node (this process or `baken serve`) is running on this data directory. */
  serving: boolean;
  peerId: string | null;
  listen: string[];
  peers: PeerView[];
}
