import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../../shared/contract/events.js';
import type { TestBackend } from '../../../support/backend.js';
import { allIds, expectHealthy, laptopsTransfersDir, thrown, useLaptops, writeLog } from './laptops.js';

const { laptop } = useLaptops();

/** What a window does to save a sync file: prepare it, then read it in pieces of `piece` bytes. */
async function download(backend: TestBackend, piece: number, operation = 'save-1'): Promise<{ bytes: Buffer; entries: number; events: ProgressEvent[] }> {
  const events: ProgressEvent[] = [];
  const off = backend.on('progress', (e) => events.push(e));
  const prepared = await backend.api['bundle.prepare']({ operation });
  off();
  const parts: Buffer[] = [];
  for (let offset = 0; ; ) {
    const chunk = await backend.api['transfer.read']({ transfer: prepared.transfer, offset, length: piece });
    parts.push(Buffer.from(chunk.data, 'base64'));
    offset += chunk.bytes;
    if (chunk.end) break;
  }
  expect(await backend.api['transfer.discard']({ transfer: prepared.transfer })).toEqual({ discarded: true });
  const bytes = Buffer.concat(parts);
  expect(bytes.length).toBe(prepared.bytes);
  return { bytes, entries: prepared.entries, events };
}

/** What a window does with a file a person picked: send it in pieces, cut at `cuts` (byte offsets, ascending). */
async function upload(backend: TestBackend, bytes: Buffer, cuts: number[]): Promise<string> {
  const { transfer } = await backend.api['transfer.start']({ name: 'noord.baken', bytes: bytes.length });
  const edges = [0, ...cuts, bytes.length];
  for (let i = 1; i < edges.length; i++) {
    const view = await backend.api['transfer.append']({ transfer, offset: edges[i - 1]!, data: bytes.subarray(edges[i - 1], edges[i]).toString('base64') });
    expect(view.received).toBe(edges[i]);
  }
  return transfer;
}

/** Every offset inside a multi-byte character (a UTF-8 continuation byte starts there). */
const insideCharacters = (bytes: Buffer) => [...bytes.keys()].filter((i) => (bytes[i]! & 0xc0) === 0x80);

describe('a sync file through the window (in pieces, without paths)', () => {
  it('carries every entry from one laptop to another, cut anywhere, even inside a character', async () => {
    const a = laptop();
    const incident = await writeLog(a, 30);
    const saved = await download(a, 333);
    expect(saved.entries).toBe(a.store.count());
    expect(saved.events.at(-1)).toMatchObject({ operation: 'save-1', task: 'bundle.export', state: 'finished', done: saved.entries, total: saved.entries });

    const b = laptop();
    // Pieces cut "€", "—" and "🚒" in the middle, every one of them.
    const cuts = insideCharacters(saved.bytes);
    expect(cuts.length).toBeGreaterThan(100);
    const transfer = await upload(b, saved.bytes, cuts);
    const progress: ProgressEvent[] = [];
    b.on('progress', (e) => progress.push(e));
    const report = await b.api['bundle.import']({ transfer, operation: 'open-1' });
    expect(report).toMatchObject({ entries: saved.entries, added: saved.entries, known: 0, pending: 0, rejected: [], complete: true, problems: [] });
    expect(progress.at(-1)).toMatchObject({ operation: 'open-1', task: 'bundle.import', state: 'finished' });
    expect(allIds(b)).toEqual(allIds(a));
    expect(await b.api['incident.state']({ incident })).toEqual(await a.api['incident.state']({ incident }));
    await expectHealthy(b);
    // Used is gone: neither laptop keeps a copy of the file, and the transfer cannot be used twice.
    expect(readdirSync(laptopsTransfersDir(a))).toEqual([]);
    expect(readdirSync(laptopsTransfersDir(b))).toEqual([]);
    expect((await thrown(() => b.api['bundle.import']({ transfer })))).toMatchObject({ code: 'not-found' });
  });

  it('refuses a piece out of order, past the announced size, or not base64, in plain words, and keeps what it had', async () => {
    const a = laptop();
    await writeLog(a, 5);
    const { bytes } = await download(a, 4096);
    const b = laptop();
    const { transfer } = await b.api['transfer.start']({ name: 'noord.baken', bytes: bytes.length });
    await b.api['transfer.append']({ transfer, offset: 0, data: bytes.subarray(0, 100).toString('base64') });

    const skipped = await thrown(() => b.api['transfer.append']({ transfer, offset: 200, data: bytes.subarray(200, 300).toString('base64') }));
    expect(skipped).toMatchObject({ code: 'conflict' });
    expect(skipped.message).toContain('100 bytes have arrived so far; send from byte 100');
    const tooLong = await thrown(() => b.api['transfer.append']({ transfer, offset: 100, data: Buffer.concat([bytes.subarray(100), Buffer.from('x')]).toString('base64') }));
    expect(tooLong).toMatchObject({ code: 'invalid-input' });
    expect(tooLong.message).toContain(`longer than the ${bytes.length} bytes announced`);
    expect(await thrown(() => b.api['transfer.append']({ transfer, offset: 100, data: 'not base64!' }))).toMatchObject({ code: 'invalid-input' });

    // Half a file is not imported: nothing enters the log.
    const early = await thrown(() => b.api['bundle.import']({ transfer }));
    expect(early).toMatchObject({ code: 'conflict' });
    expect(early.message).toContain(`only 100 of ${bytes.length} bytes of noord.baken have arrived`);
    const before = b.store.count();
    // The refusals changed nothing: the rest still fits at byte 100, and then the import goes through.
    await b.api['transfer.append']({ transfer, offset: 100, data: bytes.subarray(100).toString('base64') });
    expect(before).toBe(b.store.count());
    const report = await b.api['bundle.import']({ transfer });
    expect(report.complete).toBe(true);
    expect(allIds(b)).toEqual(allIds(a));
  });

  it('takes a file or a transfer, never both or neither, and an unknown transfer is not found', async () => {
    const b = laptop();
    expect(await thrown(() => b.api['bundle.import']({ file: '/tmp/x.baken', transfer: '0123456789abcdef' }))).toMatchObject({ code: 'invalid-input' });
    expect(await thrown(() => b.api['bundle.import']({}))).toMatchObject({ code: 'invalid-input' });
    expect(await thrown(() => b.api['transfer.read']({ transfer: '0123456789abcdef', offset: 0, length: 10 }))).toMatchObject({ code: 'not-found' });
    expect(await b.api['transfer.discard']({ transfer: '0123456789abcdef' })).toEqual({ discarded: false });
  });

  it('drops a file given up halfway: no piece of it stays on the disk', async () => {
    const b = laptop();
    const { transfer } = await b.api['transfer.start']({ name: 'noord.baken', bytes: 1000 });
    await b.api['transfer.append']({ transfer, offset: 0, data: Buffer.alloc(400, 65).toString('base64') });
    const dir = laptopsTransfersDir(b);
    expect(readdirSync(dir).some((name) => name.startsWith('.'))).toBe(true);
    expect(existsSync(join(dir, `${transfer}.received`))).toBe(false);
    expect(await b.api['transfer.discard']({ transfer })).toEqual({ discarded: true });
    expect(readdirSync(dir)).toEqual([]);
  });
});
