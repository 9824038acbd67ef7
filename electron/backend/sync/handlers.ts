import { networkInterfaces } from 'node:os';
import type { ApiHandlers, SyncStatusView } from '../../../shared/contract/api.js';
import { BakenError } from '../../../shared/contract/errors.js';
import type { LogStore } from '../store/index.js';
import { parsePeerAddress } from './addresses.js';
import { exportClock, readClockFile } from './bundle/clock-file.js';
import { exportBundle } from './bundle/export.js';
import { importBundle } from './bundle/import.js';
import type { SyncNode } from './node.js';
import { readStatusFile } from './status-file.js';
import { createTeam, decodeInvite, encodeInvite, joinTeam, loadTeam } from './team.js';

export const DEFAULT_PORT = 4100;

export type SyncMethods = 'team.create' | 'team.invite' | 'team.join' | 'peer.add' | 'sync.status' | 'bundle.export' | 'bundle.import' | 'bundle.clock';

export interface SyncHandlerContext {
  store: LogStore;
  dataDir: string;
  now: () => number;
  /** The node running in this process, if any. */
  node: () => SyncNode | null;
  progress: (what: string, done: number, total: number) => void;
}

export function createSyncHandlers({ store, dataDir, now, node, progress }: SyncHandlerContext): Pick<ApiHandlers, SyncMethods> {
  const requireTeam = () => {
    const team = loadTeam(dataDir);
    if (!team) throw new BakenError('not-found', 'this device is in no team yet; run: baken team create --name NAME, or baken team join CODE');
    return team;
  };
  const liveStatus = () => node()?.status() ?? readStatusFile(dataDir, now());

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
    'team.create': ({ name }) => createTeam(dataDir, name),
    'team.invite': () => {
      const team = requireTeam();
      const addresses = inviteAddresses(liveStatus()?.listen);
      return { code: encodeInvite(team, addresses), team: { id: team.id, name: team.name }, addresses };
    },
    'team.join': ({ code }) => {
      const invite = decodeInvite(code);
      const info = joinTeam(dataDir, invite);
      let peersAdded = 0;
      for (const address of invite.addresses) if (store.knownPeers.add(parsePeerAddress(address).toString(), 'invite')) peersAdded++;
      return { ...info, peersAdded };
    },
    'peer.add': ({ address }) => {
      const running = node();
      const parsed = running ? running.addPeer(address) : parsePeerAddress(address).toString();
      if (!running) store.knownPeers.add(parsed, 'manual');
      return { address: parsed };
    },
    'sync.status': status,
    'bundle.export': async ({ out, since }) => {
      const team = loadTeam(dataDir);
      return exportBundle(store, {
        out, since: since === undefined ? undefined : readClockFile(since), device: store.author,
        team: team && { id: team.id, name: team.name }, onProgress: (done, total) => progress('export', done, total), now,
      });
    },
    'bundle.import': async ({ file, anyTeam }) => {
      const team = loadTeam(dataDir);
      const report = await importBundle(store, file, { team: team && { id: team.id, name: team.name }, anyTeam, onProgress: (done, total) => progress('import', done, total) });
      return { entries: report.entries, added: report.added, known: report.known, pending: report.pending, rejected: report.rejected, complete: report.complete, problems: report.problems };
    },
    'bundle.clock': ({ out }) => {
      exportClock(store, out);
      return { file: out, authors: store.authorHeads().size };
    },
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
    for (const iface of list ?? []) if (iface.family === 'IPv4' && !iface.internal) lan.push(`/ip4/${iface.address}/tcp/${DEFAULT_PORT}`);
  }
  return lan.slice(0, 8);
}
