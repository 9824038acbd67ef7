import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../shared/contract/client.js';
import { BakenError, ERROR_CODE_LIST, exitCodeFor, fromErrorData, toErrorData, type BakenErrorData } from '../../../shared/contract/errors.js';
import { report, type Io } from '../../../electron/cli/baken.js';

/** Carries a value the way IPC and the WebSocket do: structured data, no classes. */
const overTheWire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function capture(): { io: Io; stderr: () => string } {
  let stderr = '';
  return { io: { out: () => {}, err: (t) => void (stderr += t), env: {} }, stderr: () => stderr };
}

describe('errors as data', () => {
  it.each(ERROR_CODE_LIST)('%s survives the trip as data and comes back as a typed BakenError', (code) => {
    const sent = new BakenError(code, `the ${code} case`, { field: 'body.text' });
    const data = overTheWire(toErrorData(sent));
    expect(data).toEqual({ code, message: `the ${code} case`, field: 'body.text' });
    const received = fromErrorData(data);
    expect(received).toBeInstanceOf(BakenError);
    expect(received).toMatchObject({ code, message: `the ${code} case`, field: 'body.text' });
  });

  it.each(ERROR_CODE_LIST)('%s reaches the CLI through a client as one line with its exit code', async (code) => {
    const data: BakenErrorData = { code, message: `failed: ${code}` };
    const client = createApiClient(async () => overTheWire({ ok: false, error: data }));
    const thrown = await client['device.info']({}).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(BakenError);
    const { io, stderr } = capture();
    expect(report(thrown, io)).toBe(code === 'invalid-input' ? 2 : 1);
    expect(exitCodeFor(code)).toBe(code === 'invalid-input' ? 2 : 1);
    expect(stderr()).toBe(`baken: failed: ${code}\n`);
  });

  it('leaves the field out when no single field is at fault', () => {
    expect(toErrorData(new BakenError('not-found', 'no incident x'))).toEqual({ code: 'not-found', message: 'no incident x' });
  });

  it('turns anything that is not a BakenError into an internal error of one line, without a stack', () => {
    const data = toErrorData(new TypeError('cannot read x\n    at somewhere (file.ts:1:1)'));
    expect(data).toEqual({ code: 'internal', message: 'internal error: cannot read x at somewhere (file.ts:1:1)' });
    expect(toErrorData('a string')).toEqual({ code: 'internal', message: 'internal error: a string' });
    expect(new BakenError('storage', 'two\nlines').message).toBe('two lines');
  });

  it('reads garbled or newer error data as an error, never a crash', () => {
    expect(fromErrorData(null)).toMatchObject({ code: 'internal' });
    expect(fromErrorData({ code: 'from-a-newer-version', message: 'something new' })).toMatchObject({ code: 'internal', message: 'something new' });
    expect(fromErrorData({ code: 'not-found', message: 42 }).message).toMatch(/without a message/);
  });

  it('a client refuses a reply that is neither a value nor an error', async () => {
    const client = createApiClient(async () => 'not a result' as never);
    await expect(client['device.info']({})).rejects.toMatchObject({ code: 'internal' });
    const ok = createApiClient(async () => ({ ok: true, value: { author: 'a' } }));
    await expect(ok['device.info']({})).resolves.toEqual({ author: 'a' });
  });
});
