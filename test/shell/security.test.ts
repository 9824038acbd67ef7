import { join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../electron/main/menu.js';
import {
  allowNavigation, APP_ENTRY_URL, appFilePath, appResponseHeaders, CONTENT_SECURITY_POLICY, isAppUrl, isTrustedSender, permissionDecision, windowOpenDecision,
  windowWebPreferences, WINDOW_SIZE,
} from '../../electron/main/security.js';

/** The shell's security decisions as plain functions (electron/main/security.ts), in plain Node: no Electron here. */
describe('Content-Security-Policy', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => {
    const [name, ...sources] = d.trim().split(/\s+/);
    return [name!, sources] as const;
  }));

  it('allows no remote origin, no eval and no inline script', () => {
    for (const [name, sources] of directives) {
      for (const source of sources) {
        expect(["'self'", "'none'", 'data:', 'blob:'], `${name} ${source}`).toContain(source);
      }
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|unsafe-inline|wasm-unsafe-eval|https?:|wss?:|\*/);
  });

  it('denies by default and names the directives that do not fall back to default-src', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
  });

  it('travels with every app:// response', () => {
    expect(appResponseHeaders('/x/index.html')).toMatchObject({ 'content-security-policy': CONTENT_SECURITY_POLICY, 'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff' });
    expect(appResponseHeaders('/x/assets/app-1.js')['content-type']).toBe('text/javascript; charset=utf-8');
    expect(appResponseHeaders('/x/unknown.bin')['content-type']).toBe('application/octet-stream');
  });
});

describe('the window', () => {
  it('is isolated, sandboxed and without Node; only the preload is given', () => {
    const prefs = windowWebPreferences('/app/dist/shell/preload.cjs', { devTools: false });
    expect(prefs).toMatchObject({
      preload: '/app/dist/shell/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false,
      webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, spellcheck: false, devTools: false, navigateOnDragDrop: false,
    });
    expect(windowWebPreferences('p', { devTools: true }).devTools).toBe(true);
  });

  it('is 1280×800, at least 1024×700', () => {
    expect(WINDOW_SIZE).toEqual({ width: 1280, height: 800, minWidth: 1024, minHeight: 700 });
  });

  it('opens no windows and grants no permission', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
    expect(permissionDecision()).toBe(false);
  });
});

describe('navigation', () => {
  it('stays within app://baken/', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(allowNavigation('app://baken/index.html#/incident/1')).toBe(true);
    expect(allowNavigation('app://baken/')).toBe(true);
  });

  it.each([
    'https://example.org/', 'http://baken/', 'file:///etc/passwd', 'app://evil/index.html', 'app://baken.evil/', 'app://user@baken/', 'app://baken:8080/',
    'javascript:alert(1)', 'data:text/html,<script>1</script>', 'about:blank', 'devtools://devtools/', 'chrome://settings', 'not a url', '',
  ])('refuses %s', (url) => {
    expect(allowNavigation(url)).toBe(false);
  });

  it('refuses what is not a string', () => {
    expect(isAppUrl(undefined)).toBe(false);
    expect(isAppUrl({ toString: () => APP_ENTRY_URL })).toBe(false);
  });
});

describe('the IPC sender check', () => {
  const main = { url: 'app://baken/index.html', parent: null };

  it('accepts the window\'s own main frame showing Baken', () => {
    expect(isTrustedSender(main, main)).toBe(true);
  });

  it('refuses a subframe, another frame, a foreign page, or no frame', () => {
    expect(isTrustedSender({ url: 'app://baken/index.html', parent: main }, main)).toBe(false);
    expect(isTrustedSender({ url: 'app://baken/index.html', parent: null }, main)).toBe(false);
    const navigatedAway = { url: 'https://example.org/', parent: null };
    expect(isTrustedSender(navigatedAway, navigatedAway)).toBe(false);
    const subframeAsMain = { url: 'app://baken/index.html', parent: {} };
    expect(isTrustedSender(subframeAsMain, subframeAsMain)).toBe(false);
    expect(isTrustedSender(null, main)).toBe(false);
    expect(isTrustedSender(main, null)).toBe(false);
  });
});

describe('app:// files', () => {
  const root = resolve('/srv/dist/renderer');

  it('map to files under the renderer folder; / is the entry page', () => {
    expect(appFilePath('app://baken/', root)).toBe(join(root, 'index.html'));
    expect(appFilePath('app://baken/index.html', root)).toBe(join(root, 'index.html'));
    expect(appFilePath('app://baken/assets/index-abc.js?v=1#x', root)).toBe(join(root, 'assets', 'index-abc.js'));
    expect(appFilePath('app://baken/fonts/Noto%20Sans.woff2', root)).toBe(join(root, 'fonts', 'Noto Sans.woff2'));
  });

  it.each(['app://baken/../../etc/passwd', 'app://baken/%2e%2e/%2e%2e/etc/passwd', 'app://baken/assets/../../../x'])(
    'keep %s inside the folder (the URL parser resolves dot segments first)',
    (url) => {
      expect(appFilePath(url, root)?.startsWith(root + sep)).toBe(true);
    },
  );

  it.each([
    'app://baken/assets/..%2f..%2fsecret', 'app://baken/a%5c..%5c..%5csecret', 'app://baken/a%5csecret', 'app://baken/x%00.html', 'app://baken/%E0%A4%A',
    'app://other/index.html', 'https://baken/index.html', 'file:///srv/dist/renderer/index.html',
  ])('refuse %s', (url) => {
    expect(appFilePath(url, root)).toBeNull();
  });
});

describe('the application menu', () => {
  const roles = (template: ReturnType<typeof menuTemplate>): unknown[] =>
    template.flatMap((item) => [item.role ?? item.label, ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])]).filter((r) => r !== undefined);

  it('has the standard menus, the app menu only on macOS', () => {
    const about = () => {};
    expect(menuTemplate({ isMac: true, isDev: false, about }).map((i) => i.role ?? i.label)).toEqual(['appMenu', 'fileMenu', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(menuTemplate({ isMac: false, isDev: false, about }).map((i) => i.role ?? i.label)).toEqual(['fileMenu', 'editMenu', 'View', 'windowMenu', 'help']);
  });

  it('offers reload and the developer tools only when running from source', () => {
    const about = () => {};
    expect(roles(menuTemplate({ isMac: false, isDev: false, about }))).not.toEqual(expect.arrayContaining(['toggleDevTools']));
    expect(roles(menuTemplate({ isMac: false, isDev: false, about }))).not.toContain('reload');
    expect(roles(menuTemplate({ isMac: false, isDev: true, about }))).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']));
  });
});
