import { mediaTypeOf } from '../../../shared/media-types.js';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * The renderer's files as the headless host serves them: the Vite build (`index.html` and
 * `assets/…`), nothing else of the disk. Every answer carries the same security headers.
 */

/** What every response says: only this host's own scripts, styles and WebSocket; never framed; no referrer (the address holds the token). */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy':
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port}; ` +
      `frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

export const contentType = mediaTypeOf;

/** A short plain-text answer: refusals and problems, in words a person reads in the browser. */
export function plain(res: ServerResponse, status: number, message: string, headers: Record<string, string>): void {
  const body = Buffer.from(`${message}\n`, 'utf8');
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

export const NOT_BUILT = 'the window is not built: run npm run build';

/** index.html, read on every request so a rebuild shows on reload; never cached, as the address carries the token. */
export async function serveIndex(res: ServerResponse, rendererDir: string, headers: Record<string, string>): Promise<void> {
  let body: Buffer;
  try {
    body = await readFile(join(rendererDir, 'index.html'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return plain(res, 503, NOT_BUILT, headers);
    throw error;
  }
  res.writeHead(200, { ...headers, 'Content-Type': mediaTypeOf('index.html'), 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * One segment of an asset path: letters, digits, `.`, `_`, `-`, not starting with a dot. That leaves
 * out `..`, hidden files, backslashes, NUL and every `%`, so no encoded slash or dot gets through.
 */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * A file under `assets/`, for `/assets/a/b.js` (path as requested, undecoded). The path is checked by
 * its segments first, then resolved with symlinks followed and checked to lie inside the renderer's
 * folder still; anything else is not found (the host does not say why a path was refused).
 */
export async function serveAsset(res: ServerResponse, rendererDir: string, path: string, headers: Record<string, string>): Promise<void> {
  const file = await assetFile(rendererDir, path);
  if (!file) return plain(res, 404, 'not found', headers);
  res.writeHead(200, { ...headers, 'Content-Type': contentType(file.path), 'Content-Length': file.size, 'Cache-Control': 'no-cache' });
  if (res.req.method === 'HEAD') return void res.end();
  await pipeline(createReadStream(file.path), res);
}

export async function assetFile(rendererDir: string, path: string): Promise<{ path: string; size: number } | null> {
  const segments = path.split('/').slice(1);
  if (segments[0] !== 'assets' || segments.length < 2 || !segments.every((s) => SEGMENT.test(s))) return null;
  try {
    const root = await realpath(rendererDir);
    const real = await realpath(join(root, ...segments));
    if (!real.startsWith(join(root, 'assets') + sep)) return null;
    const info = await stat(real);
    return info.isFile() ? { path: real, size: info.size } : null;
  } catch {
    return null;
  }
}
