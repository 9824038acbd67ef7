import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { BakenError } from '../../../shared/contract/errors.js';

/**
 * Accepts what people type for a peer: a multiaddr (/ip4/10.0.0.5/tcp/4100), host:port, or
 * [ipv6]:port. Returns a TCP multiaddr; anything else is a clear error.
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
    if (!addr.getComponents().some((c) => c.name === 'tcp')) throw new BakenError('invalid-input', `address ${JSON.stringify(text)} has no /tcp/ port`);
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
