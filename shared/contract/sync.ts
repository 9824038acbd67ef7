import { z } from 'zod';
import { method } from './method.js';

/** The TCP port `baken serve` listens on unless told otherwise, and invite codes assume. */
export const DEFAULT_SYNC_PORT = 4100;

/** The team and the network: membership, peers, live sync state. */
export const syncArea = {
  'team.create': method(z.strictObject({ name: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters') })).returns<TeamView>(),
  /**
   * `out`: also write the code to this file (private, mode 0600), for carrying it on a stick. An
   * existing file there is replaced when it holds an invite code (an older one); anything else only
   * with `force` (else conflict, nothing written). Never into the data directory.
   */
  'team.invite': method(z.strictObject({ out: z.string().min(1).optional(), force: z.boolean().default(false) })).returns<InviteView>(),
  'team.join': method(z.strictObject({ code: z.string().trim().min(1, 'must not be empty').max(4000, 'is far too long for an invite code') })).returns<TeamJoinView>(),
  'peer.add': method(z.strictObject({ address: z.string().trim().min(1, 'must not be empty').max(300) })).returns<{ address: string }>(),
  'sync.status': method(z.strictObject({})).returns<SyncStatusView>(),
  /** Every remembered peer address: how it was added, whether and when it was reached, the last error. */
  'peer.list': method(z.strictObject({})).returns<KnownPeerView[]>(),
  /** Forgets a peer address (as typed for peer.add, or as peer.list shows it); a running node stops dialling it. */
  'peer.remove': method(z.strictObject({ address: z.string().trim().min(1, 'must not be empty').max(300) })).returns<{ address: string }>(),
};

export interface TeamView { id: string; name: string }
export interface TeamJoinView extends TeamView {
  /** The invite's addresses newly remembered as peers (0 when they were known already, or it carried none this version can dial). */
  peersAdded: number;
  /**
   * The invite's addresses this version cannot dial (a newer Baken may add QUIC and other
   * transports), each with why; they are left out and the join goes ahead. Absent when none were.
   */
  skippedAddresses?: SkippedAddressView[];
}
export interface SkippedAddressView {
  address: string;
  /** In plain words. */
  problem: string;
}
export interface PeerView {
  id: string | null;
  address: string | null;
  /** The device key it said hello with (its profile names it; people.list), null until they have talked. */
  device: string | null;
  connected: boolean;
  lastSync: string | null;
  /** Entries the peer has that this device lacks, and the reverse (null until they have talked). */
  behind: number | null;
  ahead: number | null;
  /** The peer's clock minus this device's, from their last hello. */
  skewMs: number | null;
  /** Its entries this device refused because the waiting room was full (for their author, or for this peer), null until they have talked. */
  waitingRoomRefused: number | null;
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

export interface InviteView {
  code: string;
  team: TeamView;
  /** Where teammates can reach this device, as the code carries them (at most 8; may be none). */
  addresses: string[];
  /** Where the addresses come from, so a user interface can say how far they can be trusted. */
  reach: {
    /**
     * `serving`: where the node running now listens. `last-serve`: no node runs; this machine's
     * addresses where the last node listened, good once `baken serve` listens there again.
     * `default`: no node has run here yet; this machine's addresses on DEFAULT_SYNC_PORT.
     */
    from: 'serving' | 'last-serve' | 'default';
    /** The TCP ports listened on, or assumed. */
    ports: number[];
    /**
     * Why `addresses` is empty: the node listens (or listened) only on loopback, which no teammate
     * can reach, or this machine has no LAN address at all. The code still carries the team key;
     * teammates then add this device's address by hand.
     */
    problem: 'loopback-only' | 'no-lan-address' | null;
  };
}
export interface KnownPeerView {
  /** A multiaddr, e.g. /ip4/192.168.1.20/tcp/4100. */
  address: string;
  /** How it was added: by hand (peer add, serve --peer), from an invite code, or found on the LAN. */
  source: 'manual' | 'invite' | 'discovered';
  addedAt: string;
  /** The peer last reached at this address. */
  peerId: string | null;
  /** Whether this device ever connected to it, and when last. */
  reached: boolean;
  lastConnected: string | null;
  /** Why the last dial failed, in plain words; null once a dial succeeds. */
  lastError: string | null;
  /** Connected now, by a node running on this data directory. */
  connected: boolean;
}
