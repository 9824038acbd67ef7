import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import type { Clock } from '../clock.js';
import type { SyncHub } from './hub.js';
import { authorOfPeer } from './libp2p-node.js';
import { SYNC_PROTOCOL, type Limits, type ProtocolError } from './protocol.js';
import { runStreamLink } from './stream-link.js';

const STRIKES_TO_BAN = 3;
const BAN_MS = 10 * 60_000;

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

  const banned = (peer: string) => (strikes.get(peer)?.bannedUntil ?? 0) > clock.now();

  const run = (stream: Stream, connection: Connection) => {
    const peer = connection.remotePeer.toString();
    const device = authorOfPeer(connection.remotePeer);
    if (!device || banned(peer)) {
      stream.abort(new Error(device ? 'peer is temporarily refused after protocol violations' : 'peer has no Ed25519 identity'));
      return;
    }
    streams.add(stream);
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
      .catch((error: Error) => options.log?.(`sync stream with ${peer.slice(-8)} ended: ${error.message}`))
      .finally(() => streams.delete(stream));
  };

  const onConnection = (event: CustomEvent<Connection>) => {
    const connection = event.detail;
    if (!running || connection.direction !== 'outbound') return;
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
      node.removeEventListener('connection:open', onConnection);
      await node.unhandle(SYNC_PROTOCOL);
      for (const stream of streams) stream.abort(new Error('node stopping'));
      hub.closeAll();
    },
  };
}
