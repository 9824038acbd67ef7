import { afterEach, describe, expect, it } from 'vitest';
import type { AnyEntry } from '../../../shared/domain/entry.js';
import { bundleEntryLine } from '../../../electron/backend/sync/bundle/format.js';
import { makeChain, makeNewerChain, makeSigner } from '../../support/entries.js';
import { emptyHello, laptops, teamKey, until } from '../../support/libp2p.js';
import { useTempDirs } from '../../support/temp.js';
import { seededRandom, Simulator } from './simulator.js';

const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';

/** What a laptop running a newer Baken writes: a kind this version does not know, and a known kind with a field it does not know. */
function newerEntries(): AnyEntry[] {
  return makeNewerChain(makeSigner(), INCIDENT, [
    { kind: 'melding', body: { text: 'Brug dicht', source: 'RWS', geo: { latE6: 51_440_000, lonE6: 5_470_000 } } },
    { kind: 'sitrap', body: { nummer: 1, secties: [{ kop: 'Beeld', tekst: 'Water stijgt' }] } },
    { kind: 'beeld', body: { text: 'Gemaal draait', urgentie: 'hoog' } },
  ]);
}

/** An entry as stored and relayed: exactly the signed fields, nothing a device adds. */
const asSigned = (entry: AnyEntry | null) => (entry ? JSON.parse(bundleEntryLine(entry)) : null);

describe('mixed versions: what a newer peer sends', () => {
  const tempDir = useTempDirs();
  const nodes = laptops(tempDir);
  afterEach(() => nodes.stopAll());

  it('in the simulator: an older node accepts a newer peer\'s kinds and fields, relays them to a third unchanged, and verify passes everywhere', async () => {
    const sim = new Simulator(seededRandom(31), { now: 1_790_000_000_000 });
    for (const n of ['b', 'c']) sim.addPeer(n, tempDir());
    sim.connect('b', 'c');
    const newer = newerEntries();
    const peer = sim.rogue('newer', 'b');
    expect(peer.send(emptyHello(newer[0]!.author, 1_790_000_000_000))).toBeNull();
    expect(peer.send({ type: 'entries', entries: newer, note: 'a field from a later revision' } as never)).toBeNull();
    expect(peer.inbox.find((m) => m.type === 'ack')).toMatchObject({ added: 3, rejected: 0 });
    sim.runUntilQuiet();
    for (const n of ['b', 'c']) {
      const { backend } = sim.peers.get(n)!;
      for (const entry of newer) expect(asSigned(backend.store.entry(entry.id)), n).toEqual(asSigned(entry));
      expect((await backend.api.verify({})).ok, n).toBe(true);
    }
    sim.close();
  });

  it('over real libp2p: a newer laptop\'s entries reach a third laptop through an older one, byte for byte, and verify passes everywhere', async () => {
    const team = teamKey();
    const newer = await nodes.start(team);
    // The newer laptop received these from its own users; a plain entry of the old kinds travels with them.
    const entries = [...newerEntries(), ...makeChain(makeSigner(), INCIDENT, 2)];
    expect(newer.backend.store.ingest(entries)).toMatchObject({ rejected: [] });
    const older = await nodes.start(team, { peers: [newer.address] });
    const third = await nodes.start(team, { peers: [older.address] });
    await until(() => third.backend.store.count() === entries.length, 'the third laptop holds every entry', 30_000);
    for (const laptop of [newer, older, third]) {
      for (const entry of entries) expect(asSigned(laptop.backend.store.entry(entry.id))).toEqual(asSigned(entry));
      expect((await laptop.backend.api.verify({})).ok).toBe(true);
    }
    const list = await third.backend.api['log.list']({ incident: INCIDENT, limit: 10 });
    expect(list.entries.filter((e) => e.newer !== null).map((e) => e.kind).sort()).toEqual(['beeld', 'melding', 'sitrap']);
  });
});
