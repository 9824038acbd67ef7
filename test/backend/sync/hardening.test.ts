import '../../../electron/backend/polyfills.js';
import type { Libp2p, Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import { multiaddr } from '@multiformats/multiaddr';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { clockWithTime } from '../../../electron/backend/clock.js';
import { createBakenLibp2p } from '../../../electron/backend/sync/libp2p-node.js';
import { encodeMessage, SYNC_PROTOCOL, type SyncMessage } from '../../../electron/backend/sync/protocol.js';
import { encodeVarint } from '../../../electron/backend/sync/frames.js';
import { makeChain, makeSigner } from '../../support/entries.js';
import { emptyHello, laptops, retrying, teamKey, type TestTeam, until } from '../../support/libp2p.js';
import { useTempDirs } from '../../support/temp.js';

const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
const YEAR = 365.25 * 24 * 3600_000;

/** A raw protocol client on its own libp2p host, for sending what a Baken node never would. */
async function outsider(team: TestTeam) {
  const host: Libp2p = await createBakenLibp2p({ deviceSeed: randomBytes(32), psk: team.psk, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false });
  await host.start();
  const device = Buffer.from(host.peerId.publicKey!.raw).toString('hex');
  return {
    host,
    device,
    async open(address: string) {
      const stream: Stream = await retrying(() => host.dialProtocol(multiaddr(address), SYNC_PROTOCOL));
      const lp = lpStream(stream, { maxDataLength: 4 * 1024 * 1024 });
      const received: SyncMessage[] = [];
      return {
        stream,
        received,
        send: (value: unknown) => lp.write(new TextEncoder().encode(JSON.stringify(value))),
        raw: (bytes: Uint8Array) => stream.send(bytes),
        /** Reads frames until the stream ends or `ms` pass; what came is in `received`. */
        async drain(ms = 5000) {
          const signal = AbortSignal.timeout(ms);
          try {
            for (;;) received.push(JSON.parse(new TextDecoder().decode((await lp.read({ signal })).subarray())) as SyncMessage);
          } catch {
            // the stream ended, or the time is up
          }
          return received;
        },
        async next(ms = 5000) {
          const message = JSON.parse(new TextDecoder().decode((await lp.read({ signal: AbortSignal.timeout(ms) })).subarray())) as SyncMessage;
          received.push(message);
          return message;
        },
      };
    },
  };
}


describe('sync that no teammate, stranger or newer version can break (real libp2p, 127.0.0.1)', () => {
  const tempDir = useTempDirs();
  const nodes = laptops(tempDir);
  const hosts: Libp2p[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.stop();
    await nodes.stopAll();
  });
  const raw = async (team: TestTeam) => {
    const o = await outsider(team);
    hosts.push(o.host);
    return o;
  };

  it('never goes mute: a teammate pushing 7 frames of one-entry authors cannot stop a node syncing with anyone', async () => {
    const team = teamKey();
    const b = await nodes.start(team);
    const o = await raw(team);
    const pusher = await o.open(b.address);
    await pusher.send(emptyHello(o.device, Date.now()));
    // 7000 authors: the old protocol's hello (the whole clock in one frame) no longer fit in 1 MiB at about 6900.
    for (let f = 0; f < 7; f++) {
      await pusher.send({ type: 'entries', entries: Array.from({ length: 1000 }, () => makeChain(makeSigner(), INCIDENT, 1)[0]) });
      while ((await pusher.next(30_000)).type !== 'ack');
    }
    await until(() => b.backend.store.count() === 7000, 'B holds 7000 authors', 60_000);
    const c = await nodes.start(team, { peers: [b.address] });
    await until(() => c.backend.store.count() === 7000, 'C synced from B', 90_000);
    expect(c.backend.store.authorHeads().size).toBe(7000);
    const fromB = c.node.status().peers.find((p) => p.id === b.node.libp2p.peerId.toString());
    expect(fromB).toMatchObject({ connected: true, problem: null, behind: 0 });
    // A new entry still travels both ways.
    const { id: incident } = await c.backend.api['incident.create']({ title: 'Na de vloed' });
    await until(() => b.backend.store.count() === 7001, 'C → B');
    expect(b.node.status().peers.every((p) => p.problem === null || p.id === o.host.peerId.toString())).toBe(true);
    expect(incident).toMatch(/^[0-9a-f]{32}$/);
  }, 180_000);

  it('answers a malformed frame with an error frame that arrives, every time', async () => {
    const team = teamKey();
    const victim = await nodes.start(team);
    let errors = 0;
    for (let i = 0; i < 6; i++) {
      // A fresh identity each time: three violations from one peer would get it refused.
      const peer = await (await raw(team)).open(victim.address);
      await peer.raw(Uint8Array.of(...encodeVarint(9), ...new TextEncoder().encode('{"broken"')));
      const got = await peer.drain();
      if (got.some((m) => m.type === 'error' && m.code === 'malformed-frame')) errors++;
    }
    expect(errors).toBe(6);
  });

  it('keeps sending to a peer that answers every frame, however long the whole sync takes', async () => {
    const team = teamKey();
    // Scaled down: a 1.5 s reply limit, 5 entries a frame, a receiver that takes 100 ms a frame,
    // so sending lasts about 3 s with the window of 4 frames full at every look of the watchdog.
    const sender = await nodes.start(team, { limits: { ackTimeoutMs: 1500, maxEntriesPerFrame: 5 } });
    sender.backend.store.ingest(makeChain(makeSigner(), INCIDENT, 150));
    const o = await raw(team);
    const peer = await o.open(sender.address);
    await peer.send(emptyHello(o.device, Date.now()));
    let frames = 0;
    let entries = 0;
    while (entries < 150) {
      const message = await peer.next(5000);
      expect(message.type).not.toBe('error');
      if (message.type !== 'entries') continue;
      frames++;
      entries += message.entries.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      await peer.send({ type: 'ack', frames, added: message.entries.length, known: 0, rejected: 0 });
    }
    expect(entries).toBe(150);
    expect(sender.node.status().peers.find((p) => p.id === o.host.peerId.toString())?.problem ?? null).toBeNull();
  });

  it('cuts a frame that stops arriving halfway, and says why', async () => {
    const team = teamKey();
    const victim = await nodes.start(team, { limits: { frameTimeoutMs: 600 } });
    const o = await raw(team);
    const peer = await o.open(victim.address);
    await peer.send(emptyHello(o.device, Date.now()));
    await peer.raw(Uint8Array.of(...encodeVarint(1000), ...new TextEncoder().encode('{"type":"ent')));
    const got = await peer.drain(8000);
    expect(got.at(-1)).toMatchObject({ type: 'error', code: 'timeout', message: expect.stringMatching(/halfway/) });
    expect(peer.stream.remoteWriteStatus).not.toBe('writable');
    expect(victim.node.status().peers.find((p) => p.id === o.host.peerId.toString())?.problem).toMatch(/stopped answering.*halfway/);
  });

  it('takes a full window of four frames of about 1 MiB each, sent without waiting for acks', async () => {
    const team = teamKey();
    const victim = await nodes.start(team);
    const o = await raw(team);
    const peer = await o.open(victim.address);
    await peer.send(emptyHello(o.device, Date.now()));
    // 20 000 characters is the longest text an entry may have: 49 such entries make a frame of just under 1 MiB.
    const chain = makeChain(makeSigner(), INCIDENT, 4 * 49, { text: (i) => `${i} `.padEnd(20_000, 'x') });
    const frames = [0, 1, 2, 3].map((f) => encodeMessage({ type: 'entries', entries: chain.slice(f * 49, (f + 1) * 49) }));
    for (const frame of frames) expect(frame.length).toBeGreaterThan(0.95 * 1024 * 1024);
    for (const frame of frames) peer.raw(Buffer.concat([encodeVarint(frame.length), frame]));
    await until(() => victim.backend.store.count() === 4 * 49, 'four frames stored', 20_000);
    const acks = (await peer.drain(1500)).filter((m) => m.type === 'ack');
    expect(acks.map((a) => a.type === 'ack' && a.frames)).toEqual([1, 2, 3, 4]);
  });

  it('checks entries on the entry check thread while the frame before is stored: the same entries stored and refused, acknowledged in order, as when the store checks them', async () => {
    const team = teamKey();
    const author = makeSigner();
    const chain = makeChain(author, INCIDENT, 30);
    const forged = { ...chain[10]!, body: { text: 'vervalst' } };
    const wrongSig = { ...chain[22]!, sig: chain[0]!.sig };
    // Sent without waiting for acks: frame 3 waits for frame 4's entries; frame 2 carries a forged copy and garbage.
    const frames = [chain.slice(0, 10), [forged, { nonsense: true }, ...chain.slice(10, 20)], chain.slice(25, 30), [...chain.slice(20, 22), wrongSig, chain[23], chain[24]]]
      .map((entries) => encodeMessage({ type: 'entries', entries }));
    const acksOf = async (checks: boolean) => {
      const victim = await nodes.start(team, { checks });
      expect(victim.checks?.where() ?? 'store').toBe(checks ? 'worker' : 'store');
      const o = await raw(team);
      const peer = await o.open(victim.address);
      await peer.send(emptyHello(o.device, Date.now()));
      for (const frame of frames) peer.raw(Buffer.concat([encodeVarint(frame.length), frame]));
      await until(() => victim.backend.store.count() === 30, 'every genuine entry stored', 20_000);
      const acks = (await peer.drain(1500)).filter((m) => m.type === 'ack');
      return { acks, stored: victim.backend.store.chainAfter(author.publicKeyHex, 0, '~', 100).map((e) => e.id), tenth: victim.backend.store.entry(chain[10]!.id)?.body };
    };
    const checkedAhead = await acksOf(true);
    const byStore = await acksOf(false);
    expect(checkedAhead.acks.map((a) => a.type === 'ack' && a.frames)).toEqual([1, 2, 3, 4]);
    expect(checkedAhead.acks).toEqual(byStore.acks);
    expect(checkedAhead.acks.map((a) => a.type === 'ack' && [a.added, a.rejected])).toEqual([[10, 0], [10, 2], [0, 0], [10, 0]]);
    expect(checkedAhead.stored).toEqual(chain.map((e) => e.id));
    // The forged copy has the genuine entry's id: what is stored under it is the genuine body.
    expect(checkedAhead.stored).toEqual(byStore.stored);
    expect(checkedAhead.tenth).toEqual(chain[10]!.body);
  });

  it('refuses a frame that starts like an entries message but is none in the same words, whether the entry check thread or the store checks', async () => {
    const team = teamKey();
    const errorsOf = async (checks: boolean) => {
      const victim = await nodes.start(team, { checks });
      const o = await raw(team);
      const peer = await o.open(victim.address);
      await peer.send(emptyHello(o.device, Date.now()));
      const bad = new TextEncoder().encode('{"type":"entries","entries":[]}');
      await peer.raw(Buffer.concat([encodeVarint(bad.length), bad]));
      return (await peer.drain()).filter((m) => m.type === 'error');
    };
    const checkedAhead = await errorsOf(true);
    expect(checkedAhead).toEqual([{ type: 'error', code: 'malformed-frame', message: expect.stringMatching(/^frame is not a valid entries message: entries: /) }]);
    expect(checkedAhead).toEqual(await errorsOf(false));
  });

  it('ignores fields and messages it does not know, as a newer peer may send them, and refuses another protocol revision without a strike', async () => {
    const team = teamKey();
    const victim = await nodes.start(team);
    const o = await raw(team);
    const peer = await o.open(victim.address);
    await peer.send({ ...emptyHello(o.device, Date.now()), versions: ['2.0', '2.1'], capabilities: ['zstd'], name: 'nieuwere laptop' });
    await peer.send({ type: 'gossip', topic: 'iets nieuws' });
    const [entry] = makeChain(makeSigner(), INCIDENT, 1);
    await peer.send({ type: 'entries', entries: [entry], compressed: false });
    await until(() => victim.backend.store.count() === 1, 'the entry stored').catch(async (error) => {
      throw new Error(`${(error as Error).message}; received ${JSON.stringify(await peer.drain(500))}`);
    });
    const ack = (await peer.drain(1000)).find((m) => m.type === 'ack');
    expect(ack).toMatchObject({ type: 'ack', frames: 1, added: 1 });

    // Three streams that speak only a future revision: refused each time, never banned for it.
    for (let i = 0; i < 3; i++) {
      const future = await o.open(victim.address);
      await future.send({ ...emptyHello(o.device, Date.now()), versions: ['3.0'] });
      expect((await future.drain()).find((m) => m.type === 'error')).toMatchObject({ code: 'unsupported-version' });
      // A node serves two sync streams per connection: this one is done.
      future.stream.abort(new Error('done'));
    }
    const again = await o.open(victim.address);
    await again.send(emptyHello(o.device, Date.now()));
    expect(await again.next()).toMatchObject({ type: 'hello' });
  });

  it('says in plain words when a peer\'s clock is far ahead or behind', async () => {
    const team = teamKey();
    const victim = await nodes.start(team);
    const ahead = await nodes.start(team, { peers: [victim.address], clock: clockWithTime(() => Date.now() + 10 * YEAR) });
    const behind = await nodes.start(team, { peers: [victim.address], clock: clockWithTime(() => Date.now() - 3 * 3600_000) });
    const problemOf = (peerId: string) => victim.node.status().peers.find((p) => p.id === peerId)?.problem ?? null;
    await until(() => problemOf(ahead.node.libp2p.peerId.toString()) !== null && problemOf(behind.node.libp2p.peerId.toString()) !== null, 'skew problems');
    expect(problemOf(ahead.node.libp2p.peerId.toString())).toBe("its clock is about 10 years ahead of this laptop's");
    expect(problemOf(behind.node.libp2p.peerId.toString())).toBe("its clock is about 3 hours behind this laptop's");
  });
});
