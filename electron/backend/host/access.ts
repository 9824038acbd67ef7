import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to the headless host. It listens on 127.0.0.1 only, but every program and every web
 * page open on this computer can reach 127.0.0.1: the token keeps out other local programs and pages
 * (they cannot read the address printed in the terminal), the Host check keeps out a foreign site
 * that points its own name at 127.0.0.1 (DNS rebinding), and the Origin check keeps out pages of
 * other origins, which browsers let open WebSockets anywhere.
 */

/** 32 random bytes, URL-safe: the secret in the printed address. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Exactly one token parameter, equal to ours. Both sides are hashed first so the comparison takes the
 * same time whatever is sent (timingSafeEqual needs equal lengths, and a length leak is a leak).
 */
export function tokenMatches(given: readonly string[], token: string): boolean {
  if (given.length !== 1) return false;
  return timingSafeEqual(digest(given[0]!), digest(token));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The Host header a browser sends for the printed address, and only that (no `localhost`, no other name). */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  return req.headers.host === `127.0.0.1:${port}`;
}

/** The page's own origin; a WebSocket without an Origin is no page of ours either. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  return req.headers.origin === `http://127.0.0.1:${port}`;
}

/**
 * A request target split by hand, not through `new URL`: a target such as `//other/x` would be read
 * as another host there. The path is kept undecoded, so `%2e%2e` and `%2f` stay visible and are refused.
 */
export function splitTarget(target: string | undefined): { path: string; query: URLSearchParams } | null {
  if (!target || !target.startsWith('/')) return null;
  const at = target.indexOf('?');
  const path = at === -1 ? target : target.slice(0, at);
  return { path, query: new URLSearchParams(at === -1 ? '' : target.slice(at + 1)) };
}
