import type { NetworkInterfaceInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../shared/contract/client.js';
import { createSyncHandlers, type LiveNode } from '../../../electron/backend/handlers/sync.js';
import { createInvoke } from '../../../electron/backend/invoke.js';
import { rememberListen, type Interfaces } from '../../../electron/backend/sync/reach.js';
import { decodeInvite } from '../../../electron/backend/sync/team/invite.js';
import type { NodeStatus } from '../../../electron/backend/sync/node.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { expectBakenError } from '../../support/errors.js';
import { useTempDirs } from '../../support/temp.js';

const NOW = Date.UTC(2026, 10, 22, 14, 5);
const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({ address, family, internal }) as NetworkInterfaceInfo;
const LAPTOP: Interfaces = { lo: [iface('127.0.0.1', 'IPv4', true)], wlan0: [iface('192.168.1.20', 'IPv4')], eth0: [iface('10.0.0.20', 'IPv4')] };
const PEER_ID = '12D3KooWGzBsSDpAR7YF9xuGc9xvuhsPh6KqCKjQqfWnWuvG5M9u';

describe('the invite\'s addresses and the known peers, through the API', () => {
  const tempDir = useTempDirs();
  const open: TestBackend[] = [];
  afterEach(async () => {
    for (const backend of open.splice(0)) await backend.stop();
  });

  /** The sync handlers on a real data directory, with this machine's interfaces and the running node made up. */
  async function device(options: { interfaces?: Interfaces; live?: Partial<NodeStatus> } = {}) {
    const backend = openTestBackend({ dataDir: tempDir(), create: true, clock: () => NOW });
    open.push(backend);
    await backend.api['team.create']({ name: 'ROT Zuid' });
    const live: LiveNode | null = options.live
      ? { status: () => ({ device: backend.store.author, peerId: PEER_ID, team: { id: 'x', name: 'ROT Zuid' }, listen: [], peers: [], ...options.live }), addPeer: (a) => a }
      : null;
    const handlers = createSyncHandlers({ store: backend.store, dataDir: backend.dataDir, now: () => NOW, liveNode: () => live, interfaces: () => options.interfaces ?? LAPTOP });
    const api = createApiClient(createInvoke(handlers as never, () => {}));
    return { backend, api };
  }

  it('an invite made while a node runs carries where it really listens, without loopback', async () => {
    const { api } = await device({ live: { listen: [`/ip4/192.168.1.20/tcp/4715/p2p/${PEER_ID}`, `/ip4/127.0.0.1/tcp/4715/p2p/${PEER_ID}`] } });
    const invite = await api['team.invite']({});
    expect(invite).toMatchObject({ addresses: ['/ip4/192.168.1.20/tcp/4715'], reach: { from: 'serving', ports: [4715], problem: null } });
    expect(decodeInvite(invite.code).addresses).toEqual(['/ip4/192.168.1.20/tcp/4715']);
  });

  it('a node listening only on loopback gives an invite with the key and no address, and says why', async () => {
    const { api, backend } = await device({ live: { listen: [`/ip4/127.0.0.1/tcp/4715/p2p/${PEER_ID}`] } });
    const invite = await api['team.invite']({});
    expect(invite).toMatchObject({ addresses: [], reach: { from: 'serving', ports: [4715], problem: 'loopback-only' } });
    const decoded = decodeInvite(invite.code);
    expect(decoded.addresses).toEqual([]);
    expect(decoded.teamId).toBe((await backend.api['sync.status']({})).team!.id);
  });

  it('with no node running, the addresses are this machine\'s on the port the last node listened on, else the default port', async () => {
    const { api, backend } = await device();
    expect(await api['team.invite']({})).toMatchObject({
      addresses: ['/ip4/192.168.1.20/tcp/4100', '/ip4/10.0.0.20/tcp/4100'], reach: { from: 'default', ports: [4100], problem: null },
    });
    rememberListen(backend.dataDir, [{ family: 4, host: '0.0.0.0', port: 4715 }], NOW);
    expect(await api['team.invite']({})).toMatchObject({
      addresses: ['/ip4/192.168.1.20/tcp/4715', '/ip4/10.0.0.20/tcp/4715'], reach: { from: 'last-serve', ports: [4715], problem: null },
    });
  });

  it('a machine without a LAN address gives an invite with the key only, and says why', async () => {
    const { api } = await device({ interfaces: { lo: [iface('127.0.0.1', 'IPv4', true)] } });
    expect(await api['team.invite']({})).toMatchObject({ addresses: [], reach: { from: 'default', problem: 'no-lan-address' } });
  });

  it('a node started by the backend is remembered: after it stops, an invite still names its port', async () => {
    const dataDir = tempDir();
    const setup = openTestBackend({ dataDir, create: true });
    await setup.api['team.create']({ name: 'ROT Zuid' });
    setup.close();
    const serving = openTestBackend({ dataDir, network: { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false } });
    open.push(serving);
    await serving.start();
    const port = Number((await serving.api['sync.status']({})).listen[0]!.split('/')[4]);
    expect((await serving.api['team.invite']({})).reach).toEqual({ from: 'serving', ports: [port], problem: 'loopback-only' });
    await serving.stop();
    const after = openTestBackend({ dataDir });
    open.push(after);
    expect((await after.api['team.invite']({})).reach).toEqual({ from: 'last-serve', ports: [port], problem: 'loopback-only' });
  });

  it('peer.list shows every known address: how it was added, whether and when it was reached, the last error', async () => {
    const { api, backend } = await device();
    await api['peer.add']({ address: '10.0.0.7:4100' });
    backend.store.knownPeers.add('/ip4/192.168.1.30/tcp/4100', 'invite');
    backend.store.knownPeers.markConnected('/ip4/10.0.0.7/tcp/4100', PEER_ID);
    backend.store.knownPeers.markFailed('/ip4/10.0.0.7/tcp/4100', 'not reachable, or not in this team');
    backend.store.knownPeers.markFailed('/ip4/192.168.1.30/tcp/4100', 'not reachable, or not in this team');
    expect(await api['peer.list']({})).toEqual([
      {
        address: '/ip4/10.0.0.7/tcp/4100', source: 'manual', addedAt: new Date(NOW).toISOString(), peerId: PEER_ID,
        reached: true, lastConnected: new Date(NOW).toISOString(), lastError: 'not reachable, or not in this team', connected: false,
      },
      {
        address: '/ip4/192.168.1.30/tcp/4100', source: 'invite', addedAt: new Date(NOW).toISOString(), peerId: null,
        reached: false, lastConnected: null, lastError: 'not reachable, or not in this team', connected: false,
      },
    ]);
  });

  it('peer.list marks the addresses a running node is connected to', async () => {
    const { api, backend } = await device({
      live: { peers: [{ id: PEER_ID, address: '/ip4/10.0.0.7/tcp/4100', device: null, connected: true, lastSync: null, behind: 0, ahead: 0, skewMs: 0, waitingRoomRefused: 0, problem: null }] },
    });
    backend.store.knownPeers.add('/ip4/10.0.0.7/tcp/4100', 'manual');
    backend.store.knownPeers.add('/ip4/10.0.0.8/tcp/4100', 'manual');
    expect((await api['peer.list']({})).map((p) => [p.address, p.connected])).toEqual([
      ['/ip4/10.0.0.7/tcp/4100', true],
      ['/ip4/10.0.0.8/tcp/4100', false],
    ]);
  });

  it('peer.remove forgets an address given as listed or as typed; an unknown or invalid one is an error naming it, and changes nothing', async () => {
    const { api, backend } = await device();
    for (const address of ['/ip4/10.0.0.7/tcp/4100', '/ip4/10.0.0.8/tcp/4100', '/ip4/10.0.0.9/tcp/4100']) backend.store.knownPeers.add(address, 'invite');
    expect(await api['peer.remove']({ address: '10.0.0.7:4100' })).toEqual({ address: '/ip4/10.0.0.7/tcp/4100' });
    expect(await api['peer.remove']({ address: ' /ip4/10.0.0.8/tcp/4100 ' })).toEqual({ address: '/ip4/10.0.0.8/tcp/4100' });
    expectBakenError(await api['peer.remove']({ address: '10.0.0.7:4100' }).catch((e: unknown) => e), 'not-found', /no known peer has the address \/ip4\/10\.0\.0\.7\/tcp\/4100/);
    expectBakenError(await api['peer.remove']({ address: 'not an address' }).catch((e: unknown) => e), 'invalid-input', /"not an address" must be host:port/);
    expectBakenError(await api['peer.remove']({ address: '' }).catch((e: unknown) => e), 'invalid-input', /must not be empty/);
    expect((await api['peer.list']({})).map((p) => p.address)).toEqual(['/ip4/10.0.0.9/tcp/4100']);
  });
});
