import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { BakenError } from '../../../shared/contract/errors.js';
import type { SkippedAddressView } from '../../../shared/contract/sync.js';

/**
 * Accepts what people type for a peer: a multiaddr (/ip4/10.0.0.5/tcp/4100), host:port, or
 * [ipv6]:port. Returns a TCP multiaddr this version can dial; anything else is a clear error.
 */
export function parsePeerAddress(input: string): Multiaddr {
  const text = input.trim();
  if (text.startsWith('/')) {
    let addr: Multiaddr;
    try {
      addr = multiaddr(text);
    } catch (error) {
      throw new BakenError('invalid-input', `address ${JSON.stringify(text)} is not a valid multiaddr (${(error as Error).message})`);
    }
    const problem = dialProblem(addr);
    if (problem) throw new BakenError('invalid-input', `address ${JSON.stringify(text)} cannot be dialled: ${problem}`);
    return addr;
  }
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:\s/]+):(\d{1,5})$/.exec(text);
  if (!match) throw new BakenError('invalid-input', `address ${JSON.stringify(text)} must be host:port or a multiaddr like /ip4/192.168.1.20/tcp/4100`);
  const [, host, portText] = match;
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new BakenError('invalid-input', `port ${portText} must be 1 to 65535`);
  const family = host!.includes(':') ? 'ip6' : /^\d{1,3}(\.\d{1,3}){3}$/.test(host!) ? 'ip4' : 'dns';
  if (family === 'ip4' && host!.split('.').some((p) => Number(p) > 255)) throw new BakenError('invalid-input', `${host} is not an IPv4 address`);
  try {
    return multiaddr(`/${family}/${host}/tcp/${port}`);
  } catch (error) {
    throw new BakenError('invalid-input', `address ${JSON.stringify(text)} is not valid (${(error as Error).message})`);
  }
}

/**
 * Where to listen, as people type it: host:port (0.0.0.0:4100, 127.0.0.1:0, [::]:4100), a port
 * alone (every IPv4 address of this machine), or a multiaddr. Port 0 takes any free port. Returns
 * the multiaddr libp2p listens on; a name (rather than an address of this machine) is refused,
 * since what a name resolves to may not be this machine at all.
 */
export function parseListenAddress(input: string): string {
  const text = input.trim();
  if (text.startsWith('/')) {
    let addr: Multiaddr;
    try {
      addr = multiaddr(text);
    } catch (error) {
      throw new BakenError('invalid-input', `listen address ${JSON.stringify(text)} is not a valid multiaddr (${(error as Error).message})`);
    }
    if (!addr.getComponents().some((c) => c.name === 'tcp')) throw new BakenError('invalid-input', `listen address ${JSON.stringify(text)} has no /tcp/ port`);
    return addr.toString();
  }
  const match = /^(?:\[([0-9a-fA-F:.]+)\]:|([^:\s/[\]]*):)?(\d{1,5})$/.exec(text);
  if (!match) throw new BakenError('invalid-input', `listen address ${JSON.stringify(text)} must be HOST:PORT (like 0.0.0.0:4100 or 127.0.0.1:4101), a port, or a multiaddr`);
  const [, ip6, named, portText] = match;
  const port = Number(portText);
  if (port > 65535) throw new BakenError('invalid-input', `port ${portText} must be 0 (any free port) to 65535`);
  const host = ip6 ?? (named === undefined || named === '' ? '0.0.0.0' : named === 'localhost' ? '127.0.0.1' : named);
  const family = ip6 !== undefined ? 'ip6' : /^\d{1,3}(\.\d{1,3}){3}$/.test(host) && host.split('.').every((p) => Number(p) <= 255) ? 'ip4' : null;
  if (family === null) throw new BakenError('invalid-input', `listen address ${JSON.stringify(text)}: ${JSON.stringify(host)} is not an IP address; listen on an address of this machine, or 0.0.0.0 for all of them`);
  try {
    return multiaddr(`/${family}/${host}/tcp/${port}`).toString();
  } catch (error) {
    throw new BakenError('invalid-input', `listen address ${JSON.stringify(text)} is not valid (${(error as Error).message})`);
  }
}

/**
 * Splits an invite's addresses into the ones this version can dial (as multiaddrs, as peer.list
 * shows them) and the ones it cannot. A newer Baken may put other transports (QUIC, WebTransport)
 * into its invites, and teams mix versions: such an address is skipped, never a reason to refuse
 * the invite. Never throws.
 */
export function sortInviteAddresses(addresses: readonly string[]): { dialable: string[]; skipped: SkippedAddressView[] } {
  const dialable: string[] = [];
  const skipped: SkippedAddressView[] = [];
  for (const address of addresses) {
    let addr: Multiaddr;
    try {
      addr = multiaddr(address);
    } catch (error) {
      skipped.push({ address, problem: `it is not a multiaddr this version knows (${firstLine(error)})` });
      continue;
    }
    const problem = dialProblem(addr);
    if (problem) skipped.push({ address, problem });
    else dialable.push(addr.toString());
  }
  return { dialable, skipped };
}

const HOSTS = new Set(['ip4', 'ip6', 'dns', 'dns4', 'dns6', 'dnsaddr']);

/**
 * Why this version cannot dial `addr`, or null. Its only transport is @libp2p/tcp, whose dial filter
 * takes exactly an IP address or DNS name, /tcp/PORT and at most a /p2p/ peer id: anything stacked
 * on top (/ws, /tls, /p2p-circuit) or another transport (/udp/…/quic-v1) is never dialled, and
 * storing it would leave a peer that fails forever without saying why.
 */
function dialProblem(addr: Multiaddr): string | null {
  const names = addr.getComponents().map((c) => c.name);
  const plainTcp = 'this version of Baken dials plain TCP only (like /ip4/192.168.1.20/tcp/4100)';
  const tcpAt = names.indexOf('tcp');
  if (tcpAt === -1) return `it is not a TCP address; ${plainTcp}`;
  const host = names.slice(0, tcpAt);
  const hostOk = (host.length === 1 && HOSTS.has(host[0]!)) || (host.length === 2 && host[0] === 'ip6zone' && host[1] === 'ip6');
  if (!hostOk) return `it does not start with an IP address or a name before /tcp/; ${plainTcp}`;
  const rest = names.slice(tcpAt + 1);
  if (rest.length === 0 || (rest.length === 1 && rest[0] === 'p2p')) return null;
  const extra = rest.filter((n) => n !== 'p2p');
  return `it adds /${(extra.length > 0 ? extra : rest).join('/')} after the TCP port; ${plainTcp}`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
