import { describe, expect, it } from 'vitest';
import { createSearchIndexer } from '../../../electron/backend/parts/search-indexer.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { makeChain, makeSigner } from '../../support/entries.js';
import { manualClock } from '../../support/manual-clock.js';
import { useTempDirs } from '../../support/temp.js';
import { closedAfterEach } from '../../support/opened-backends.js';

const tempDir = useTempDirs();
const opened = closedAfterEach();

function passesOf(backend: TestBackend) {
  return { size: () => backend.store.searchBacklogSize(), indexSome: () => backend.store.indexSearchBacklogPass(), index: () => backend.store.indexSearchBacklog() };
}

function open(dataDir: string, create = false): TestBackend {
  const backend = openTestBackend({ dataDir, create, clock: manualClock() });
  opened.push(backend);
  return backend;
}

describe('search backlog: appended text is indexed later, found always', () => {
  it('an appended entry is found by the very next search, before any background run', async () => {
    const backend = open(tempDir(), true);
    const { id: incident } = await backend.api['incident.create']({ title: 'Gaslek Centrum', classification: 'intern' });
    const { id } = await backend.api['log.add']({ incident, kind: 'melding', body: { text: 'Ammoniakwolk boven De Hurk' }, classification: 'intern' });
    expect(backend.store.searchBacklogSize()).toBe(2);
    const page = await backend.api.search({ text: 'ammon', limit: 10 });
    expect(page.entries.map((e) => e.id)).toEqual([id]);
    expect(backend.store.searchBacklogSize()).toBe(0);
  });

  it('an appended entry is found by its id and by a start of it, before and after the backlog run', async () => {
    const backend = open(tempDir(), true);
    const { id: incident } = await backend.api['incident.create']({ title: 'Gaslek Centrum', classification: 'intern' });
    const { id } = await backend.api['log.add']({ incident, kind: 'melding', body: { text: 'Gaskraan dicht' }, classification: 'intern' });
    for (const phase of ['in the backlog', 'indexed']) {
      expect(backend.store.searchBacklogSize(), phase).toBe(phase === 'indexed' ? 0 : 2);
      expect(backend.store.entry(id)?.id, phase).toBe(id);
      expect(backend.store.entriesByIdPrefix(id.slice(0, 6), 5).map((e) => e.id), phase).toEqual([id]);
      expect(backend.store.entriesByIdPrefix(id.slice(0, 20), 5).map((e) => e.id), phase).toEqual([id]);
      expect(backend.store.entry(`${id.slice(0, 16)}${'0'.repeat(48)}`), phase).toBeNull();
      backend.store.indexSearchBacklog();
    }
  });

  it('text left in the backlog when the process stops is indexed by the next one', async () => {
    const dataDir = tempDir();
    const first = open(dataDir, true);
    const { id: incident } = await first.api['incident.create']({ title: 'Wateroverlast Dommel', classification: 'intern' });
    const { id } = await first.api['log.add']({ incident, kind: 'melding', body: { text: 'Zandzakken bij de Dommelbrug' }, classification: 'intern' });
    first.close();
    const second = open(dataDir);
    expect(second.store.searchBacklogSize()).toBe(2);
    expect((await second.api.search({ text: 'zandzak', limit: 10 })).entries.map((e) => e.id)).toEqual([id]);
  });

  it('the search indexer runs the backlog on its clock, and once more when it stops', async () => {
    const backend = open(tempDir(), true);
    const { id: incident } = await backend.api['incident.create']({ title: 'Stroomstoring Zuidoost', classification: 'intern' });
    const clock = manualClock();
    const indexer = createSearchIndexer({ backlog: passesOf(backend), clock, intervalMs: 30_000 });
    indexer.start();
    await backend.api['log.add']({ incident, kind: 'melding', body: { text: 'Aggregaat geplaatst' }, classification: 'intern' });
    clock.advance(29_999);
    expect(backend.store.searchBacklogSize()).toBe(2);
    clock.advance(1);
    expect(backend.store.searchBacklogSize()).toBe(0);
    await backend.api['log.add']({ incident, kind: 'melding', body: { text: 'Aggregaat draait' }, classification: 'intern' });
    expect(backend.store.searchBacklogSize()).toBe(1);
    indexer.stop();
    expect(backend.store.searchBacklogSize()).toBe(0);
    expect(clock.pending()).toBe(0);
  });

  it('received entries: ids indexed with their batch, text by the next pass or search', async () => {
    const backend = open(tempDir(), true);
    const incident = 'cd'.repeat(16);
    const chain = makeChain(makeSigner(), incident, 5, { text: (i) => `Pomp ${i} van het waterschap draait` });
    expect(backend.store.ingest(chain).added).toHaveLength(5);
    expect(backend.store.searchBacklogSize()).toBe(5);
    // Found by id at once, though their text waits.
    expect(backend.store.entry(chain[3]!.id)?.id).toBe(chain[3]!.id);
    expect(backend.store.entriesByIdPrefix(chain[3]!.id.slice(0, 8), 5).map((e) => e.id)).toEqual([chain[3]!.id]);
    // A pass indexes at most as many as it is given, the oldest first.
    expect(backend.store.indexSearchBacklogPass(2)).toBe(2);
    expect(backend.store.searchBacklogSize()).toBe(3);
    const found = await backend.api.search({ text: 'waterschap', limit: 10 });
    expect(found.entries.map((e) => e.id)).toEqual(chain.map((e) => e.id).reverse());
    expect(backend.store.searchBacklogSize()).toBe(0);
  });
});

