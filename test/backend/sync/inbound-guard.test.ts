import type { MultiaddrConnection, PeerId } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { inboundHandshakeBudget } from '../../../electron/backend/sync/inbound-guard.js';

/** Just what the gater reads of a connection: where it comes from, and its close event. */
function connectionFrom(address: string) {
  const target = new EventTarget();
  const connection = Object.assign(target, { remoteAddr: multiaddr(address) }) as unknown as MultiaddrConnection;
  return { connection, close: () => target.dispatchEvent(new Event('close')) };
}

const peer = {} as PeerId;

describe('the per-address handshake budget', () => {
  it('refuses an address its fifth unfinished handshake, not another address its first', async () => {
    const gate = inboundHandshakeBudget(4);
    for (let port = 1; port <= 4; port++) expect(await gate.denyInboundConnection!(connectionFrom(`/ip4/10.0.0.9/tcp/${port}`).connection)).toBe(false);
    expect(await gate.denyInboundConnection!(connectionFrom('/ip4/10.0.0.9/tcp/5').connection)).toBe(true);
    expect(await gate.denyInboundConnection!(connectionFrom('/ip4/10.0.0.7/tcp/1').connection)).toBe(false);
    expect(gate.pending('10.0.0.9')).toBe(4);
  });

  it('gives the slot back once, when the handshake finishes or the connection closes, whichever comes first', async () => {
    const gate = inboundHandshakeBudget(2);
    const upgraded = connectionFrom('/ip4/10.0.0.9/tcp/1');
    const dropped = connectionFrom('/ip4/10.0.0.9/tcp/2');
    await gate.denyInboundConnection!(upgraded.connection);
    await gate.denyInboundConnection!(dropped.connection);
    expect(gate.pending('10.0.0.9')).toBe(2);
    expect(await gate.denyInboundUpgradedConnection!(peer, upgraded.connection)).toBe(false);
    upgraded.close(); // the upgraded connection ending later must not free a second slot
    expect(gate.pending('10.0.0.9')).toBe(1);
    dropped.close();
    expect(gate.pending('10.0.0.9')).toBe(0);
    // A refused connection closes too, and held no slot.
    await gate.denyInboundConnection!(connectionFrom('/ip4/10.0.0.9/tcp/3').connection);
    await gate.denyInboundConnection!(connectionFrom('/ip4/10.0.0.9/tcp/4').connection);
    const refused = connectionFrom('/ip4/10.0.0.9/tcp/5');
    expect(await gate.denyInboundConnection!(refused.connection)).toBe(true);
    refused.close();
    expect(gate.pending('10.0.0.9')).toBe(2);
  });

  it('counts an IPv4 address arriving through a dual-stack socket as that IPv4 address', async () => {
    const gate = inboundHandshakeBudget(1);
    await gate.denyInboundConnection!(connectionFrom('/ip4/192.168.1.20/tcp/1').connection);
    expect(await gate.denyInboundConnection!(connectionFrom('/ip6/::ffff:192.168.1.20/tcp/2').connection)).toBe(true);
    expect(await gate.denyInboundConnection!(connectionFrom('/ip6/fe80::1/tcp/2').connection)).toBe(false);
    expect(await gate.denyInboundConnection!(connectionFrom('/ip6/FE80::1/tcp/3').connection)).toBe(true);
  });

  it('leaves connections without an IP address (a unix socket) to libp2p\'s own limits', async () => {
    const gate = inboundHandshakeBudget(1);
    for (let i = 0; i < 3; i++) expect(await gate.denyInboundConnection!(connectionFrom('/unix/%2Ftmp%2Fbaken.sock').connection)).toBe(false);
  });
});
