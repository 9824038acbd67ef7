import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * electron/main/main.ts loaded with a recording stand-in for the `electron` module (the binary
 * cannot run here), the backend host replaced by a fake (the real one would join the LAN with
 * mDNS) and the CLI's data folder pointed at a temporary directory. This checks our wiring — what
 * main asks of Electron, in which order, and what its handlers decide — not Electron's behaviour.
 */
const h = vi.hoisted(() => {
  const calls: string[] = [];
  const appHandlers = new Map<string, ((...args: any[]) => unknown)[]>();
  let ready!: () => void;
  const whenReady = new Promise<void>((resolve) => (ready = resolve));
  const windows: any[] = [];
  const host = { started: 0, stopped: 0, stopGate: null as null | (() => void), options: null as unknown };
  const state = { dataDir: '', protocolHandler: null as null | ((request: { url: string; method: string }) => Promise<Response>), permissionRequest: null as any, permissionCheck: null as any, menu: null as unknown };
  return { calls, appHandlers, whenReady, ready: () => ready(), windows, host, state };
});

vi.mock('electron', () => {
  class BrowserWindow {
    options: any;
    handlers = new Map<string, ((...args: any[]) => unknown)[]>();
    loaded: string[] = [];
    focused = 0;
    webContents = { mainFrame: { url: 'app://baken/index.html', parent: null }, send: () => {}, isDestroyed: () => false };
    constructor(options: any) {
      this.options = options;
      h.windows.push(this);
    }
    on(event: string, fn: (...args: any[]) => unknown) {
      this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
      return this;
    }
    once(event: string, fn: (...args: any[]) => unknown) {
      return this.on(event, fn);
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    isMinimized() {
      return false;
    }
    restore() {}
    show() {}
    focus() {
      this.focused++;
    }
  }
  const app = {
    isPackaged: false,
    setName: (name: string) => h.calls.push(`setName ${name}`),
    setPath: (name: string, path: string) => h.calls.push(`setPath ${name} ${path}`),
    enableSandbox: () => h.calls.push('enableSandbox'),
    requestSingleInstanceLock: () => (h.calls.push('requestSingleInstanceLock'), true),
    on: (event: string, fn: (...args: any[]) => unknown) => void h.appHandlers.set(event, [...(h.appHandlers.get(event) ?? []), fn]),
    whenReady: () => h.whenReady,
    isReady: () => true,
    quit: () => h.calls.push('quit'),
    showAboutPanel: () => {},
  };
  return {
    app,
    BrowserWindow,
    ipcMain: { handle: () => {}, removeHandler: () => {} },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => void (h.state.menu = m) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => h.calls.push(`registerSchemesAsPrivileged ${JSON.stringify(schemes)}`),
      handle: (scheme: string, fn: any) => {
        h.calls.push(`protocol.handle ${scheme}`);
        h.state.protocolHandler = fn;
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: unknown) => void (h.state.permissionRequest = fn),
        setPermissionCheckHandler: (fn: unknown) => void (h.state.permissionCheck = fn),
        setDevicePermissionHandler: () => {},
      },
    },
  };
});

vi.mock('../../electron/cli/data-dir.js', () => ({ defaultDataDir: () => h.state.dataDir }));

vi.mock('../../electron/main/backend-host.js', () => ({
  APP_NETWORK: { listen: ['0.0.0.0:4100'], mdns: true, peers: [] },
  createBackendHost: (options: unknown) => {
    h.host.options = options;
    return {
      invoke: async () => ({ ok: true, value: null }),
      on: () => () => {},
      start: async () => (h.host.started++, { network: 'running', problem: null }),
      stop: () => {
        h.host.stopped++;
        return new Promise<void>((resolve) => (h.host.stopGate = resolve));
      },
      status: () => ({ network: 'running', problem: null }),
    };
  },
}));

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const fire = (event: string, ...args: unknown[]) => h.appHandlers.get(event)?.map((fn) => fn(...args));

