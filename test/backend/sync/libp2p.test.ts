import '../../../electron/backend/polyfills.js';
import { lpStream } from '@libp2p/utils';
import { multiaddr } from '@multiformats/multiaddr';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendEvents } from '../../../shared/contract/events.js';
import { systemClock } from '../../../electron/backend/clock.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { createBakenLibp2p } from '../../../electron/backend/sync/libp2p-node.js';
import { createSyncNode, type SyncNode } from '../../../electron/backend/sync/node.js';
import { encodeMessage, SYNC_PROTOCOL } from '../../../electron/backend/sync/protocol.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { emptyHello, retrying, teamKey, until } from '../../support/libp2p.js';
import { useTempDirs } from '../../support/temp.js';





describe('sync over real libp2p on 127.0.0.1', () => {
  const tempDir = useTempDirs();
  const running: { node: SyncNode; backend: TestBackend }[] = [];
  afterEach(async () => {
    for (const { node, backend } of running.splice(0)) {
      await node.stop();
      backend.close();
    }
  });

  async function laptop(team: ReturnType<typeof teamKey>, peers: string[] = [], prepare?: (backend: TestBackend) => void) {
    const backend = openTestBackend({ dataDir: tempDir(), create: true });
    prepare?.(backend);
    const node = await createSyncNode({
      replica: backend.store, knownPeers: backend.store.knownPeers, signer: backend.identity, sha256: nodeCrypto.sha256, events: backend.events, clock: systemClock,
      team, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, peers,
    });
    await node.start();
    running.push({ node, backend });
    const address = node.status().listen[0]!.replace(/\/p2p\/.*/, '');
    return { backend, node, address };
  }

  it('syncs two laptops both ways, initially and live', async () => {
    const team = teamKey();
    const a = await laptop(team);
    const incident = (await a.backend.api['incident.create']({ title: 'Uitval NAFIN' })).id;
    for (let i = 0; i < 30; i++) await a.backend.api['log.add']({ incident, kind: 'melding', body: { text: `melding ${i}` } });
    const b = await laptop(team, [a.address]);
    await until(() => b.backend.store.count() === 31, 'initial sync A→B');
    const reply = await b.backend.api['log.add']({ incident, kind: 'besluit', body: { text: 'Opschalen naar GRIP 2' } });
    await until(() => a.backend.store.entry(reply.id) !== null, 'live push B→A');
    const peer = b.node.status().peers.find((p) => p.connected)!;
    // The peer's device key, so a user interface can name it from its profile rather than show an address.
    expect(peer).toMatchObject({ connected: true, device: a.backend.store.author, behind: 0, ahead: 0, problem: null });
    expect(peer.lastSync).not.toBeNull();
  });

  it('an entry that arrives over libp2p fires "entries added" with that peer as its source, and "peers changed" shows the link', async () => {
    const team = teamKey();
    const a = await laptop(team);
    const b = await laptop(team, [a.address]);
    const added: BackendEvents['entries.added'][] = [];
    const peers: BackendEvents['peers.changed'][] = [];
    b.backend.on('entries.added', (event) => added.push(event));
    b.backend.on('peers.changed', (event) => peers.push(event));
    const { id: incident, entry } = await a.backend.api['incident.create']({ title: 'Stroomstoring' });
    await until(() => added.length > 0, 'entries added at B');
    expect(added[0]).toEqual({
      entries: [{ id: entry.id, author: a.backend.identity.publicKeyHex, seq: 1, incident, kind: 'incident' }],
      incidents: [incident],
      source: { type: 'peer', peer: a.node.libp2p.peerId.toString(), device: a.backend.identity.publicKeyHex },
    });
    await until(() => peers.some((p) => p.peers.some((x) => x.connected && x.id === a.node.libp2p.peerId.toString())), 'peers changed at B');
  });

  it('a conversation that fails while the connection stays up starts again by itself, and the rest of the log and later entries arrive', async () => {
    const team = teamKey();
    const a = await laptop(team);
    a.backend.store.ingest(makeChain(makeSigner(), '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e', 300));
    // B's store fails once, as a full disk would: B ends the conversation; the connection stays up.
    let failures = 0;
    const b = await laptop(team, [a.address], (backend) => {
      const ingest = backend.store.ingest;
      backend.store.ingest = Object.assign((...args: Parameters<typeof ingest>) => {
        if (failures++ === 0) throw new Error('disk full');
        return ingest(...args);
      }, { checked: ingest.checked });
    });
    await until(() => b.node.status().peers.some((p) => /sync failed on this laptop \(disk full\)/.test(p.problem ?? '')), 'B to end the conversation', 10_000);
    expect(b.node.libp2p.getConnections()).toHaveLength(1);
    await until(() => b.backend.store.count() === 300, 'the rest of the log', 15_000);
    await a.backend.api['incident.create']({ title: 'Na de vloed' });
    await until(() => b.backend.store.count() === 301, 'the later entry', 10_000);
    expect(failures).toBeGreaterThan(1);
  });

  it('three laptops in a line converge; A and C never connect', async () => {
    const team = teamKey();
    const a = await laptop(team);
    const b = await laptop(team, [a.address]);
    const c = await laptop(team, [b.address]);
    const incident = (await a.backend.api['incident.create']({ title: 'Dijkdoorbraak' })).id;
    await until(() => c.backend.store.count() === 1, 'A→B→C');
    const fromC = await c.backend.api['log.add']({ incident, kind: 'melding', body: { text: 'Water bij gemaal' } });
    await until(() => a.backend.store.entry(fromC.id) !== null, 'C→B→A');
    expect(a.node.libp2p.getConnections().map((x) => x.remotePeer.toString())).not.toContain(c.node.libp2p.peerId.toString());
  });

  it('a node with another team key gets nothing and is reported in plain words', async () => {
    const a = await laptop(teamKey());
    await a.backend.api['incident.create']({ title: 'Geheim' });
    const outsider = await laptop(teamKey(), [a.address]);
    await until(() => outsider.node.status().peers.some((p) => p.problem !== null), 'failed dial', 20_000);
    expect(outsider.node.status().peers[0]).toMatchObject({ connected: false, problem: 'not reachable, or not in this team' });
    expect(outsider.backend.store.count()).toBe(0);
  });

  it('hostile frames reset only that stream; the node keeps syncing with others', async () => {
    const team = teamKey();
    const victim = await laptop(team);
    const friend = await laptop(team, [victim.address]);
    const incident = (await friend.backend.api['incident.create']({ title: 'Aanval' })).id;
    await until(() => victim.backend.store.count() === 1, 'friend→victim');

    const attacker = await createBakenLibp2p({ deviceSeed: randomBytes(32), psk: team.psk, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false });
    await attacker.start();
    try {
      const forger = makeSigner();
      const [entry] = makeChain(forger, incident, 1);
      const attackerDevice = Buffer.from(attacker.peerId.publicKey!.raw).toString('hex');
      const attempts: { name: string; frames: Uint8Array[] }[] = [
        { name: 'garbage', frames: [new Uint8Array([0xff, 0x00, 0x13, 0x37])] },
        { name: 'hello for another device', frames: [encodeMessage(emptyHello(forger.publicKeyHex, Date.now()))] },
        {
          name: 'bad signature',
          frames: [
            encodeMessage(emptyHello(attackerDevice, Date.now())),
            encodeMessage({ type: 'entries', entries: [{ ...entry!, sig: '00'.repeat(64) }, { ...entry!, body: { text: 'vervalst' } }] }),
          ],
        },
      ];
      for (const attempt of attempts) {
        const stream = await attacker.dialProtocol(multiaddr(victim.address), SYNC_PROTOCOL);
        const lp = lpStream(stream);
        for (const frame of attempt.frames) await lp.write(frame);
        // The victim answers (hello, then an ack or an error) or resets; either way it must stay up.
        await lp.read({ signal: AbortSignal.timeout(5000) }).catch(() => null);
        stream.abort(new Error('done'));
      }
      // An oversized frame: the length prefix alone exceeds the limit.
      const big = await attacker.dialProtocol(multiaddr(victim.address), SYNC_PROTOCOL);
      const header = new Uint8Array([0x80, 0x80, 0x80, 0x01]); // varint 2 MiB
      big.send(header);
      big.send(new Uint8Array(64 * 1024));
      await until(() => big.status !== 'open', 'oversized frame reset', 10_000);

      // Three violations (garbage, wrong device, oversized): the attacker is now refused, even with a proper hello.
      const attackerHello = encodeMessage(emptyHello(attackerDevice, Date.now()));
      const served = await (async () => {
        try {
          const retry = lpStream(await attacker.dialProtocol(multiaddr(victim.address), SYNC_PROTOCOL, { signal: AbortSignal.timeout(5000) }));
          await retry.write(attackerHello);
          await retry.read({ signal: AbortSignal.timeout(5000) });
          return true;
        } catch {
          return false; // the dial or the stream was refused
        }
      })();
      expect(served).toBe(false);
      // A well-behaved newcomer is still served.
      const newcomer = await createBakenLibp2p({ deviceSeed: randomBytes(32), psk: team.psk, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false });
      await newcomer.start();
      // Every peer here shares 127.0.0.1, so libp2p's per-address inbound rate limit may refuse a first
      // attempt right after the attacker's connections; on a LAN each laptop has its own address.
      const fresh = lpStream(await retrying(() => newcomer.dialProtocol(multiaddr(victim.address), SYNC_PROTOCOL)));
      await fresh.write(encodeMessage(emptyHello(Buffer.from(newcomer.peerId.publicKey!.raw).toString('hex'), Date.now())));
      expect(JSON.parse(new TextDecoder().decode((await fresh.read({ signal: AbortSignal.timeout(5000) })).subarray())).type).toBe('hello');
      await newcomer.stop();
    } finally {
      await attacker.stop();
    }
    expect(victim.backend.store.count()).toBe(1);
    const later = await friend.backend.api['log.add']({ incident, kind: 'melding', body: { text: 'nog steeds in sync' } });
    await until(() => victim.backend.store.entry(later.id) !== null, 'friend→victim after the attack');
    expect((await victim.backend.api.verify({})).ok).toBe(true);
  });
});
