import { describe, expect, it } from 'vitest';
import { deriveIncidentState } from '../../../shared/domain/derive.js';
import { signEntry } from '../../../shared/domain/entry.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { useTempDirs } from '../../support/temp.js';
import { buildClockIndex } from '../../../electron/backend/sync/clock-index.js';
import { seededRandom, Simulator } from './simulator.js';

/** A hello from a device with an empty log, as /baken/sync/2.0.0 has it. */
function emptyHello(device: string, time: number) {
  return { type: 'hello' as const, versions: ['2.0'], device, time, clock: buildClockIndex(new Map(), nodeCrypto.sha256).summary('') };
}

function allIds(sim: Simulator, name: string): string[] {
  const { store } = sim.peers.get(name)!.backend;
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = store.list({}, { cursor, limit: 1000, order: 'oldest' });
    ids.push(...page.entries.map((e) => e.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids.sort();
}

function derivedStates(sim: Simulator, name: string, incidents: string[]) {
  const { store } = sim.peers.get(name)!.backend;
  return incidents.map((i) => deriveIncidentState(i, store.incidentEntries(i), '2030-01-01T00:00:00.000Z', nodeCrypto));
}

describe('sync protocol in a seeded simulator', () => {
  const tempDir = useTempDirs();

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`converges after random partitions, appends and delivery orders (seed ${seed})`, async () => {
      const random = seededRandom(seed);
      const sim = new Simulator(random, { now: 1_790_000_000_000 });
      const names = ['a', 'b', 'c', 'd', 'e'];
      // One peer runs 20 minutes fast: its entries are flagged, not rejected, and still converge.
      names.forEach((n, i) => sim.addPeer(n, tempDir(), i === 4 ? 20 * 60_000 : 0));
      const first = sim.peers.get('a')!.backend;
      const incidents = [(await first.api['incident.create']({ title: 'Uitval NAFIN', grip: 1 })).id];
      // Every peer must know the incident before it can log to it.
      for (const n of names) for (const m of names) if (n < m) sim.connect(n, m);
      sim.runUntilQuiet();

      // A rogue device signs two different entries at the same seq: a fork, seen by two peers.
      const rogue = makeSigner();
      const [root] = makeChain(rogue, incidents[0]!, 1, { t0: 1_790_000_000_500 });
      const forkA = signEntry({ ...root!, seq: 2, prev: root!.id, hlc: { t: 1_790_000_000_600, c: 0 }, body: { text: 'versie A' } }, rogue, nodeCrypto);
      const forkB = signEntry({ ...root!, seq: 2, prev: root!.id, hlc: { t: 1_790_000_000_601, c: 0 }, body: { text: 'versie B' } }, rogue, nodeCrypto);

      for (let round = 0; round < 40; round++) {
        for (const n of names) for (const m of names) {
          if (n >= m || random() > 0.3) continue;
          if (sim.connected(n, m)) sim.disconnect(n, m);
          else sim.connect(n, m);
        }
        for (let k = 0; k < 3; k++) {
          const peer = sim.peers.get(names[Math.floor(random() * names.length)]!)!;
          const kind = (['melding', 'beeld', 'besluit', 'knelpunt'] as const)[Math.floor(random() * 4)]!;
          const r = random();
          if (r < 0.1) await peer.backend.api['grip.set']({ incident: incidents[0]!, level: Math.floor(random() * 6), force: true });
          else if (r < 0.2) await peer.backend.api['action.add']({ incident: incidents[0]!, text: `actie ${round}`, owner: 'BRW' });
          else await peer.backend.api['log.add']({ incident: incidents[0]!, kind, body: { text: `${kind} ${round}.${k}` } });
        }
        if (round === 10) {
          sim.importElsewhere('b', [root!, forkA]);
          sim.importElsewhere('d', [root!, forkB]);
        }
        const steps = Math.floor(random() * 60);
        for (let s = 0; s < steps && sim.step(); s++);
      }

      for (const n of names) for (const m of names) if (n < m && !sim.connected(n, m)) sim.connect(n, m);
      sim.runUntilQuiet();

      const reference = allIds(sim, 'a');
      expect(reference).toContain(forkA.id);
      expect(reference).toContain(forkB.id);
      for (const n of names) {
        expect(allIds(sim, n), `peer ${n}`).toEqual(reference);
        expect(derivedStates(sim, n, incidents), `peer ${n}`).toEqual(derivedStates(sim, 'a', incidents));
        const verify = await sim.peers.get(n)!.backend.api.verify({});
        expect(verify.ok).toBe(true);
      }
      expect(derivedStates(sim, 'c', incidents)[0]!.forkedAuthors).toEqual([rogue.publicKeyHex]);
      sim.close();
    });
  }

  it('store-and-forward: three laptops in a line converge although A and C never meet', async () => {
    const sim = new Simulator(seededRandom(9), { now: 1_790_000_000_000 });
    for (const n of ['a', 'b', 'c']) sim.addPeer(n, tempDir());
    sim.connect('a', 'b');
    sim.connect('b', 'c');
    const a = sim.peers.get('a')!.backend;
    const c = sim.peers.get('c')!.backend;
    const incident = (await a.api['incident.create']({ title: 'Dijkdoorbraak' })).id;
    sim.runUntilQuiet();
    const fromC = await c.api['log.add']({ incident, kind: 'melding', body: { text: 'Water stijgt bij gemaal' } });
    const fromA = await a.api['log.add']({ incident, kind: 'besluit', body: { text: 'Evacuatie wijk Noord' } });
    sim.runUntilQuiet();
    expect(a.store.entry(fromC.id)).not.toBeNull();
    expect(c.store.entry(fromA.id)).not.toBeNull();
    expect(allIds(sim, 'a')).toEqual(allIds(sim, 'c'));
    sim.close();
  });

  it('forged, tampered and garbage entries from a peer are rejected and never relayed', async () => {
    const sim = new Simulator(seededRandom(11), { now: 1_790_000_000_000 });
    for (const n of ['a', 'b', 'c']) sim.addPeer(n, tempDir());
    sim.connect('a', 'b');
    sim.connect('b', 'c');
    const incident = (await sim.peers.get('a')!.backend.api['incident.create']({ title: 'Cyberincident' })).id;
    sim.runUntilQuiet();
    const forger = makeSigner();
    const [genuine, next] = makeChain(forger, incident, 2);
    const forged = { ...genuine!, body: { text: 'vervalst' } };
    const badSig = { ...next!, sig: 'ab'.repeat(64) };
    const rogue = sim.rogue('m', 'b');
    expect(rogue.send(emptyHello(forger.publicKeyHex, 1_790_000_000_000))).toBeNull();
    expect(rogue.send({ type: 'entries', entries: [forged, { nonsense: true }, 42, null] })).toBeNull();
    expect(rogue.send({ type: 'entries', entries: [badSig] })).toBeNull();
    expect(rogue.inbox.filter((m) => m.type === 'ack')).toEqual([
      { type: 'ack', frames: 1, added: 0, known: 0, rejected: 4 },
      { type: 'ack', frames: 2, added: 0, known: 0, rejected: 1 },
    ]);
    expect(sim.peers.get('b')!.hub.status().connected.find((p) => p.peer === 'm')!.rejectedEntries).toBe(5);
    // A protocol violation is an error for that peer only.
    expect(rogue.send(emptyHello(forger.publicKeyHex, 0))?.message).toMatch(/second hello/);
    const later = await sim.peers.get('a')!.backend.api['log.add']({ incident, kind: 'melding', body: { text: 'na de aanval' } });
    sim.runUntilQuiet();
    for (const n of ['a', 'b', 'c']) {
      const ids = allIds(sim, n);
      expect(ids).not.toContain(forged.id);
      expect(ids).not.toContain(badSig.id);
      expect(ids).toContain(later.id);
      expect(ids).toHaveLength(2);
    }
    sim.close();
  });
});

