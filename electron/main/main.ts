// The Electron main process: one window, the backend, and the IPC between them. The security
// decisions live in security.ts, the IPC in ipc.ts and the backend's lifecycle in backend-host.ts,
// all testable without Electron; this file only wires them to Electron's app.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, protocol, session, type WebContents } from 'electron';
import { defaultDataDir } from '../cli/data-dir.js';
import { APP_NETWORK, createBackendHost, type BackendHost } from './backend-host.js';
import { registerIpc } from './ipc.js';
import { menuTemplate } from './menu.js';
import { appSqliteBinding } from './sqlite-binding.js';
import {
  allowNavigation, APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, appFilePath, appResponseHeaders, permissionDecision, WINDOW_SIZE, windowOpenDecision,
  windowWebPreferences,
} from './security.js';

/** dist/: this file runs as dist/electron/main/main.js; the preload and the renderer are built beside it. */
const DIST = join(import.meta.dirname, '..', '..');
const PRELOAD = join(DIST, 'shell', 'preload.cjs');
const RENDERER = join(DIST, 'renderer');
/** How long shutdown waits for the sync node and the database before quitting anyway. */
const STOP_TIMEOUT_MS = 10_000;

const isMac = process.platform === 'darwin';
const isDev = !app.isPackaged;
const log = (line: string) => process.stderr.write(`baken: ${line}\n`);

// The CLI's default data folder is the app's userData: the same folder, by construction, whatever
// name Electron would have derived (launched as `electron some/main.js` it would say "Electron").
// Chromium's own files (caches, local storage) go into a subfolder so they do not mix with the log.
app.setName('Baken');
const dataDir = defaultDataDir();
app.setPath('userData', dataDir);
app.setPath('sessionData', join(dataDir, 'window'));

// Before ready: every renderer sandboxed, app:// a secure standard scheme (so CSP 'self' is Baken's files).
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

if (!app.requestSingleInstanceLock()) {
  // Another Baken runs on this data folder: it shows its window (second-instance below); this one leaves.
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  let host: BackendHost | null = null;
  let quitting: 'no' | 'stopping' | 'done' = 'no';

  const createWindow = (backend: BackendHost) => {
    const win = new BrowserWindow({
      ...WINDOW_SIZE,
      title: 'Baken',
      show: false,
      backgroundColor: '#ffffff',
      webPreferences: windowWebPreferences(PRELOAD, { devTools: isDev }),
    });
    registerIpc({ ipcMain, window: win, backend });
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      if (window === win) window = null;
    });
    void win.loadURL(APP_ENTRY_URL);
    window = win;
  };

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });

  // Every web contents, whatever made it: no navigation away from Baken's pages, no new windows, no <webview>.
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(() => windowOpenDecision());
    contents.on('will-navigate', (event, url) => {
      if (!allowNavigation(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!allowNavigation(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  // Clean shutdown: stop the sync node and close the database before the process ends.
  app.on('before-quit', (event) => {
    if (quitting === 'done') return;
    event.preventDefault();
    if (quitting === 'stopping') return;
    quitting = 'stopping';
    const stopped = host?.stop() ?? Promise.resolve();
    const timeout = new Promise<void>((resolve) => setTimeout(() => {
      log(`shutdown took more than ${STOP_TIMEOUT_MS / 1000} s; quitting anyway`);
      resolve();
    }, STOP_TIMEOUT_MS).unref());
    void Promise.race([stopped.catch((error: unknown) => log(`stopping the backend failed: ${(error as Error)?.message ?? String(error)}`)), timeout]).then(() => {
      quitting = 'done';
      app.quit();
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());

  app.on('window-all-closed', () => {
    // On macOS the app (and its sync node) stays until Quit, as Mac apps do; elsewhere closing the window quits.
    if (!isMac) app.quit();
  });

  app.on('activate', () => {
    if (!window && host && app.isReady() && quitting === 'no') createWindow(host);
  });

  void app.whenReady().then(async () => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(permissionDecision()));
    ses.setPermissionCheckHandler(() => permissionDecision());
    ses.setDevicePermissionHandler(() => permissionDecision());
    protocol.handle(APP_SCHEME, async (request) => {
      const file = request.method === 'GET' ? appFilePath(request.url, RENDERER) : null;
      if (!file) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
      try {
        return new Response(await readFile(file), { headers: appResponseHeaders(file) });
      } catch {
        return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
      }
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ isMac, isDev, about: () => app.showAboutPanel() })));

    const nativeBinding = appSqliteBinding({ packaged: app.isPackaged, dist: DIST, electron: process.versions.electron, platform: process.platform, arch: process.arch });
    host = createBackendHost({ dataDir, network: APP_NETWORK, log, ...(nativeBinding ? { nativeBinding } : {}) });
    const status = await host.start();
    if (status.problem) log(`running without the sync network: ${status.problem.message}`);
    if (quitting === 'no') createWindow(host);
  });
}
