import { nodeCrypto } from '../../support/entries.js';
import type { SignedEntry } from '../../../shared/domain/entry.js';
import { announceIngest } from '../../../electron/backend/ingest-events.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { createSyncHub, type PeerLink, type SyncHub } from '../../../electron/backend/sync/hub.js';
import { decodeMessage, encodeMessage, type Limits, type SyncMessage } from '../../../electron/backend/sync/protocol.js';

export { seededRandom } from '../../support/random.js';

export interface SimPeer {
  name: string;
  backend: TestBackend;
  hub: SyncHub;
}

interface Channel {
  to: PeerLink;
  from: string;
  toName: string;
  queue: SyncMessage[];
}

interface SimLink {
  a: string;
  b: string;
  channels: [Channel, Channel];
}

/**
 * Peers with real SQLite stores joined by in-memory links whose messages are delivered one at a
 * time in a random (seeded) order across links, in order within one direction, as a stream would.
 * Every message goes through the real codec.
 */
export class Simulator {
  readonly peers = new Map<string, SimPeer>();
  private readonly links = new Map<string, SimLink>();
  delivered = 0;
  /** Messages delivered, by type, and the largest frame any of them made (bytes). */
  readonly traffic = { byType: {} as Record<string, number>, largestFrame: 0 };
  /** Sees every message as it is delivered. */
  onDeliver: ((from: string, to: string, message: SyncMessage) => void) | null = null;

  constructor(
    readonly random: () => number,
    private readonly time: { now: number },
    private readonly limits?: Partial<Limits>,
  ) {}

  addPeer(name: string, dataDir: string, skewMs = 0): SimPeer {
    const backend = openTestBackend({ dataDir, create: true, clock: () => this.time.now + skewMs });
    const hub = createSyncHub({ store: backend.store, sha256: nodeCrypto.sha256, now: () => this.time.now + skewMs, limits: this.limits });
    // Wired as the sync node wires it: what the device stores other than from a peer is offered to every peer.
    backend.on('entries.added', ({ entries, source }) => source.type !== 'peer' && hub.offerLocal(entries));
    backend.on('fork.detected', ({ author, source }) => source.type !== 'peer' && hub.offerLocal([], [author]));
    const peer = { name, backend, hub };
    this.peers.set(name, peer);
    return peer;
  }

  private key(a: string, b: string): string {
    return a < b ? `${a}|${b}` : `${b}|${a}`;
  }

  connect(a: string, b: string): void {
    const key = this.key(a, b);
    if (this.links.has(key)) return;
    const pa = this.peers.get(a)!;
    const pb = this.peers.get(b)!;
    const toB: Channel = { to: undefined as unknown as PeerLink, from: a, toName: b, queue: [] };
    const toA: Channel = { to: undefined as unknown as PeerLink, from: b, toName: a, queue: [] };
    // Each side's messages are queued for the other side's link.
    const linkA = pa.hub.open(b, (m) => toB.queue.push(m));
    const linkB = pb.hub.open(a, (m) => toA.queue.push(m));
    toB.to = linkB;
    toA.to = linkA;
    this.links.set(key, { a, b, channels: [toB, toA] });
  }

  disconnect(a: string, b: string): void {
    const link = this.links.get(this.key(a, b));
    if (!link) return;
    for (const channel of link.channels) channel.to.close();
    this.links.delete(this.key(a, b));
  }

  connected(a: string, b: string): boolean {
    return this.links.has(this.key(a, b));
  }

  /** Delivers one message; false when nothing is in flight. */
  step(): boolean {
    const busy = [...this.links.values()].flatMap((l) => l.channels).filter((c) => c.queue.length > 0);
    if (busy.length === 0) return false;
    const channel = busy[Math.floor(this.random() * busy.length)]!;
    const message = channel.queue.shift()!;
    const frame = encodeMessage(message);
    this.traffic.byType[message.type] = (this.traffic.byType[message.type] ?? 0) + 1;
    this.traffic.largestFrame = Math.max(this.traffic.largestFrame, frame.length);
    this.onDeliver?.(channel.from, channel.toName, message);
    channel.to.receive(decodeMessage(frame));
    this.delivered++;
    this.time.now += 1;
    return true;
  }

  runUntilQuiet(maxSteps = 200_000): number {
    let steps = 0;
    while (this.step()) if (++steps > maxSteps) throw new Error('sync did not settle');
    return steps;
  }

  /**
   * A misbehaving peer: whatever it sends goes through the codec to `to`, and what `to` answers is
   * kept in `inbox`. A ProtocolError the victim raises is returned, as the transport would reset.
   */
  rogue(name: string, to: string) {
    const inbox: SyncMessage[] = [];
    const link = this.peers.get(to)!.hub.open(name, (m) => inbox.push(m));
    return {
      inbox,
      send: (message: SyncMessage): Error | null => {
        try {
          link.receive(decodeMessage(encodeMessage(message)));
          return null;
        } catch (error) {
          link.close();
          return error as Error;
        }
      },
    };
  }

  /** Entries reaching a peer some other way (a USB bundle): stored and announced as a bundle import is. */
  importElsewhere(name: string, entries: readonly SignedEntry[]): void {
    const { backend } = this.peers.get(name)!;
    const report = backend.store.ingest(entries);
    announceIngest(backend.events.emit, report, entries, { type: 'bundle', file: 'usb.baken', operation: 'sim' }, (id) => backend.store.entry(id));
  }

  close(): void {
    for (const peer of this.peers.values()) peer.backend.close();
  }
}