describe('main.ts wired to a stand-in for electron', () => {
  h.state.dataDir = mkdtempSync(join(tmpdir(), 'baken-main-'));
  // What Electron's process says of itself; plain Node has no such entry.
  (process.versions as { electron?: string }).electron = '41.7.1';
  const signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  afterAll(() => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) if (!signalListeners[signal].includes(listener)) process.removeListener(signal, listener);
    }
    rmSync(h.state.dataDir, { recursive: true, force: true });
    delete (process.versions as { electron?: string }).electron;
  });

  it('before ready: names the app, puts userData in the CLI\'s data folder, then sandboxes, registers app:// and takes the single-instance lock', async () => {
    await import('../../electron/main/main.js');
    const dir = h.state.dataDir;
    expect(h.calls).toEqual([
      'setName Baken',
      `setPath userData ${dir}`,
      `setPath sessionData ${join(dir, 'window')}`,
      'enableSandbox',
      'registerSchemesAsPrivileged [{"scheme":"app","privileges":{"standard":true,"secure":true,"supportFetchAPI":true,"codeCache":true}}]',
      'requestSingleInstanceLock',
    ]);
    expect(h.windows).toHaveLength(0);
  });

  it('when ready: serves app://, refuses permissions, opens the backend with the network and one sandboxed window on app://baken/', async () => {
    h.ready();
    await flush();
    expect(h.calls).toContain('protocol.handle app');
    // Run from source (not packaged): the database module `npm start` built for this Electron, beside the build output.
    const dist = join(import.meta.dirname, '..', '..');
    expect(h.host.options).toEqual({
      dataDir: h.state.dataDir, network: { listen: ['0.0.0.0:4100'], mdns: true, peers: [] }, log: expect.any(Function),
      nativeBinding: join(dist, 'native', `electron-41.7.1-${process.platform}-${process.arch}`, 'better_sqlite3.node'),
    });
    expect(h.host.started).toBe(1);
    expect(h.windows).toHaveLength(1);
    const win = h.windows[0];
    expect(win.options).toMatchObject({ width: 1280, height: 800, minWidth: 1024, minHeight: 700 });
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(win.options.webPreferences.preload.endsWith(`${sep}shell${sep}preload.cjs`)).toBe(true);
    expect(win.loaded).toEqual(['app://baken/index.html']);

    let granted: boolean | null = null;
    h.state.permissionRequest({}, 'media', (answer: boolean) => (granted = answer));
    expect(granted).toBe(false);
    expect(h.state.permissionCheck({}, 'clipboard-read')).toBe(false);
    expect(JSON.stringify(h.state.menu)).toContain('toggleDevTools'); // running from source
  });

  it('app:// answers a file under the renderer folder with the CSP, and 404 for anything else', async () => {
    // From source, the renderer folder is renderer/ (built: dist/renderer/); its README stands in for a page.
    const ok = await h.state.protocolHandler!({ url: 'app://baken/README.md', method: 'GET' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await h.state.protocolHandler!({ url: 'app://baken/no-such-file.js', method: 'GET' })).status).toBe(404);
    expect((await h.state.protocolHandler!({ url: 'app://baken/README.md', method: 'POST' })).status).toBe(404);
    expect((await h.state.protocolHandler!({ url: 'app://elsewhere/README.md', method: 'GET' })).status).toBe(404);
  });

  it('every web contents: window.open denied, navigation away and <webview> prevented', () => {
    const handlers = new Map<string, (...args: any[]) => unknown>();
    let openHandler: (() => unknown) | null = null;
    fire('web-contents-created', {}, { setWindowOpenHandler: (fn: () => unknown) => (openHandler = fn), on: (event: string, fn: any) => handlers.set(event, fn) });
    expect(openHandler!()).toEqual({ action: 'deny' });
    const navigate = (event: string, url: string) => {
      let prevented = false;
      handlers.get(event)!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate('will-navigate', 'https://example.org/')).toBe(true);
    expect(navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-navigate', 'app://baken/index.html#x')).toBe(false);
    expect(navigate('will-redirect', 'http://127.0.0.1/')).toBe(true);
    expect(navigate('will-attach-webview', 'app://baken/')).toBe(true);
  });

  it('a second instance focuses the first window', () => {
    fire('second-instance');
    expect(h.windows[0].focused).toBe(1);
    expect(h.windows).toHaveLength(1);
  });

  it('quitting waits for the backend to stop, then quits', async () => {
    h.calls.length = 0;
    let prevented = 0;
    const event = { preventDefault: () => prevented++ };
    fire('before-quit', event);
    fire('before-quit', event); // asked again while stopping
    expect(prevented).toBe(2);
    expect(h.host.stopped).toBe(1);
    await flush();
    expect(h.calls).not.toContain('quit');
    h.host.stopGate!();
    await flush();
    expect(h.calls).toEqual(['quit']);
    fire('before-quit', event);
    expect(prevented).toBe(2);
  });
});
