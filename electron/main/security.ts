import { mediaTypeOf } from '../../shared/media-types.js';
import { resolve, sep } from 'node:path';

/**
 * The shell's security decisions as plain functions: no `electron` import, so they run (and are
 * tested) in plain Node. main.ts and ipc.ts only wire them to Electron's events.
 *
 * The window loads its page from a privileged custom protocol, `app://baken/`, not from file://:
 * the page then has a real origin, so the CSP's 'self' means "Baken's own files" and nothing else
 * (under file:// 'self' is every local file, and Vite's `type="module" crossorigin` scripts do
 * not load from file:// at all), and the protocol handler serves only files under the renderer's
 * folder.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'baken';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Everything from Baken's own origin, nothing from anywhere else: no remote origins, no inline or
 * eval'd script, no plugins, no frames, no forms posted anywhere. `data:`/`blob:` images are for
 * previews made in the page (QR codes, PDF pages). React's `style` props set styles through the
 * CSSOM, which CSP does not block, so styles need no 'unsafe-inline' either.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "child-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');

/** The privileges of the app:// scheme, registered before the app is ready. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, codeCache: true } as const;

/** The window's webPreferences: an isolated, sandboxed page with no Node, only the preload's bridge. */
export function windowWebPreferences(preload: string, options: { devTools: boolean }) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: options.devTools,
  } as const;
}

/** The window's size: 1280×800, never smaller than 1024×700. */
export const WINDOW_SIZE = { width: 1280, height: 800, minWidth: 1024, minHeight: 700 } as const;

/** True only for a URL of Baken's own page (app://baken/…); anything that does not parse is not. */
export function isAppUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '' && parsed.port === '';
}

/** Whether a navigation (a link, a form, location = …, a redirect) may go ahead: only within the app's own pages. */
export function allowNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** What `setWindowOpenHandler` answers: always deny; Baken opens no windows and no links from the page. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/** Permission requests and checks (camera, notifications, geolocation, clipboard, HID, …): always refused. */
export function permissionDecision(): false {
  return false;
}

/** The little of an Electron frame the sender check looks at. */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * Whether an IPC message may be answered: it must come from the window's own main frame (not a
 * subframe, not another window), and that frame must show Baken's own page.
 */
export function isTrustedSender(frame: FrameLike | null | undefined, mainFrame: FrameLike | null | undefined): boolean {
  if (!frame || !mainFrame) return false;
  if (frame !== mainFrame) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

export const mimeType = mediaTypeOf;

/**
 * The file an app:// request may read: a file under `root`, or null (another host, a path that
 * climbs out of the folder, encoded separators or NUL). `/` is the entry page.
 */
export function appFilePath(url: string, root: string): string | null {
  if (!isAppUrl(url)) return null;
  const { pathname } = new URL(url);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || /%2f|%5c/i.test(pathname)) return null;
  const relativePath = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relativePath.split('/').some((part) => part === '..')) return null;
  const base = resolve(root);
  const file = resolve(base, relativePath);
  return file.startsWith(base + sep) ? file : null;
}

/** The headers every app:// response carries: its type, the CSP, and no sniffing. */
export function appResponseHeaders(file: string): Record<string, string> {
  return {
    'content-type': mimeType(file),
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  };
}
