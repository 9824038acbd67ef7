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