describe('search indexer: when the backlog is indexed', () => {
  /** A backlog of `waiting` entries whose passes index at most `perPass`. */
  function fakeBacklog(waiting: number, perPass: number) {
    const passes: number[] = [];
    const backlog = {
      add: (n: number) => void (waiting += n),
      size: () => waiting,
      indexSome: () => {
        const n = Math.min(perPass, waiting);
        waiting -= n;
        passes.push(n);
        return n;
      },
      index: () => {
        const n = waiting;
        waiting = 0;
        if (n > 0) passes.push(n);
        return n;
      },
    };
    return { backlog, passes };
  }

  it('a small backlog waits for the interval; a large one goes once it stops growing, pass after pass with a pause between', () => {
    const clock = manualClock();
    const { backlog, passes } = fakeBacklog(3, 4);
    const indexer = createSearchIndexer({ backlog, clock, intervalMs: 30_000, checkMs: 2_000, soonAt: 10, gapMs: 20 });
    indexer.start();
    clock.advance(28_000);
    expect(passes).toEqual([]);
    clock.advance(2_000);
    expect(passes).toEqual([3]);
    // A sync brings 10 entries: indexed once two checks see the same backlog, not 30 s later.
    backlog.add(10);
    clock.advance(2_000);
    expect(passes).toEqual([3]);
    clock.advance(1_999);
    expect(passes).toEqual([3]);
    clock.advance(1);
    expect(passes).toEqual([3, 4]);
    clock.advance(19);
    expect(passes).toEqual([3, 4]);
    clock.advance(1);
    expect(passes).toEqual([3, 4, 4]);
    clock.advance(20);
    expect(passes).toEqual([3, 4, 4, 2]);
    clock.advance(60_000);
    expect(passes).toEqual([3, 4, 4, 2]);
    backlog.add(1);
    indexer.stop();
    expect(passes).toEqual([3, 4, 4, 2, 1]);
    expect(clock.pending()).toBe(0);
  });

  it('while entries keep arriving, passes wait for them to stop, or for the interval', () => {
    const clock = manualClock();
    const { backlog, passes } = fakeBacklog(0, 100_000);
    const indexer = createSearchIndexer({ backlog, clock, intervalMs: 30_000, checkMs: 2_000, soonAt: 10 });
    indexer.start();
    for (let t = 2_000; t < 30_000; t += 2_000) {
      backlog.add(1_000);
      clock.advance(2_000);
    }
    expect(passes).toEqual([]);
    backlog.add(1_000);
    clock.advance(2_000);
    expect(passes).toEqual([15_000]);
    indexer.stop();
  });

  it('a pass that fails (the file is busy) is tried again at a later check', () => {
    const clock = manualClock();
    const { backlog, passes } = fakeBacklog(12, 100);
    let busy = true;
    let tries = 0;
    const indexer = createSearchIndexer({
      backlog: { ...backlog, indexSome: () => { tries++; if (busy) throw new Error('database is locked'); return backlog.indexSome(); } },
      clock, checkMs: 2_000, soonAt: 10,
    });
    indexer.start();
    clock.advance(4_000);
    expect(tries).toBe(1);
    expect(passes).toEqual([]);
    busy = false;
    clock.advance(2_000);
    expect(tries).toBe(2);
    expect(passes).toEqual([12]);
    indexer.stop();
    expect(clock.pending()).toBe(0);
  });
});

