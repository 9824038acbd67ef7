import type { Connection, Libp2p } from '@libp2p/interface';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { PeerView } from '../../../shared/contract/api.js';
import type { Backend } from '../index.js';
import { parsePeerAddress } from './addresses.js';
import { createSyncHub, type PeerSyncStatus } from './hub.js';
import { createBakenLibp2p } from './libp2p-node.js';
import type { LIMITS } from './protocol.js';
import { createSyncService } from './sync-service.js';

export const UNREACHABLE = 'not reachable, or not in this team';
export const DISCONNECTED = 'connection lost; reconnects when the peer is reachable again';
const WATCH_INTERVAL_MS = 200;
const MAX_BACKOFF_MS = 60_000;

export interface SyncNodeOptions {
  backend: Backend;
  /** The team this device is in; `psk` is its swarm.key file, the libp2p pre-shared key. */
  team: { id: string; name: string; psk: Uint8Array };
  listen: string[];
  mdns: boolean;
  /** Addresses to dial besides the known peers stored in the data directory (saved as known peers). */
  peers?: string[];
  now?: () => number;
  limits?: Partial<typeof LIMITS>;
  log?: (line: string) => void;
}

export type PeerStatus = PeerView;

export interface NodeStatus {
  device: string;
  peerId: string;
  team: { id: string; name: string };
  listen: string[];
  peers: PeerStatus[];
}

/**
 * A device on the network: the libp2p host, the sync service, and the housekeeping around them —
 * redialling known peers with backoff, dialling peers found by mDNS, and noticing entries that other
 * processes (the CLI) wrote to the same database, so they reach peers within a second.
 */