describe('a peer that reports an error', () => {
  const tempDir = useTempDirs();
  it('ends that conversation without counting a violation against the peer', async () => {
    const sim = new Simulator(seededRandom(13), { now: 1_790_000_000_000 });
    sim.addPeer('a', tempDir());
    const polite = sim.rogue('m', 'a');
    const device = makeSigner().publicKeyHex;
    expect(polite.send(emptyHello(device, 1_790_000_000_000))).toBeNull();
    const error = polite.send({ type: 'error', code: 'internal', message: 'shutting down' });
    expect(error?.name).toBe('PeerReportedError');
    sim.close();
  });
});

describe('a peer that fills the waiting room', () => {
  const tempDir = useTempDirs();
  it('gets its refused entries counted in its status, and a want for the author so the gap can fill', async () => {
    const sim = new Simulator(seededRandom(17), { now: 1_790_000_000_000 });
    sim.addPeer('a', tempDir());
    const rogue = sim.rogue('m', 'a');
    expect(rogue.send(emptyHello(makeSigner().publicKeyHex, 1_790_000_000_000))).toBeNull();
    // 10 050 entries of one author without their first: the author's share of the waiting room is 10 000.
    const chain = makeChain(makeSigner(), '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e', 10_051).slice(1);
    for (let i = 0; i < chain.length; i += 1000) expect(rogue.send({ type: 'entries', entries: chain.slice(i, i + 1000) })).toBeNull();
    const status = sim.peers.get('a')!.hub.status().connected.find((p) => p.peer === 'm')!;
    expect(status.waitingRoomRefused).toBe(50);
    expect(rogue.inbox.filter((m) => m.type === 'want')).toEqual([{ type: 'want', authors: [chain[0]!.author] }]);
    sim.close();
  }, 120_000);
});
