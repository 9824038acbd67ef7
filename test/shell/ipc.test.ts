import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackendHost, type BackendHost } from '../../electron/main/backend-host.js';
import { REFUSED_SENDER_MESSAGE, registerIpc, type InvokeEventLike, type WindowLike } from '../../electron/main/ipc.js';
import { IPC_EVENT, IPC_INVOKE } from '../../shared/contract/bridge.js';
import type { CallResult } from '../../shared/contract/errors.js';
import { useTempDirs } from '../support/temp.js';

/**
 * The IPC wiring of electron/main/ipc.ts with stand-ins for ipcMain, the window and the IPC event
 * (Electron cannot run here), in front of a real backend opened in a temporary directory (no
 * network). What is tested is our handler's logic, not Electron's delivery of messages.
 */
type Handler = (event: InvokeEventLike, ...args: unknown[]) => Promise<CallResult<unknown>>;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
}

function fakeWindow(url = 'app://baken/index.html') {
  const sent: unknown[][] = [];
  const closed: (() => void)[] = [];
  let destroyed = false;
  const mainFrame = { url, parent: null };
  const window: WindowLike = {
    webContents: { mainFrame, send: (...args: unknown[]) => void sent.push(args), isDestroyed: () => destroyed },
    once: (_event: 'closed', listener: () => void) => closed.push(listener),
  };
  return { window, mainFrame, sent, close: () => { destroyed = true; for (const l of closed.splice(0)) l(); } };
}

describe('IPC between the window and the backend', () => {
  const tempDir = useTempDirs();
  const hosts: BackendHost[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.stop();
  });

  async function setUp() {
    const host = createBackendHost({ dataDir: tempDir() });
    hosts.push(host);
    await host.start();
    const ipcMain = fakeIpcMain();
    const win = fakeWindow();
    const dispose = registerIpc({ ipcMain, window: win.window, backend: host });
    const handler = ipcMain.handlers.get(IPC_INVOKE)!;
    const call = (method: unknown, input: unknown, frame: InvokeEventLike['senderFrame'] = win.mainFrame) => handler({ senderFrame: frame }, method, input);
    return { host, ipcMain, win, handler, call, dispose };
  }

  it('answers the window\'s main frame from the backend', async () => {
    const { call } = await setUp();
    const made = await call('incident.create', { title: 'Uitval NAFIN' });
    expect(made).toMatchObject({ ok: true, value: { id: expect.any(String) } });
    await expect(call('incident.list', {})).resolves.toMatchObject({ ok: true, value: [{ title: 'Uitval NAFIN' }] });
  });

  it('refuses, as the contract\'s error data, a call from a subframe, another frame, a foreign page or no frame', async () => {
    const { call, win } = await setUp();
    const refused = { ok: false, error: { code: 'invalid-input', message: REFUSED_SENDER_MESSAGE } };
    await expect(call('incident.list', {}, { url: 'app://baken/index.html', parent: win.mainFrame })).resolves.toEqual(refused);
    await expect(call('incident.list', {}, { url: 'app://baken/index.html', parent: null })).resolves.toEqual(refused);
    await expect(call('incident.list', {}, null)).resolves.toEqual(refused);
    (win.mainFrame as { url: string }).url = 'https://example.org/';
    await expect(call('incident.list', {}, win.mainFrame)).resolves.toEqual(refused);
  });

  it('a refused call changes nothing', async () => {
    const { call, win } = await setUp();
    await call('incident.create', { title: 'from a subframe' }, { url: 'app://baken/index.html', parent: win.mainFrame });
    await expect(call('incident.list', {})).resolves.toEqual({ ok: true, value: [] });
  });

  it('refuses every call that names a file by its path, which only the command line may make, and writes nothing', async () => {
    const dataDir = tempDir();
    const host = createBackendHost({ dataDir });
    hosts.push(host);
    await host.start();
    const ipcMain = fakeIpcMain();
    const win = fakeWindow();
    registerIpc({ ipcMain, window: win.window, backend: host });
    const call = (method: string, input: unknown) => ipcMain.handlers.get(IPC_INVOKE)!({ senderFrame: win.mainFrame }, method, input);
    const db = join(dataDir, 'baken.db');
    const before = readFileSync(db);
    for (const [method, input] of [
      ['bundle.clock', { out: db }],
      ['bundle.export', { out: db, force: true }],
      ['export.write', { format: 'csv', incident: '5e'.repeat(16), out: db, force: true }],
      ['import.cap', { file: '/etc/passwd' }],
      ['verify.file', { file: '/etc/passwd' }],
      ['bundle.import', { file: '/etc/passwd' }],
      ['team.invite', { out: db, force: true }],
    ] as const) {
      await expect(call(method, input), method).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/command line/) } });
    }
    expect(readFileSync(db)).toEqual(before);
  });

  it('invalid input comes back as the contract\'s invalid-input error data, with the field', async () => {
    const { call } = await setUp();
    const result = await call('incident.create', { title: '' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', field: 'title', message: expect.any(String) } });
    await expect(call('incident.create', { title: 'x', extra: 1 })).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    await expect(call('incident.create', 'not an object')).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    await expect(call('no.such.method', {})).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('unknown method') } });
    await expect(call(42, {})).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    await expect(call('__proto__', {})).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('forwards the backend\'s events to the window as { event, payload } on IPC_EVENT', async () => {
    const { call, win } = await setUp();
    await call('incident.create', { title: 'Uitval NAFIN' });
    expect(win.sent).toHaveLength(1);
    expect(win.sent[0]![0]).toBe(IPC_EVENT);
    expect(win.sent[0]![1]).toMatchObject({ event: 'entries.added', payload: { source: { type: 'this-device' }, entries: [{ kind: 'incident' }] } });
  });

  it('when the window closes, removes its handler and stops forwarding events', async () => {
    const { ipcMain, win, host, handler } = await setUp();
    win.close();
    expect(ipcMain.handlers.has(IPC_INVOKE)).toBe(false);
    await host.invoke('incident.create', { title: 'after close' });
    expect(win.sent).toHaveLength(0);
    // A new window can register again (macOS: the app outlives its window).
    const next = fakeWindow();
    registerIpc({ ipcMain, window: next.window, backend: host });
    expect(ipcMain.handlers.get(IPC_INVOKE)).not.toBe(handler);
  });
});
