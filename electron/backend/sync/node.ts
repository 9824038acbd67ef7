import type { Libp2p } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import { BakenError } from '../../../shared/contract/errors.js';
import type { Subscribe } from '../../../shared/contract/events.js';
import type { PeerView } from '../../../shared/contract/sync.js';
import type { AnyEntry } from '../../../shared/domain/entry.js';
import { DEFAULT_MAX_SKEW_MS } from '../../../shared/domain/hlc.js';
import { describeSkew } from '../../../shared/domain/skew.js';
import type { Clock } from '../clock.js';
import type { EmitEvent } from '../events.js';
import { announceIngest } from '../ingest-events.js';
import type { EntryChecker } from '../entry-checks/pool.js';
import type { CheckedIngestReplica } from '../replica/checked-batch.js';
import type { KnownPeers } from '../store/peers.js';
import { parsePeerAddress } from './addresses.js';
import { createDialer } from './dialer.js';
import { createSyncHub, type PeerSyncStatus } from './hub.js';
import { createBakenLibp2p } from './libp2p-node.js';
import type { Limits } from './protocol.js';
import { createSyncService } from './sync-service.js';

export const DISCONNECTED = 'connection lost; reconnects when the peer is reachable again';
const HOUSEKEEPING_MS = 200;

export interface SyncNodeOptions {
  /** The log to sync; `entry` finds an entry a peer's ingest completed from the waiting room. */
  replica: CheckedIngestReplica & { entry(id: string): AnyEntry | null };
  /** Checks received entries on another thread while the frames before are stored (entry-checks/pool.ts). */
  checker?: EntryChecker;
  knownPeers: KnownPeers;
  /** SHA-256, for the clock fingerprints the sync protocol compares. */
  sha256(bytes: Uint8Array): Uint8Array;
  /** The device's Ed25519 seed: the same key is its libp2p identity. */
  signer: { privateKeySeed: Uint8Array };
  events: { emit: EmitEvent; on: Subscribe };
  clock: Clock;
  /** The team this device is in; `psk` is its swarm.key file, the libp2p pre-shared key. */
  team: { id: string; name: string; psk: Uint8Array };
  listen: string[];
  mdns: boolean;
  /** Addresses to dial besides the known peers stored in the data directory (saved as known peers). */
  peers?: string[];
  limits?: Partial<Limits>;
  /** A peer whose clock is further off than this is reported (default 5 minutes). */
  maxSkewMs?: number;
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
 * redialling known peers with backoff, dialling peers found by mDNS, offering what this device
 * stores (written here, by another process, or imported from a bundle) to every peer, and telling
 * the user interfaces when peers change.
 */
export async function createSyncNode(options: SyncNodeOptions) {
  const { replica, knownPeers, team, clock, events } = options;
  const log = options.log ?? (() => {});
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const hub = createSyncHub({
    store: replica,
    checker: options.checker,
    sha256: options.sha256,
    now: clock.now,
    limits: options.limits,
    onIngested: (report, entries, link) => {
      announceIngest(events.emit, report, entries, { type: 'peer', peer: link.peer, device: link.session.status().remoteDevice }, (id) => replica.entry(id));
    },
  });
  const node: Libp2p = await createBakenLibp2p({ deviceSeed: options.signer.privateKeySeed, psk: team.psk, listen: options.listen, mdns: options.mdns });
  const service = createSyncService({ node, hub, clock, limits: options.limits, log });
  const dialer = createDialer({ node, knownPeers, clock, log });
  const skewReported = new Set<string>();
  let lastPeers = '';
  let stopHousekeeping: (() => void) | null = null;
  let unsubscribe: (() => void)[] = [];

  const connectedPeers = () => new Set(node.getConnections().map((c) => c.remotePeer.toString()));
  const onDiscovery = (event: CustomEvent<{ id: { toString(): string }; multiaddrs: Multiaddr[] }>) => dialer.discovered(event.detail.id.toString(), event.detail.multiaddrs);
  const mdnsService = (node.services as { mdns?: EventTarget }).mdns;

  const status = (): NodeStatus => {
    const sessions = hub.status();
    const byPeer = new Map<string, PeerSyncStatus>();
    for (const s of [...sessions.past, ...sessions.connected]) byPeer.set(s.peer, s);
    const connected = connectedPeers();
    const peers: PeerStatus[] = [];
    const listed = new Set<string>();
    const view = (id: string | null, address: string | null, dialProblem: string | null): PeerStatus => {
      const s = id ? byPeer.get(id) : undefined;
      const isConnected = id !== null && connected.has(id);
      const skewed = s?.skewMs !== null && s?.skewMs !== undefined && Math.abs(s.skewMs) > maxSkewMs;
      // The first thing a person should act on: a session that failed, a clock far off, a peer out of reach.
      const problem = s?.problem ?? (skewed ? `its clock is ${describeSkew(s!.skewMs!)}${s!.skewMs! > 0 ? ' of' : ''} this laptop's` : isConnected ? null : (dialProblem ?? (s ? DISCONNECTED : null)));
      return {
        id, address, device: s?.remoteDevice ?? null, connected: isConnected,
        lastSync: s?.lastSyncAt ? new Date(s.lastSyncAt).toISOString() : null,
        behind: s ? s.behind : null, ahead: s ? s.ahead : null, skewMs: s?.skewMs ?? null, waitingRoomRefused: s ? s.waitingRoomRefused : null,
        problem,
      };
    };
    for (const known of knownPeers.list()) {
      peers.push(view(known.peerId, known.address, known.lastError));
      if (known.peerId) listed.add(known.peerId);
    }
    for (const id of new Set([...connected, ...byPeer.keys()])) {
      if (!listed.has(id)) peers.push(view(id, dialer.addressOf(id) ?? node.getConnections(id as never)[0]?.remoteAddr.toString() ?? null, null));
    }
    return { device: replica.author, peerId: node.peerId.toString(), team: { id: team.id, name: team.name }, listen: node.getMultiaddrs().map((a) => a.toString()), peers };
  };

  /** Tells the user interfaces what changed about the peers, and about a peer's clock once per session. */
  const reportPeers = () => {
    const { peers } = status();
    const text = JSON.stringify(peers);
    if (text !== lastPeers) {
      lastPeers = text;
      events.emit('peers.changed', { peers });
    }
    for (const session of hub.status().connected) {
      const key = `${session.peer}:${session.remoteDevice ?? ''}`;
      if (session.skewMs === null || Math.abs(session.skewMs) <= maxSkewMs || skewReported.has(key)) continue;
      skewReported.add(key);
      events.emit('clock.skew', { subject: 'peer', peer: session.peer, device: session.remoteDevice, skewMs: session.skewMs });
    }
  };

  const housekeeping = () => {
    try {
      dialer.redial();
      reportPeers();
    } catch (error) {
      log(`sync housekeeping failed: ${(error as Error).message}`);
    }
  };

  for (const address of options.peers ?? []) knownPeers.add(parsePeerAddress(address).toString(), 'manual');

  const stop = async (): Promise<void> => {
    stopHousekeeping?.();
    stopHousekeeping = null;
    for (const off of unsubscribe.splice(0)) off();
    mdnsService?.removeEventListener('peer', onDiscovery as never);
    await service.stop();
    await node.stop();
  };

  return {
    name: 'sync node',
    hub,
    libp2p: node,
    traffic: () => service.traffic(),
    status,
    async start(): Promise<void> {
      try {
        await node.start();
      } catch (error) {
        await Promise.resolve(node.stop()).catch(() => undefined);
        throw new BakenError('network', `could not start the network on ${options.listen.join(', ')}: ${listenProblem(error)}`, { cause: error });
      }
      try {
        await service.start();
        // Entries this device stored some other way than from a peer: the hub relays what peers send itself.
        unsubscribe = [
          events.on('entries.added', ({ entries, source }) => {
            if (source.type !== 'peer') hub.offerLocal(entries);
          }),
          events.on('fork.detected', ({ author, source }) => {
            if (source.type !== 'peer') hub.offerLocal([], [author]);
          }),
        ];
        mdnsService?.addEventListener('peer', onDiscovery as never);
        housekeeping();
        stopHousekeeping = clock.every(HOUSEKEEPING_MS, housekeeping);
      } catch (error) {
        await stop().catch(() => undefined);
        throw error;
      }
    },
    stop,
    /** Adds and immediately dials a peer address. */
    addPeer(address: string): string {
      const parsed = parsePeerAddress(address).toString();
      knownPeers.add(parsed, 'manual');
      dialer.reset(parsed);
      dialer.redial();
      return parsed;
    },
  };
}

export type SyncNode = Awaited<ReturnType<typeof createSyncNode>>;

/** libp2p reports a failed listen as one long text with the system's error inside: say it in plain words. */
function listenProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const system = /\b(EADDRINUSE|EADDRNOTAVAIL|EACCES)\b[^\n]*?([\d.:a-f[\]]+):(\d+)\s*$/m.exec(message);
  if (system) {
    const [, code, host, port] = system;
    if (code === 'EADDRINUSE') return `port ${port} on ${host} is already in use (is another baken serve running?)`;
    if (code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine`;
    return `not allowed to listen on port ${port} (ports below 1024 need administrator rights)`;
  }
  return message.split('\n')[0] ?? message;
}
