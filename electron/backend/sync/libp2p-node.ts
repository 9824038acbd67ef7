import '../polyfills.js';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { identify } from '@libp2p/identify';
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { mdns } from '@libp2p/mdns';
import { ping } from '@libp2p/ping';
import { preSharedKey } from '@libp2p/pnet';
import { tcp } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import { inboundHandshakeBudget } from './inbound-guard.js';
import { applyXsalsa20MemoryFix } from './xsalsa20-memory-fix.js';

applyXsalsa20MemoryFix();

/**
 * What a node admits from the network before a connection has shown it holds the team key. The
 * numbers and their reasons are in docs/PROTOCOL.md, section 1 ("Strangers on the LAN").
 */
export const INBOUND_LIMITS = {
  /** A Baken dialler gives up after this long itself, so waiting longer for a handshake only serves a stalling stranger. */
  upgradeTimeoutMs: 6000,
  /** Unfinished inbound connections for the whole node: room for a whole team reconnecting at once. */
  maxPending: 64,
  /** Unfinished inbound connections from one address: one laptop needs one, two when it dials twice. */
  maxPendingPerAddress: 4,
  /** New inbound connections one address may open per second (libp2p's fixed one-second window). */
  perAddressPerSecond: 5,
  /** Upgraded connections (teammates only): far above a team, so libp2p never prunes a teammate's link. */
  maxConnections: 300,
} as const;

/** The libp2p host Baken runs: TCP, Noise, Yamux, the team key as pre-shared key, identify, ping, optional mDNS. */
export async function createBakenLibp2p(options: { deviceSeed: Uint8Array; psk: Uint8Array; listen: string[]; mdns: boolean }): Promise<Libp2p> {
  return createLibp2p({
    privateKey: await generateKeyPairFromSeed('Ed25519', options.deviceSeed),
    addresses: { listen: options.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionProtector: preSharedKey({ psk: options.psk }),
    // mDNS as a service, not only as peer discovery: libp2p emits peer:discovery once per peer per
    // process, but the service's own 'peer' event fires on every announcement heard, which is what a
    // node needs to find a peer again after the connection dropped (see node.ts).
    services: { identify: identify(), ping: ping(), ...(options.mdns ? { mdns: mdns({ interval: 2000 }) } : {}) },
    connectionManager: {
      dialTimeout: 6000,
      inboundUpgradeTimeout: INBOUND_LIMITS.upgradeTimeoutMs,
      maxIncomingPendingConnections: INBOUND_LIMITS.maxPending,
      inboundConnectionThreshold: INBOUND_LIMITS.perAddressPerSecond,
      maxConnections: INBOUND_LIMITS.maxConnections,
    },
    connectionGater: inboundHandshakeBudget(INBOUND_LIMITS.maxPendingPerAddress),
    // Started by the sync node's start(), so a failure there (a port in use) is cleaned up by its caller.
    start: false,
  });
}

/** The Ed25519 public key a peer id stands for, as our author hex; null for other key types. */
export function authorOfPeer(peer: PeerId): string | null {
  if (peer.type !== 'Ed25519' || !peer.publicKey) return null;
  return Buffer.from(peer.publicKey.raw).toString('hex');
}

export type { Connection, Libp2p, Stream };
