import { describe, expect, it } from 'vitest';
import type { AnyEntry } from '../../../shared/domain/entry.js';
import { makeChain, makeSigner } from '../../support/entries.js';
import { useTempDirs } from '../../support/temp.js';
import { seededRandom, Simulator } from './simulator.js';

const T0 = 1_790_000_000_000;
const INCIDENT = 'b2'.repeat(16);

describe('what a sync session sends', () => {
  const tempDir = useTempDirs();

  // The receiver stores rows by time: one author's whole chain and then the next one's would land
  // all over its table and indexes (bench sync prints the bytes written per entry at the receiver).
  it('sends a laptop\'s log in time order across authors, each author\'s chain in order, frame after frame', () => {
    const sim = new Simulator(seededRandom(3), { now: T0 + 3_600_000 }, { maxEntriesPerFrame: 16 });
    const a = sim.addPeer('a', tempDir());
    const b = sim.addPeer('b', tempDir());
    const chains = [0, 1, 2].map((k) => makeChain(makeSigner(), INCIDENT, 40, { t0: T0 + k * 7 }));
    for (const chain of chains) expect(a.backend.store.ingest(chain).added).toHaveLength(40);

    const sent: AnyEntry[] = [];
    let frames = 0;
    sim.onDeliver = (from, _to, message) => {
      if (from !== 'a' || message.type !== 'entries') return;
      frames++;
      sent.push(...(message.entries as AnyEntry[]));
    };
    sim.connect('a', 'b');
    sim.runUntilQuiet();

    expect(b.backend.store.count()).toBe(120);
    expect(frames).toBe(Math.ceil(120 / 16));
    expect(sent).toHaveLength(120);
    const times = sent.map((e) => e.hlc.t);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    const lastSeq = new Map<string, number>();
    for (const entry of sent) {
      expect(entry.seq).toBe((lastSeq.get(entry.author) ?? 0) + 1);
      lastSeq.set(entry.author, entry.seq);
    }
    sim.close();
  });
});
