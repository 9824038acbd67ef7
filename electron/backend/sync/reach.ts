import { readFileSync } from 'node:fs';
import type { NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { writeFileAtomic } from '../files/atomic-write.js';

/** Where the last node on this data directory listened, so an invite made while none runs names its port. */
export const LAST_LISTEN_FILE = 'last-listen.json';

/** One place a node listens: an IP address, or a wildcard (0.0.0.0, ::) for all of them, and a real TCP port. */
export interface ListenPoint {
  family: 4 | 6;
  host: string;
  port: number;
}

/** What `os.networkInterfaces()` returns. */
export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

export interface Reach {
  /** Multiaddrs a teammate on the LAN can dial. */
  addresses: string[];
  ports: number[];
  /** Why `addresses` is empty: nothing but loopback is listened on, or this machine has no LAN address at all. */
  problem: 'loopback-only' | 'no-lan-address' | null;
}

/**
 * The places a node listens, from its listen multiaddrs: `configured` as it was told (a wildcard, or
 * port 0 for any free port) and `actual` as libp2p reports them once listening, which gives the real
 * port. Addresses that are not TCP over IP are left out.
 */
export function listenPoints(configured: readonly string[], actual: readonly string[]): ListenPoint[] {
  const real = actual.map(pointOf).filter((p): p is ListenPoint => p !== null);
  const points: ListenPoint[] = [];
  for (const text of configured) {
    const point = pointOf(text);
    if (!point) continue;
    if (point.port === 0) {
      const bound = real.find((r) => r.family === point.family && (isWildcard(point.host) || r.host === point.host));
      if (!bound) continue;
      point.port = bound.port;
    }
    if (!points.some((p) => p.family === point.family && p.host === point.host && p.port === point.port)) points.push(point);
  }
  return points;
}

/**
 * Where teammates can reach a node listening at `points`: every address but loopback, a wildcard
 * standing for this machine's LAN addresses of its family (as libp2p expands it; link-local ones are
 * left out, as they are useless without an interface name).
 */
export function reachableAddresses(points: readonly ListenPoint[], interfaces: Interfaces): Reach {
  const lan = lanAddresses(interfaces);
  const addresses: string[] = [];
  const add = (family: 4 | 6, host: string, port: number) => {
    const address = `/ip${family}/${host}/tcp/${port}`;
    if (!addresses.includes(address)) addresses.push(address);
  };
  for (const point of points) {
    if (isWildcard(point.host)) for (const ip of lan.filter((l) => l.family === point.family)) add(point.family, ip.host, point.port);
    else if (!isLoopback(point.host)) add(point.family, point.host, point.port);
  }
  const ports = [...new Set(points.map((p) => p.port))];
  if (addresses.length > 0) return { addresses, ports, problem: null };
  return { addresses, ports, problem: lan.length === 0 ? 'no-lan-address' : 'loopback-only' };
}

/** Remembers where a node listens (once it does), for invites made after it stopped. */
export function rememberListen(dataDir: string, points: readonly ListenPoint[], now: number): void {
  const text = `${JSON.stringify({ listen: points, at: new Date(now).toISOString() }, null, 2)}\n`;
  writeFileAtomic(join(dataDir, LAST_LISTEN_FILE), text, { doing: 'remembering where the sync node listens', mode: 0o644 });
}

/** Where the last node on this data directory listened; null when none has, or the file is not one Baken wrote. */
export function lastListen(dataDir: string): ListenPoint[] | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(dataDir, LAST_LISTEN_FILE), 'utf8'));
  } catch {
    return null;
  }
  const listen = (value as { listen?: unknown } | null)?.listen;
  if (!Array.isArray(listen) || listen.length === 0 || !listen.every(isListenPoint)) return null;
  return listen.map(({ family, host, port }) => ({ family, host, port }));
}

function isListenPoint(value: unknown): value is ListenPoint {
  const p = value as Partial<ListenPoint> | null;
  return (
    typeof p === 'object' && p !== null && (p.family === 4 || p.family === 6) && typeof p.host === 'string' &&
    Number.isInteger(p.port) && p.port! >= 1 && p.port! <= 65535 && pointOf(`/ip${p.family}/${p.host}/tcp/${p.port}`) !== null
  );
}

function pointOf(text: string): ListenPoint | null {
  try {
    const components = multiaddr(text.replace(/\/p2p\/[^/]*$/, '')).getComponents();
    const [ip, tcp] = components;
    if (components.length !== 2 || !ip || !tcp || tcp.name !== 'tcp' || (ip.name !== 'ip4' && ip.name !== 'ip6') || ip.value === undefined) return null;
    return { family: ip.name === 'ip4' ? 4 : 6, host: ip.value, port: Number(tcp.value) };
  } catch {
    return null;
  }
}

function lanAddresses(interfaces: Interfaces): { family: 4 | 6; host: string }[] {
  const out: { family: 4 | 6; host: string }[] = [];
  for (const list of Object.values(interfaces)) {
    for (const iface of list ?? []) {
      if (iface.internal || iface.address.startsWith('169.254.') || /^fe80:/i.test(iface.address)) continue;
      out.push({ family: iface.family === 'IPv4' ? 4 : 6, host: iface.address });
    }
  }
  return out;
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::';
const isLoopback = (host: string) => host.startsWith('127.') || host === '::1';
