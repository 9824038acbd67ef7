import type { Connection, Libp2p } from '@libp2p/interface';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { Clock } from '../clock.js';
import type { KnownPeers } from '../store/peers.js';

export const UNREACHABLE = 'not reachable, or not in this team';
const MAX_BACKOFF_MS = 60_000;
const DIAL_TIMEOUT_MS = 6000;

interface DialState {
  attempts: number;
  nextAt: number;
  dialing: boolean;
}

/**
 * Keeps this device connected to its teammates: redials known peers that are not connected, and
 * dials peers mDNS hears on the LAN, each with exponential backoff (with jitter for known peers, so
 * a room full of laptops coming back does not dial in lockstep). A dial that fails is recorded on
 * the known peer in plain words for `status`.
 */
export function createDialer({ node, knownPeers, clock, log }: { node: Libp2p; knownPeers: KnownPeers; clock: Clock; log: (line: string) => void }) {
  const states = new Map<string, DialState>();
  const addressOfPeer = new Map<string, string>();
  const connectedPeers = () => new Set(node.getConnections().map((c) => c.remotePeer.toString()));
  const backoff = (attempts: number) => Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 6));

  /** Dials unless already dialling or still backing off; the state is kept under `key`. */
  const attempt = (key: string, target: Multiaddr | Multiaddr[], onConnected: (connection: Connection) => void, onFailed: (error: Error, delayMs: number) => void, jitter: boolean) => {
    const state = states.get(key) ?? { attempts: 0, nextAt: 0, dialing: false };
    states.set(key, state);
    if (state.dialing || clock.now() < state.nextAt) return;
    state.dialing = true;
    node
      .dial(target, { signal: clock.abortAfter(DIAL_TIMEOUT_MS) })
      .then((connection: Connection) => {
        state.attempts = 0;
        onConnected(connection);
      })
      .catch((error: Error) => {
        state.attempts++;
        const delay = backoff(state.attempts);
        state.nextAt = clock.now() + (jitter ? delay * (0.8 + Math.random() * 0.4) : delay);
        onFailed(error, delay);
      })
      .finally(() => {
        state.dialing = false;
      });
  };

  return {
    /** Dials every known peer that is not connected (and not backing off). */
    redial(): void {
      const connected = connectedPeers();
      for (const known of knownPeers.list()) {
        if (known.peerId && connected.has(known.peerId)) continue;
        attempt(
          known.address,
          multiaddr(known.address),
          (connection) => {
            addressOfPeer.set(connection.remotePeer.toString(), known.address);
            knownPeers.markConnected(known.address, connection.remotePeer.toString());
          },
          (error, delay) => {
            knownPeers.markFailed(known.address, UNREACHABLE);
            log(`dial ${known.address}: ${UNREACHABLE} (${error.name}); retry in ${Math.round(delay / 1000)} s`);
          },
          true,
        );
      }
    },

    /**
     * A peer announced itself on the LAN (mDNS calls this for every announcement, every few seconds):
     * dial it unless connected, dialling or backing off after a failed dial (another team's laptop).
     */
    discovered(peer: string, addresses: readonly Multiaddr[]): void {
      if (connectedPeers().has(peer) || addresses.length === 0) return;
      attempt(
        `mdns:${peer}`,
        addresses.map((a) => a.encapsulate(`/p2p/${peer}`)),
        () => {},
        (error) => log(`discovered peer ${peer.slice(-8)}: ${UNREACHABLE} (${error.name})`),
        false,
      );
    },

    /** Forgets an address's backoff, so a peer added by hand is dialled at once. */
    reset(address: string): void {
      states.delete(address);
    },

    /** The address a connected peer was dialled at, if this device dialled it. */
    addressOf(peer: string): string | undefined {
      return addressOfPeer.get(peer);
    },
  };
}
