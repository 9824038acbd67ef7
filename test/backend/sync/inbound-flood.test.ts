import '../../../electron/backend/polyfills.js';
import { lpStream } from '@libp2p/utils';
import { multiaddr } from '@multiformats/multiaddr';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/backend/clock.js';
import { createBakenLibp2p, type Libp2p } from '../../../electron/backend/sync/libp2p-node.js';
import { createSyncNode, type SyncNode } from '../../../electron/backend/sync/node.js';
import { decodeMessage, encodeMessage, SYNC_PROTOCOL } from '../../../electron/backend/sync/protocol.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { useTempDirs } from '../../support/temp.js';
import { nodeCrypto } from '../../support/entries.js';
import { emptyHello, teamKey } from '../../support/libp2p.js';

/*
 * Strangers on the LAN (no team key) open raw TCP connections to a node and never finish the
 * handshake. Every peer here runs on this machine, so the stranger's sockets come from 127.0.0.2
 * (Linux routes all of 127/8 to the loopback interface) and teammates from 127.0.0.1: two addresses,
 * as two laptops on a LAN would have.
 */

const STRANGER = '127.0.0.2';
const SLOW_STRANGER = '127.0.0.3';
/** What a libp2p peer without the team key sends first: the multistream-select header. */
const MULTISTREAM_HEADER = new TextEncoder().encode('\x13/multistream/1.0.0\n');
/** A node that admits a connection sends its 24-byte pnet nonce at once; a refused one gets nothing. */
const NONCE_BYTES = 24;


async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Keeps `size` raw TCP connections from `from` open to the target, reopening each one the node
 * closes: idle, or sending `opening` first and then nothing more (a slow handshake).
 */
function flood(target: { host: string; port: number }, { from, size, opening }: { from: string; size: number; opening?: Uint8Array }) {
  const open = new Set<Socket>();
  let stopped = false;
  let attempts = 0;
  let closedByNode = 0;
  const start = () => {
    if (stopped) return;
    attempts++;
    const socket = connect({ host: target.host, port: target.port, localAddress: from });
    open.add(socket);
    socket.on('connect', () => {
      if (opening) socket.write(opening);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      open.delete(socket);
      if (stopped) return;
      closedByNode++;
      setTimeout(start, 100);
    });
  };
  for (let i = 0; i < size; i++) start();
  return {
    stats: () => ({ attempts, closedByNode, open: open.size }),
    stop() {
      stopped = true;
      for (const socket of open) socket.destroy();
    },
  };
}

