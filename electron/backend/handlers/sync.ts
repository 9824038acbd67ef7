import { readFileSync, statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { BakenError } from '../../../shared/contract/errors.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import { DEFAULT_SYNC_PORT, type InviteView, type KnownPeerView, type SyncStatusView, type syncArea } from '../../../shared/contract/sync.js';
import { INVITE_MAX_ADDRESSES } from '../../../shared/team/invite.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { refuseDataDirectory, refuseToReplace } from '../files/data-directory.js';
import type { LogStore } from '../store/index.js';
import { parsePeerAddress, sortInviteAddresses } from '../sync/addresses.js';
import type { NodeStatus } from '../sync/node.js';
import { lastListen, listenPoints, reachableAddresses, type Interfaces } from '../sync/reach.js';
import { readStatusFile } from '../sync/status-file.js';
import { decodeInvite, encodeInvite } from '../sync/team/invite.js';
import { createTeam, joinTeam, loadTeam } from '../sync/team/team.js';

/** What the handlers may ask of a node running in this process. */
export interface LiveNode {
  status(): NodeStatus;
  /** Remembers and dials an address at once; returns it as a multiaddr. */
  addPeer(address: string): string;
}

export interface SyncHandlerDeps {
  store: Pick<LogStore, 'author' | 'knownPeers'>;
  dataDir: string;
  now: () => number;
  /** The node running in this process, if any (else a `baken serve` may publish its status file). */
  liveNode: () => LiveNode | null;
  /** This machine's network interfaces (default: the operating system's), for the addresses an invite carries. */
  interfaces?: () => Interfaces;
}

/** Team membership, peers and the live network state. */
export function createSyncHandlers({ store, dataDir, now, liveNode, interfaces = networkInterfaces }: SyncHandlerDeps): HandlersOf<typeof syncArea> {
  const requireTeam = () => {
    const team = loadTeam(dataDir);
    if (!team) throw new BakenError('not-found', 'this device is in no team yet; run: baken team create --name NAME, or baken team join CODE');
    return team;
  };
  const liveStatus = () => liveNode()?.status() ?? readStatusFile(dataDir, now());

  const status = (): SyncStatusView => {
    const team = loadTeam(dataDir);
    const live = liveStatus();
    if (live) return { device: store.author, team: team && { id: team.id, name: team.name }, serving: true, peerId: live.peerId, listen: live.listen, peers: live.peers };
    return {
      device: store.author, team: team && { id: team.id, name: team.name }, serving: false, peerId: null, listen: [],
      peers: store.knownPeers.list().map((p) => ({
        id: p.peerId, address: p.address, device: null, connected: false, lastSync: null, behind: null, ahead: null, skewMs: null, waitingRoomRefused: null,
        problem: p.lastError ?? 'not connected: no node is running (baken serve)',
      })),
    };
  };

  return {
    'team.create': ({ name }) => createTeam(dataDir, name, now),
    'team.invite': ({ out, force }) => {
      const team = requireTeam();
      if (out !== undefined) {
        refuseDataDirectory(out, dataDir);
        refuseToReplace(out, force, holdsInvite, 'an invite');
      }
      const { from, addresses, ports, problem } = inviteReach();
      const code = encodeInvite(team, addresses);
      // The code carries the team key: as private as team.key itself.
      if (out !== undefined) writeFileAtomic(out, `${code}\n`, { doing: `writing the invite code to ${out}`, mode: 0o600 });
      return { code, team: { id: team.id, name: team.name }, addresses, reach: { from, ports, problem } };
    },
    'team.join': ({ code }) => {
      const invite = decodeInvite(code);
      // Sorted before team.key is written: once it is, the join must not fail over an address. A
      // newer Baken may put transports this one cannot dial into its invites; those are only skipped.
      const { dialable, skipped } = sortInviteAddresses(invite.addresses);
      const info = joinTeam(dataDir, invite, now);
      let peersAdded = 0;
      for (const address of dialable) if (store.knownPeers.add(address, 'invite')) peersAdded++;
      return { ...info, peersAdded, ...(skipped.length > 0 ? { skippedAddresses: skipped } : {}) };
    },
    'peer.add': ({ address }) => {
      const running = liveNode();
      const parsed = running ? running.addPeer(address) : parsePeerAddress(address).toString();
      if (!running) store.knownPeers.add(parsed, 'manual');
      return { address: parsed };
    },
    'sync.status': status,
    'peer.list': () => {
      const connected = new Set((liveStatus()?.peers ?? []).filter((p) => p.connected && p.address !== null).map((p) => p.address));
      return store.knownPeers.list().map((p): KnownPeerView => ({
        address: p.address, source: p.source, addedAt: new Date(p.addedAt).toISOString(), peerId: p.peerId,
        reached: p.lastConnectedAt !== null, lastConnected: p.lastConnectedAt === null ? null : new Date(p.lastConnectedAt).toISOString(),
        lastError: p.lastError, connected: connected.has(p.address),
      }));
    },
    'peer.remove': ({ address }) => {
      // Exactly as peer.list shows it first, then as peer add would store what was typed (10.0.0.7:4100).
      const stored = store.knownPeers.list().find((p) => p.address === address)?.address ?? parsePeerAddress(address).toString();
      if (!store.knownPeers.remove(stored)) throw new BakenError('not-found', `no known peer has the address ${stored} (baken peer list shows them)`);
      return { address: stored };
    },
  };

  /**
   * The addresses an invite carries: where the running node listens, else where the last one
   * listened, else where `baken serve` listens by default; each without loopback, which no
   * teammate can reach.
   */
  function inviteReach(): InviteView['reach'] & { addresses: string[] } {
    const live = liveStatus();
    const last = live ? null : lastListen(dataDir);
    const from = live ? 'serving' : last ? 'last-serve' : 'default';
    const points = live ? listenPoints(live.listen, live.listen) : (last ?? [{ family: 4, host: '0.0.0.0', port: DEFAULT_SYNC_PORT }]);
    const reach = reachableAddresses(points, interfaces());
    return { from, ...reach, addresses: reach.addresses.slice(0, INVITE_MAX_ADDRESSES) };
  }
}

/** Far more than the longest invite code with a line break; a larger file is something else. */
const MAX_INVITE_FILE_BYTES = 4096;

/** Whether the regular file at `path` holds an invite code (decodeInvite reads it). */
function holdsInvite(path: string): boolean {
  try {
    return statSync(path).size <= MAX_INVITE_FILE_BYTES && (decodeInvite(readFileSync(path, 'utf8')), true);
  } catch {
    return false;
  }
}
