import { afterEach, describe, expect, it } from 'vitest';
import { createSearchIndexer } from '../../../electron/backend/parts/search-indexer.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { manualClock } from '../../support/manual-clock.js';
import { useTempDirs } from '../../support/temp.js';

const tempDir = useTempDirs();
const opened: TestBackend[] = [];
afterEach(() => {
  for (const backend of opened.splice(0)) backend.close();
});

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
    const indexer = createSearchIndexer({ indexBacklog: () => backend.store.indexSearchBacklog(), clock, intervalMs: 30_000 });
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
});
