import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import type { Clock } from '../clock.js';
import type { SyncHub } from './hub.js';
import { authorOfPeer } from './libp2p-node.js';
import { SYNC_PROTOCOL, type Limits, type ProtocolError } from './protocol.js';
import { runStreamLink } from './stream-link.js';

const STRIKES_TO_BAN = 3;
const BAN_MS = 10 * 60_000;
/** The first wait before a new conversation on a connection whose last one ended; it doubles after each quick failure. */
const AGAIN_FIRST_MS = 2000;
const AGAIN_MAX_MS = 60_000;
/** A conversation that lasted this long was no quick failure: the next wait starts from the first again. */
const LASTED_MS = 60_000;

/**
 * The /baken/sync/1.0.0 protocol as a libp2p service: registered in start(), unregistered in
 * stop(). The dialling side of each connection opens one sync stream; both sides then run the same
 * session. Peers that keep breaking the protocol are disconnected for a while.
 */
export function createSyncService(options: { node: Libp2p; hub: SyncHub; clock: Clock; limits?: Partial<Limits>; log?: (line: string) => void }) {
  const { node, hub, clock } = options;
  const strikes = new Map<string, { count: number; bannedUntil: number }>();
  const streams = new Set<Stream>();
  const traffic = { sent: 0, received: 0 };
  let running = false;
  /** Per peer: quick failures in a row, and the timer of the next conversation. */
  const again = new Map<string, { failures: number; cancel: () => void }>();

  const banned = (peer: string) => (strikes.get(peer)?.bannedUntil ?? 0) > clock.now();

  const run = (stream: Stream, connection: Connection) => {
    const peer = connection.remotePeer.toString();
    const device = authorOfPeer(connection.remotePeer);
    if (!device || banned(peer)) {
      stream.abort(new Error(device ? 'peer is temporarily refused after protocol violations' : 'peer has no Ed25519 identity'));
      return;
    }
    streams.add(stream);
    const startedAt = clock.now();
    void runStreamLink({
      hub, stream, peer, remoteDevice: device, clock, limits: options.limits,
      onTraffic: (sent, received) => {
        traffic.sent += sent;
        traffic.received += received;
      },
      onViolation: (p, error: ProtocolError) => {
        const record = strikes.get(p) ?? { count: 0, bannedUntil: 0 };
        record.count++;
        options.log?.(`peer ${p.slice(-8)} broke the sync protocol (${error.code}: ${error.message}); strike ${record.count}`);
        if (record.count >= STRIKES_TO_BAN) {
          record.bannedUntil = clock.now() + BAN_MS;
          record.count = 0;
          void node.hangUp(connection.remotePeer).catch(() => {});
        }
        strikes.set(p, record);
      },
      onProblem: (p, problem) => options.log?.(`sync with ${p.slice(-8)} ended: ${problem}`),
    })
      .then(({ againLater }) => {
        if (againLater) talkAgainLater(connection, clock.now() - startedAt >= LASTED_MS);
      })
      .catch((error: Error) => options.log?.(`sync stream with ${peer.slice(-8)} ended: ${error.message}`))
      .finally(() => streams.delete(stream));
  };

  /**
   * A conversation ended while its connection stays up (a timeout, a failed store, the peer's error
   * frame): the dialling side opens a new one after a wait, or the rest of the log and every later
   * entry would wait until the network dropped (Yamux keeps an idle connection alive). A new
   * connection gets its own conversation (onConnection); one that closes needs none.
   */
  const talkAgainLater = (connection: Connection, lasted: boolean) => {
    if (!running || connection.direction !== 'outbound' || connection.status !== 'open') return;
    const peer = connection.remotePeer.toString();
    const previous = again.get(peer);
    previous?.cancel();
    const failures = lasted ? 0 : (previous?.failures ?? 0);
    const waitMs = Math.min(AGAIN_MAX_MS, AGAIN_FIRST_MS * 2 ** Math.min(failures, 5));
    const cancel = clock.after(waitMs, () => {
      if (!running || connection.status !== 'open' || banned(peer)) return;
      options.log?.(`sync with ${peer.slice(-8)} starts again on the same connection`);
      openSession(connection);
    });
    again.set(peer, { failures: failures + 1, cancel });
  };

  const onConnection = (event: CustomEvent<Connection>) => {
    const connection = event.detail;
    if (!running || connection.direction !== 'outbound') return;
    openSession(connection);
  };

  const openSession = (connection: Connection) => {
    void connection
      .newStream(SYNC_PROTOCOL, { signal: clock.abortAfter(10_000) })
      .then((stream) => run(stream, connection))
      .catch((error: Error) => {
        const peer = connection.remotePeer.toString();
        // multistream-select found no protocol in common: the peer runs a Baken from before this protocol.
        const problem = error.name === 'UnsupportedProtocolError' || /protocol selection failed|not supported/i.test(error.message)
          ? `this peer runs an older Baken that does not speak ${SYNC_PROTOCOL}; update Baken on it`
          : `could not open the sync stream (${error.message})`;
        hub.noteProblem(peer, problem);
        options.log?.(`could not open sync with ${peer.slice(-8)}: ${error.message}`);
      });
  };

  return {
    /** Sync frame bytes sent and received since start, length prefixes included. */
    traffic: () => ({ ...traffic }),
    async start() {
      running = true;
      await node.handle(SYNC_PROTOCOL, (stream, connection) => run(stream, connection), { maxInboundStreams: 2, maxOutboundStreams: 2 });
      node.addEventListener('connection:open', onConnection);
      // Connections made before start() (none in practice) still get a session.
      for (const connection of node.getConnections()) onConnection(new CustomEvent('connection:open', { detail: connection }));
    },
    async stop() {
      running = false;
      for (const { cancel } of again.values()) cancel();
      again.clear();
      node.removeEventListener('connection:open', onConnection);
      await node.unhandle(SYNC_PROTOCOL);
      for (const stream of streams) stream.abort(new Error('node stopping'));
      hub.closeAll();
    },
  };
}
