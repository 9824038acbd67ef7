import { networkInterfaces } from 'node:os';
import { BakenError } from '../../../shared/contract/errors.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import { DEFAULT_SYNC_PORT, type SyncStatusView, type syncArea } from '../../../shared/contract/sync.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import type { LogStore } from '../store/index.js';
import { parsePeerAddress } from '../sync/addresses.js';
import type { NodeStatus } from '../sync/node.js';
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
}

/** Team membership, peers and the live network state. */
export function createSyncHandlers({ store, dataDir, now, liveNode }: SyncHandlerDeps): HandlersOf<typeof syncArea> {
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
        id: p.peerId, address: p.address, connected: false, lastSync: null, behind: null, ahead: null, skewMs: null,
        problem: p.lastError ?? 'not connected: no node is running (baken serve)',
      })),
    };
  };

  return {
    'team.create': ({ name }) => createTeam(dataDir, name, now),
    'team.invite': ({ out }) => {
      const team = requireTeam();
      const addresses = inviteAddresses(liveStatus()?.listen);
      const code = encodeInvite(team, addresses);
      // The code carries the team key: as private as team.key itself.
      if (out !== undefined) writeFileAtomic(out, `${code}\n`, { doing: `writing the invite code to ${out}`, mode: 0o600 });
      return { code, team: { id: team.id, name: team.name }, addresses };
    },
    'team.join': ({ code }) => {
      const invite = decodeInvite(code);
      const info = joinTeam(dataDir, invite, now);
      let peersAdded = 0;
      for (const address of invite.addresses) if (store.knownPeers.add(parsePeerAddress(address).toString(), 'invite')) peersAdded++;
      return { ...info, peersAdded };
    },
    'peer.add': ({ address }) => {
      const running = liveNode();
      const parsed = running ? running.addPeer(address) : parsePeerAddress(address).toString();
      if (!running) store.knownPeers.add(parsed, 'manual');
      return { address: parsed };
    },
    'sync.status': status,
  };
}

/**
 * Where teammates can reach this device: the running node's addresses without loopback, else this
 * machine's LAN addresses on the default port (what `baken serve` listens on).
 */
function inviteAddresses(listen: string[] | undefined): string[] {
  const usable = (listen ?? []).map((a) => a.replace(/\/p2p\/.*$/, '')).filter((a) => !/^\/ip4\/(127\.|0\.0\.0\.0)|^\/ip6\/::1?\//.test(a));
  if (usable.length > 0) return [...new Set(usable)].slice(0, 8);
  const lan: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const iface of list ?? []) if (iface.family === 'IPv4' && !iface.internal) lan.push(`/ip4/${iface.address}/tcp/${DEFAULT_SYNC_PORT}`);
  }
  return lan.slice(0, 8);
}