export async function createSyncNode(options: SyncNodeOptions) {
  const { backend, team } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const store = backend.store;
  const hub = createSyncHub({ store, now });
  const node: Libp2p = await createBakenLibp2p({ deviceSeed: backend.identity.privateKeySeed, psk: team.psk, listen: options.listen, mdns: options.mdns });
  const service = createSyncService({ node, hub, limits: options.limits, log });
  for (const address of options.peers ?? []) store.knownPeers.add(parsePeerAddress(address).toString(), 'manual');

  const unsubscribe = backend.onAppended((entry) => hub.offerLocal([entry]));
  const dialState = new Map<string, { attempts: number; nextAt: number; dialing: boolean }>();
  const addressOfPeer = new Map<string, string>();
  let lastVersion = store.dataVersion();
  let lastHeads = store.authorHeads();
  let timer: NodeJS.Timeout | undefined;

  /** Entries another process committed: offer each author's new entries to every peer. */
  const noticeExternalWrites = () => {
    const version = store.dataVersion();
    if (version === lastVersion) return;
    lastVersion = version;
    const heads = store.authorHeads();
    const fresh = [];
    for (const [author, head] of heads) {
      const before = lastHeads.get(author);
      if (!before || before.seq < head.seq || (before.extra ?? 0) !== (head.extra ?? 0)) fresh.push(...store.chainAfter(author, head.seq - 1, '~', 8));
    }
    lastHeads = heads;
    if (fresh.length > 0) hub.offerLocal(fresh);
  };

  const connectedPeers = () => new Set(node.getConnections().map((c) => c.remotePeer.toString()));

  const redial = () => {
    const connected = connectedPeers();
    for (const known of store.knownPeers.list()) {
      if (known.peerId && connected.has(known.peerId)) continue;
      const state = dialState.get(known.address) ?? { attempts: 0, nextAt: 0, dialing: false };
      dialState.set(known.address, state);
      if (state.dialing || now() < state.nextAt) continue;
      state.dialing = true;
      node
        .dial(multiaddr(known.address), { signal: AbortSignal.timeout(6000) })
        .then((connection: Connection) => {
          state.attempts = 0;
          addressOfPeer.set(connection.remotePeer.toString(), known.address);
          store.knownPeers.markConnected(known.address, connection.remotePeer.toString());
        })
        .catch((error: Error) => {
          state.attempts++;
          const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(state.attempts, 6));
          state.nextAt = now() + delay * (0.8 + Math.random() * 0.4);
          store.knownPeers.markFailed(known.address, UNREACHABLE);
          log(`dial ${known.address}: ${UNREACHABLE} (${error.name}); retry in ${Math.round(delay / 1000)} s`);
        })
        .finally(() => {
          state.dialing = false;
        });
    }
  };

  /**
   * A peer announced itself on the LAN (mDNS calls this for every announcement, every few seconds):
   * dial it unless connected, dialling or backing off after a failed dial (another team's laptop).
   */
  const onDiscovery = (event: CustomEvent<{ id: { toString(): string }; multiaddrs: Multiaddr[] }>) => {
    const peer = event.detail.id.toString();
    if (connectedPeers().has(peer)) return;
    const key = `mdns:${peer}`;
    const state = dialState.get(key) ?? { attempts: 0, nextAt: 0, dialing: false };
    dialState.set(key, state);
    if (state.dialing || now() < state.nextAt) return;
    const addresses = event.detail.multiaddrs.map((a) => a.encapsulate(`/p2p/${peer}`));
    if (addresses.length === 0) return;
    state.dialing = true;
    node
      .dial(addresses, { signal: AbortSignal.timeout(6000) })
      .then(() => {
        state.attempts = 0;
      })
      .catch((error: Error) => {
        state.attempts++;
        state.nextAt = now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(state.attempts, 6));
        log(`discovered peer ${peer.slice(-8)}: ${UNREACHABLE} (${error.name})`);
      })
      .finally(() => {
        state.dialing = false;
      });
  };
  const mdnsService = (node.services as { mdns?: EventTarget }).mdns;

  const tick = () => {
    try {
      noticeExternalWrites();
      redial();
    } catch (error) {
      log(`sync housekeeping failed: ${(error as Error).message}`);
    }
  };

  return {
    hub,
    libp2p: node,
    traffic: () => service.traffic(),
    async start(): Promise<void> {
      await node.start();
      await service.start();
      mdnsService?.addEventListener('peer', onDiscovery as never);
      tick();
      timer = setInterval(tick, WATCH_INTERVAL_MS);
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      unsubscribe();
      mdnsService?.removeEventListener('peer', onDiscovery as never);
      await service.stop();
      await node.stop();
    },
    status(): NodeStatus {
      const sessions = hub.status();
      const byPeer = new Map<string, PeerSyncStatus>();
      for (const s of [...sessions.past, ...sessions.connected]) byPeer.set(s.peer, s);
      const connected = connectedPeers();
      const peers: PeerStatus[] = [];
      const listed = new Set<string>();
      const view = (id: string | null, address: string | null, problem: string | null): PeerStatus => {
        const s = id ? byPeer.get(id) : undefined;
        return {
          id, address, connected: id !== null && connected.has(id),
          lastSync: s?.lastSyncAt ? new Date(s.lastSyncAt).toISOString() : null,
          behind: s ? s.behind : null, ahead: s ? s.ahead : null, skewMs: s?.skewMs ?? null,
          problem: id !== null && connected.has(id) ? null : (problem ?? (s ? DISCONNECTED : null)),
        };
      };
      for (const known of store.knownPeers.list()) {
        peers.push(view(known.peerId, known.address, known.lastError));
        if (known.peerId) listed.add(known.peerId);
      }
      for (const id of new Set([...connected, ...byPeer.keys()])) {
        if (!listed.has(id)) peers.push(view(id, addressOfPeer.get(id) ?? node.getConnections(id as never)[0]?.remoteAddr.toString() ?? null, null));
      }
      return {
        device: store.author,
        peerId: node.peerId.toString(),
        team: { id: team.id, name: team.name },
        listen: node.getMultiaddrs().map((a) => a.toString()),
        peers,
      };
    },
    /** Adds and immediately dials a peer address. */
    addPeer(address: string): string {
      const parsed = parsePeerAddress(address).toString();
      store.knownPeers.add(parsed, 'manual');
      dialState.delete(parsed);
      redial();
      return parsed;
    },
  };
}

export type SyncNode = Awaited<ReturnType<typeof createSyncNode>>;
