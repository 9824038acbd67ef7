import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_GLOBAL, IPC_EVENT, IPC_INVOKE } from '../../shared/contract/bridge.js';
import { BACKEND_EVENT_NAMES } from '../../shared/contract/events.js';

/**
 * The BUILT preload (dist/shell/preload.cjs, made here by `npm run build:shell`, the same command
 * `npm run build` runs), run in a bare `node:vm` context, as a sandboxed preload has no Node: its
 * only `require` is a stand-in for Electron's `contextBridge` and `ipcRenderer` that records what
 * the bundle does with them. This tests the bundle's behaviour against that stand-in, not Electron
 * itself (no Electron binary can run here): that the file is one CommonJS script needing nothing
 * but `electron`, and what it exposes and sends.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'shell', 'preload.cjs');

type Listener = (event: unknown, ...args: unknown[]) => void;

function loadPreload(options: { invokeResult?: (channel: string, ...args: unknown[]) => Promise<unknown> } = {}) {
  const exposed: [string, Record<string, unknown>][] = [];
  const required: string[] = [];
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Listener[]>();
  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]) => {
      invoked.push([channel, ...args]);
      return options.invokeResult ? options.invokeResult(channel, ...args) : Promise.resolve({ ok: true, value: 'answer' });
    },
    on: (channel: string, listener: Listener) => {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
      return ipcRenderer;
    },
    removeListener: (channel: string, listener: Listener) => {
      listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== listener));
      return ipcRenderer;
    },
  };
  const electron = { contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push([key, api]) }, ipcRenderer };
  const module = { exports: {} };
  const require = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`the preload may require only electron, not ${name}`);
  };
  runInNewContext(readFileSync(BUNDLE, 'utf8'), { require, module, exports: module.exports }, { filename: BUNDLE });
  const emit = (message: unknown) => {
    for (const listener of listeners.get(IPC_EVENT) ?? []) listener({ sender: 'the IPC event object, never given to the page' }, message);
  };
  return { exposed, required, invoked, listeners, emit };
}

describe('the built preload (dist/shell/preload.cjs) with a stand-in for electron', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', '--silent', 'build:shell'], { cwd: ROOT, stdio: 'pipe' });
  }, 60_000);

  it('is one CommonJS script that requires only electron', () => {
    const text = readFileSync(BUNDLE, 'utf8');
    expect(text).not.toMatch(/^\s*(import|export)\s/m);
    expect(text.length).toBeLessThan(20_000);
    expect(loadPreload().required).toEqual(['electron']);
  });

  it('exposes exactly one key, baken, with exactly invoke and on', () => {
    const { exposed } = loadPreload();
    expect(exposed.map(([key]) => key)).toEqual([BRIDGE_GLOBAL]);
    expect(BRIDGE_GLOBAL).toBe('baken');
    const api = exposed[0]![1];
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(typeof api.invoke).toBe('function');
    expect(typeof api.on).toBe('function');
  });

  it('invoke sends the method and input on IPC_INVOKE and returns main\'s answer', async () => {
    const { exposed, invoked } = loadPreload();
    const invoke = exposed[0]![1].invoke as (m: string, i: unknown) => Promise<unknown>;
    await expect(invoke('incident.list', { all: true })).resolves.toEqual({ ok: true, value: 'answer' });
    expect(invoked).toEqual([[IPC_INVOKE, 'incident.list', { all: true }]]);
  });

  it('invoke turns a failure of IPC itself into the contract\'s error data, never a rejection', async () => {
    const { exposed } = loadPreload({ invokeResult: () => Promise.reject(new Error("Error invoking remote method 'baken:invoke': gone")) });
    const invoke = exposed[0]![1].invoke as (m: string, i: unknown) => Promise<unknown>;
    const result = (await invoke('incident.list', {})) as { ok: boolean; error: { code: string; message: string } };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('internal');
    expect(result.error.message).toContain('gone');
  });

  it('on refuses an unknown event and a listener that is not a function', () => {
    const { exposed, listeners } = loadPreload();
    const on = exposed[0]![1].on as (e: unknown, l: unknown) => () => void;
    expect(() => on('ipc.raw', () => {})).toThrow(/unknown event "ipc.raw"/);
    expect(() => on('__proto__', () => {})).toThrow(/unknown event/);
    expect(() => on(42, () => {})).toThrow(/unknown event/);
    expect(() => on('progress', 'not a function')).toThrow(/must be a function/);
    expect(listeners.get(IPC_EVENT) ?? []).toHaveLength(0);
  });

  it('on delivers only its event\'s payload (not the IPC event object) until unsubscribed', () => {
    const { exposed, listeners, emit } = loadPreload();
    const on = exposed[0]![1].on as (e: string, l: (p: unknown) => void) => () => void;
    const seen: unknown[][] = [];
    const off = on('entries.added', (...args) => seen.push(args));
    const offPeers = on('peers.changed', () => {});
    expect(listeners.get(IPC_EVENT)).toHaveLength(2);
    emit({ event: 'entries.added', payload: { entries: [], incidents: ['i'] } });
    emit({ event: 'progress', payload: { operation: 'x' } });
    emit('garbage');
    emit(null);
    expect(seen).toEqual([[{ entries: [], incidents: ['i'] }]]);
    off();
    off();
    expect(listeners.get(IPC_EVENT)).toHaveLength(1);
    emit({ event: 'entries.added', payload: { entries: [], incidents: ['j'] } });
    expect(seen).toHaveLength(1);
    offPeers();
    expect(listeners.get(IPC_EVENT)).toHaveLength(0);
  });

  it('accepts every event of the contract', () => {
    const { exposed } = loadPreload();
    const on = exposed[0]![1].on as (e: string, l: (p: unknown) => void) => () => void;
    for (const name of BACKEND_EVENT_NAMES) on(name, () => {})();
  });
});