describe('a flood of unfinished connections from one address', () => {
  const tempDir = useTempDirs();
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function laptop(team: ReturnType<typeof teamKey>, peers: string[] = []): Promise<{ backend: TestBackend; node: SyncNode; address: string; port: number }> {
    const backend = openTestBackend({ dataDir: tempDir(), create: true });
    const node = await createSyncNode({
      replica: backend.store, knownPeers: backend.store.knownPeers, signer: backend.identity, sha256: nodeCrypto.sha256, events: backend.events, clock: systemClock,
      team, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, peers,
    });
    await node.start();
    cleanup.push(async () => {
      await node.stop();
      backend.close();
    });
    const address = node.status().listen[0]!.replace(/\/p2p\/.*/, '');
    return { backend, node, address, port: Number(address.split('/')[4]) };
  }

  async function teammateNode(team: ReturnType<typeof teamKey>): Promise<Libp2p> {
    const node = await createBakenLibp2p({ deviceSeed: randomBytes(32), psk: team.psk, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false });
    await node.start();
    cleanup.push(() => node.stop());
    return node;
  }

  /** One fresh connection from `teammate`: dial, open the sync protocol, send hello, get hello back. */
  async function syncHandshake(teammate: Libp2p, target: { address: string; node: SyncNode }): Promise<boolean> {
    try {
      const stream = await teammate.dialProtocol(multiaddr(target.address), SYNC_PROTOCOL, { signal: AbortSignal.timeout(8000) });
      const lp = lpStream(stream);
      await lp.write(encodeMessage(emptyHello(Buffer.from(teammate.peerId.publicKey!.raw).toString('hex'), Date.now())));
      return decodeMessage((await lp.read({ signal: AbortSignal.timeout(5000) })).subarray()).type === 'hello';
    } catch {
      return false;
    } finally {
      await teammate.hangUp(target.node.libp2p.peerId).catch(() => {});
    }
  }

  it('50 idle sockets from one address leave a teammate able to connect and sync every time', async () => {
    const team = teamKey();
    const victim = await laptop(team);
    const incident = (await victim.backend.api['incident.create']({ title: 'Uitval NAFIN' })).id;
    const attack = flood({ host: '127.0.0.1', port: victim.port }, { from: STRANGER, size: 50 });
    cleanup.push(() => attack.stop());
    // Long enough for the stranger to take every slot it can get (libp2p admits 5 a second per address).
    await pause(3000);

    const teammate = await teammateNode(team);
    let served = 0;
    for (let i = 0; i < 10; i++) {
      if (await syncHandshake(teammate, victim)) served++;
      await pause(250);
    }
    expect({ served, of: 10 }).toEqual({ served: 10, of: 10 });

    // A whole laptop, with its dialer, syncs too while the flood goes on.
    const colleague = await laptop(team, [victim.address]);
    await until(() => colleague.backend.store.count() === 1, 'the colleague to sync during the flood');
    const reply = await colleague.backend.api['log.add']({ incident, kind: 'melding', body: { text: 'Verbinding ondanks de aanval' } });
    await until(() => victim.backend.store.entry(reply.id) !== null, 'the reply to reach the victim');
    expect(attack.stats().attempts).toBeGreaterThan(50);
  });

  it('an address gets at most 4 handshakes at once; one that stalls is cut by the upgrade timeout, and its slot comes back', async () => {
    const team = teamKey();
    const victim = await laptop(team);
    const sockets: Socket[] = [];
    cleanup.push(() => sockets.forEach((s) => s.destroy()));
    const slowOpen = (from: string) => {
      const socket = connect({ host: '127.0.0.1', port: victim.port, localAddress: from });
      const seen = { received: 0, closed: false };
      socket.on('connect', () => socket.write(MULTISTREAM_HEADER));
      socket.on('data', (chunk: Buffer) => void (seen.received += chunk.length));
      socket.on('error', () => {});
      socket.on('close', () => void (seen.closed = true));
      sockets.push(socket);
      return seen;
    };
    const admitted = (s: { received: number }) => s.received >= NONCE_BYTES;

    const slow = Array.from({ length: 4 }, () => slowOpen(SLOW_STRANGER));
    await until(() => slow.every(admitted), 'the node to admit 4 handshakes from one address');
    // Past libp2p's one-second rate window, so only the per-address budget can refuse the fifth.
    await pause(1100);
    const fifth = slowOpen(SLOW_STRANGER);
    await until(() => fifth.closed, 'the node to refuse a fifth handshake from that address');
    expect(fifth.received).toBe(0);
    const elsewhere = slowOpen('127.0.0.1');
    await until(() => admitted(elsewhere), 'the node to admit a handshake from another address');

    // The stalled handshakes are cut by the node (we never close them), well before TCP's 2-minute idle timeout.
    await until(() => slow.every((s) => s.closed) && elsewhere.closed, 'the node to cut the stalled handshakes');
    const again = slowOpen(SLOW_STRANGER);
    await until(() => admitted(again), 'the address to get a handshake slot back');
  });

  it('teammates sharing one address all stay connected, and one dropped again and again reconnects every time', async () => {
    const team = teamKey();
    const victim = await laptop(team);
    const incident = (await victim.backend.api['incident.create']({ title: 'Netwerk valt weg' })).id;
    // Five connections up at once from 127.0.0.1, one more than an address's handshake slots: an
    // upgraded connection that kept its slot would lock the last ones out.
    const others = await Promise.all(Array.from({ length: 5 }, () => teammateNode(team)));
    for (const other of others) await other.dial(multiaddr(victim.address), { signal: AbortSignal.timeout(8000) });
    const colleague = await laptop(team, [victim.address]);
    const colleagueId = colleague.node.libp2p.peerId;
    // More drops than an address has handshake slots: a slot kept after a hang-up would lock the teammate out.
    for (let drop = 1; drop <= 6; drop++) {
      await until(() => victim.node.libp2p.getConnections(colleagueId).length > 0, `reconnect ${drop}`);
      await victim.node.libp2p.hangUp(colleagueId);
    }
    await until(() => victim.node.libp2p.getConnections(colleagueId).length > 0, 'the last reconnect');
    const entry = await victim.backend.api['log.add']({ incident, kind: 'melding', body: { text: 'Weer verbonden' } });
    await until(() => colleague.backend.store.entry(entry.id) !== null, 'sync after the last reconnect');
    for (const other of others) expect(victim.node.libp2p.getConnections(other.peerId)).toHaveLength(1);
  });
});
