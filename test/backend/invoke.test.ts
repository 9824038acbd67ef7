import { afterEach, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../shared/contract/api.js';
import { createInvoke } from '../../electron/backend/invoke.js';
import { openTestBackend, type TestBackend } from '../support/backend.js';
import { useTempDirs } from '../support/temp.js';

describe('invoke: the one door every transport uses', () => {
  const tempDir = useTempDirs();
  const opened: TestBackend[] = [];
  afterEach(() => opened.splice(0).forEach((b) => b.close()));
  const backend = () => {
    const b = openTestBackend({ dataDir: tempDir(), create: true });
    opened.push(b);
    return b;
  };

  it('returns values as { ok: true, value }', async () => {
    const b = backend();
    expect(await b.invoke('incident.create', { title: 'Uitval NAFIN' })).toEqual({ ok: true, value: expect.objectContaining({ id: expect.stringMatching(/^[0-9a-f]{32}$/) }) });
  });

  it('answers bad input with invalid-input naming the field, and changes nothing', async () => {
    const b = backend();
    const { value: incident } = (await b.invoke('incident.create', { title: 'Dijk' })) as { value: { id: string } };
    const before = b.store.count();
    expect(await b.invoke('incident.create', { title: '   ' })).toEqual({ ok: false, error: { code: 'invalid-input', message: 'title: must not be empty', field: 'title' } });
    expect(await b.invoke('log.add', { incident: incident.id, kind: 'melding', body: { text: '' } })).toEqual({
      ok: false, error: { code: 'invalid-input', message: 'body.text: must not be empty', field: 'body.text' },
    });
    expect(await b.invoke('log.add', { incident: incident.id, kind: 'melding', body: { text: 'x' }, extra: 1 })).toMatchObject({
      ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/extra/) },
    });
    expect(await b.invoke('action.status', { action: 'a'.repeat(64), status: 'not_done' })).toMatchObject({ ok: false, error: { code: 'invalid-input', field: 'reason' } });
    expect(b.store.count()).toBe(before);
  });

  it('never throws, whatever it is given', async () => {
    const b = backend();
    for (const [method, input] of [['no.such.method', {}], [42, {}], [null, null], ['__proto__', {}], ['toString', {}], ['log.list', 'text'], ['log.list', [1, 2]], ['verify', undefined]] as const) {
      const result = await b.invoke(method as string, input);
      expect(typeof result.ok, String(method)).toBe('boolean');
      if (!result.ok) expect(result.error.code, String(method)).toBe('invalid-input');
    }
  });

  it('passes a handler\'s BakenError on as data, and turns anything else into internal without a stack', async () => {
    const b = backend();
    expect(await b.invoke('incident.state', { incident: 'f'.repeat(32) })).toEqual({ ok: false, error: { code: 'not-found', message: `no incident ${'f'.repeat(32)} in this log`, field: 'incident' } });
    const failures: string[] = [];
    const broken = new Proxy({} as ApiHandlers, { get: () => () => { throw new TypeError('x is undefined'); } });
    const invoke = createInvoke(broken, (method) => failures.push(method));
    expect(await invoke('verify', {})).toEqual({ ok: false, error: { code: 'internal', message: 'internal error: x is undefined' } });
    expect(failures).toEqual(['verify']);
  });
});
