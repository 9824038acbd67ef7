import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendEventName, BackendEvents } from '../../shared/contract/events.js';
import { openTestBackend, type TestBackend } from '../support/backend.js';
import { makeChain, makeSigner } from '../support/entries.js';
import { manualClock } from '../support/manual-clock.js';
import { useTempDirs } from '../support/temp.js';

const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';

describe('backend events', () => {
  const tempDir = useTempDirs();
  const opened: TestBackend[] = [];
  afterEach(async () => {
    for (const b of opened.splice(0)) await b.stop();
  });
  const open = (options: Parameters<typeof openTestBackend>[0]) => {
    const b = openTestBackend(options);
    opened.push(b);
    return b;
  };
  function record<E extends BackendEventName>(backend: TestBackend, event: E): BackendEvents[E][] {
    const seen: BackendEvents[E][] = [];
    backend.on(event, (payload) => seen.push(payload));
    return seen;
  }

  it('"entries added" for this device\'s own entries; on() returns the unsubscribe', async () => {
    const b = open({ dataDir: tempDir(), create: true });
    const seen = record(b, 'entries.added');
    let calls = 0;
    const off = b.on('entries.added', () => calls++);
    const { id: incident, entry } = await b.api['incident.create']({ title: 'Uitval NAFIN' });
    off();
    const note = await b.api['log.add']({ incident, kind: 'melding', body: { text: 'Meldkamer onbereikbaar' } });
    expect(calls).toBe(1);
    expect(seen).toEqual([
      { entries: [{ id: entry.id, author: b.identity.publicKeyHex, seq: 1, incident, kind: 'incident' }], incidents: [incident], source: { type: 'this-device' } },
      { entries: [{ id: note.id, author: b.identity.publicKeyHex, seq: 2, incident, kind: 'melding' }], incidents: [incident], source: { type: 'this-device' } },
    ]);
  });

  it('a bundle import fires "entries added" from that bundle, and its progress carries one operation id from start to finish', async () => {
    const a = open({ dataDir: tempDir(), create: true });
    const signer = makeSigner();
    a.store.ingest(makeChain(signer, INCIDENT, 2500));
    const file = join(tempDir(), 'noord.baken');
    await a.api['bundle.export']({ out: file });

    const b = open({ dataDir: tempDir(), create: true });
    const added = record(b, 'entries.added');
    const progress = record(b, 'progress');
    const report = await b.api['bundle.import']({ file, operation: 'usb-1' });
    expect(report.added).toBe(2500);
    expect(added.flatMap((e) => e.entries).map((e) => e.seq)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    for (const event of added) expect(event).toMatchObject({ incidents: [INCIDENT], source: { type: 'bundle', file, operation: 'usb-1' } });
    expect(new Set(progress.map((p) => p.operation))).toEqual(new Set(['usb-1']));
    expect(progress.map((p) => p.state)).toEqual([...progress.slice(0, -1).map(() => 'running'), 'finished']);
    expect(progress.at(-1)).toEqual({ operation: 'usb-1', task: 'bundle.import', state: 'finished', done: 2500, total: 2500 });
    const dones = progress.filter((p) => p.state === 'running').map((p) => (p as { done: number }).done);
    expect(dones).toEqual([...dones].sort((x, y) => x - y));
  });

  it('an operation that fails ends with a failed progress event carrying the error as data', async () => {
    const b = open({ dataDir: tempDir(), create: true });
    const progress = record(b, 'progress');
    await expect(b.api['bundle.import']({ file: join(tempDir(), 'missing.baken') })).rejects.toMatchObject({ code: 'not-found' });
    expect(progress).toEqual([{ operation: expect.stringMatching(/^[0-9a-f]{16}$/), task: 'bundle.import', state: 'failed', error: { code: 'not-found', message: expect.stringMatching(/missing\.baken/) } }]);
  });

  it('notices what another process wrote to the same data directory, on the injected clock', async () => {
    const dataDir = tempDir();
    const clock = manualClock();
    const serving = open({ dataDir, create: true, clock });
    await serving.start();
    const added = record(serving, 'entries.added');
    const { id: ownIncident } = await serving.api['incident.create']({ title: 'Eigen melding' });

    const cli = open({ dataDir, clock });
    const { id: incident, entry } = await cli.api['incident.create']({ title: 'Via de CLI' });
    const note = await cli.api['log.add']({ incident, kind: 'melding', body: { text: 'geschreven door een ander proces' } });
    expect(added.map((e) => e.source.type)).toEqual(['this-device']);
    clock.advance(200);
    expect(added.slice(1)).toEqual([
      { entries: [expect.objectContaining({ id: entry.id, seq: 2 }), expect.objectContaining({ id: note.id, seq: 3 })], incidents: [incident], source: { type: 'other-process' } },
    ]);
    clock.advance(1000);
    expect(added).toHaveLength(2);
    expect(added[0]!.incidents).toEqual([ownIncident]);
  });

  it('start() and stop() leave no timer behind, and a stopped backend cannot start again', async () => {
    const clock = manualClock();
    const b = open({ dataDir: tempDir(), create: true, clock });
    await b.start();
    expect(clock.pending()).toBeGreaterThan(0);
    await b.stop();
    expect(clock.pending()).toBe(0);
    await b.stop();
    await expect(b.start()).rejects.toMatchObject({ code: 'conflict' });
  });
});
