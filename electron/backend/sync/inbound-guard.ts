import type { ConnectionGater, MultiaddrConnection } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';

/**
 * A connection gater that lets one remote address have at most `perAddress` inbound connections in
 * the handshake at a time. libp2p caps unfinished inbound connections for the whole node only, so
 * without this a stranger with one address and no team key could hold every slot with idle sockets
 * and lock out the whole team. A connection stops counting once it is upgraded (it then holds the
 * team key) or closed (refused, timed out, or hung up).
 */
export function inboundHandshakeBudget(perAddress: number): ConnectionGater & { pending(host: string): number } {
  const pending = new Map<string, number>();
  const counted = new Map<MultiaddrConnection, string>();

  const release = (connection: MultiaddrConnection) => {
    const host = counted.get(connection);
    if (host === undefined) return;
    counted.delete(connection);
    const left = (pending.get(host) ?? 1) - 1;
    if (left > 0) pending.set(host, left);
    else pending.delete(host);
  };

  return {
    denyInboundConnection(connection) {
      const host = hostOf(connection.remoteAddr);
      // Only IP transports reach here today; anything else has no address to budget by.
      if (host === null) return false;
      const held = pending.get(host) ?? 0;
      if (held >= perAddress) return true;
      pending.set(host, held + 1);
      counted.set(connection, host);
      connection.addEventListener('close', () => release(connection), { once: true });
      return false;
    },
    denyInboundUpgradedConnection(_peer, connection) {
      release(connection);
      return false;
    },
    pending: (host) => pending.get(host) ?? 0,
  };
}

/**
 * The remote IP of a connection. An IPv4 peer reaching a dual-stack socket shows up as
 * ::ffff:192.168.1.20, which multiaddr writes ::ffff:c0a8:114: counted as its IPv4 address, so it
 * cannot get a second budget by arriving both ways.
 */
function hostOf(address: Multiaddr): string | null {
  const ip = address.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')?.value?.toLowerCase();
  if (ip === undefined) return null;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return ip;
}
