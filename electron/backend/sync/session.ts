import type { SignedEntry } from '../../../shared/domain/entry.js';
import { planSends } from '../replica/plan.js';
import { AFTER_ALL, type IngestReport, type Replica } from '../replica/replica.js';
import { LIMITS, PeerReportedError, ProtocolError, PROTOCOL_VERSION, type SyncClock, type SyncMessage } from './protocol.js';

export interface SessionOptions {
  store: Replica;
  send(message: SyncMessage): void;
  now(): number;
  /** Entries this session stored, so the node can pass them on to its other peers. */
  onIngested?(report: IngestReport, entries: SignedEntry[]): void;
  /** Entries without a counterpart on the other side have been sent and acknowledged. */
  onCaughtUp?(): void;
  limits?: Partial<typeof LIMITS>;
}

export interface SessionStatus {
  remoteDevice: string | null;
  /** Entries the peer has that we lack, and the reverse, by the latest clocks exchanged. */
  behind: number;
  ahead: number;
  /** The peer's clock minus ours, at its hello (positive: the peer's clock is ahead). */
  skewMs: number | null;
  lastSyncAt: number | null;
  sentEntries: number;
  receivedEntries: number;
  rejectedEntries: number;
}

type Cursor = { seq: number; id: string };

/**
 * One side of a sync conversation with one peer. Both sides send `hello` with their clock, then
 * send each other what the other lacks, author by author in chain order, at most `window` frames
 * ahead of the peer's acks. Afterwards new entries (local or relayed) are pushed the same way.
 */
export function createSyncSession(options: SessionOptions) {
  const limits = { ...LIMITS, ...options.limits };
  const { store, send, now } = options;
  let remote: { device: string; clock: Map<string, number>; heads: SyncClock; skewMs: number } | null = null;
  /** What we will send next, per author: entries after this cursor. */
  const pending = new Map<string, Cursor>();
  let framesSent = 0;
  let framesAcked = 0;
  let framesReceived = 0;
  let caughtUp = false;
  const wanted = new Set<string>();
  const status = { lastSyncAt: null as number | null, sentEntries: 0, receivedEntries: 0, rejectedEntries: 0 };

  const localClock = (): SyncClock => Object.fromEntries(store.authorHeads());
  const queue = (author: string, from: Cursor) => {
    const current = pending.get(author);
    if (!current || from.seq < current.seq || (from.seq === current.seq && from.id < current.id)) pending.set(author, from);
  };
  const remoteKnows = (author: string, seq: number) => {
    if (!remote) return;
    if ((remote.clock.get(author) ?? 0) < seq) remote.clock.set(author, seq);
  };

  /** Queues what the peer lacks (replica/plan.ts) and asks for the whole chains of forked authors. */
  function planFromHello(heads: SyncClock): void {
    const plan = planSends(store.authorHeads(), heads, (author, seq, id) => store.idsAtSeq(author, seq).includes(id));
    for (const { author, from } of plan.sends) queue(author, from);
    want(plan.forked);
  }

  /** Asks the peer for its whole chain of these authors (once per author per session). */
  function want(authors: string[]): void {
    const fresh = authors.filter((a) => !wanted.has(a)).slice(0, limits.maxClockAuthors);
    if (fresh.length === 0) return;
    fresh.forEach((a) => wanted.add(a));
    send({ type: 'want', authors: fresh });
  }

  function pump(): void {
    if (!remote) return;
    while (framesSent - framesAcked < limits.window && pending.size > 0) {
      const batch: SignedEntry[] = [];
      let bytes = 0;
      for (const [author, cursor] of pending) {
        const room = limits.maxEntriesPerFrame - batch.length;
        if (room <= 0 || bytes >= limits.targetFrameBytes) break;
        const chunk = store.chainAfter(author, cursor.seq, cursor.id, room);
        let taken = 0;
        for (const entry of chunk) {
          const size = approximateSize(entry);
          if (batch.length > 0 && bytes + size > limits.targetFrameBytes) break;
          batch.push(entry);
          bytes += size;
          taken++;
        }
        if (taken === chunk.length && chunk.length < room) pending.delete(author);
        if (taken > 0) {
          const last = chunk[taken - 1]!;
          if (pending.has(author)) pending.set(author, { seq: last.seq, id: last.id });
        }
        if (taken < chunk.length) break;
      }
      if (batch.length === 0) break;
      for (const entry of batch) remoteKnows(entry.author, entry.seq);
      send({ type: 'entries', entries: batch });
      framesSent++;
      status.sentEntries += batch.length;
    }
    checkCaughtUp();
  }

  function checkCaughtUp(): void {
    if (remote && pending.size === 0 && framesSent === framesAcked) {
      status.lastSyncAt = now();
      if (!caughtUp) {
        caughtUp = true;
        options.onCaughtUp?.();
      }
    } else {
      caughtUp = false;
    }
  }

  return {
    /** Opens the conversation: our hello. */
    start(): void {
      send({ type: 'hello', version: PROTOCOL_VERSION, device: store.author, clock: localClock(), time: now() });
    },

    /** Handles one decoded message from the peer; throws ProtocolError when the peer breaks the protocol. */
    receive(message: SyncMessage): void {
      switch (message.type) {
        case 'hello': {
          if (remote) throw new ProtocolError('unexpected-message', 'second hello on one stream');
          remote = {
            device: message.device,
            clock: new Map(Object.entries(message.clock).map(([a, h]) => [a, h.seq])),
            heads: message.clock,
            skewMs: message.time - now(),
          };
          planFromHello(message.clock);
          pump();
          return;
        }
        case 'entries': {
          if (!remote) throw new ProtocolError('unexpected-message', 'entries before hello');
          const report = store.ingest(message.entries);
          framesReceived++;
          status.receivedEntries += report.added.length;
          status.rejectedEntries += report.rejected.length;
          const valid = message.entries.filter(isEntryShaped);
          for (const entry of valid) remoteKnows(entry.author, entry.seq);
          send({ type: 'ack', frames: framesReceived, added: report.added.length, known: report.known, rejected: report.rejected.length });
          if (report.added.length > 0 || report.forks.length > 0) options.onIngested?.(report, valid);
          // Entries parked for a missing predecessor mean the peer's chain branches off ours: ask for all of it.
          if (report.pending.length > 0) {
            const parked = new Set(report.pending);
            want([...new Set(valid.filter((e) => parked.has(e.id)).map((e) => e.author))]);
          }
          checkCaughtUp();
          return;
        }
        case 'ack': {
          if (!remote) throw new ProtocolError('unexpected-message', 'ack before hello');
          if (message.frames > framesSent || message.frames < framesAcked) throw new ProtocolError('unexpected-message', `ack for ${message.frames} frames, ${framesSent} sent`);
          framesAcked = message.frames;
          pump();
          return;
        }
        case 'want': {
          if (!remote) throw new ProtocolError('unexpected-message', 'want before hello');
          for (const author of message.authors) queue(author, { seq: 0, id: AFTER_ALL });
          pump();
          return;
        }
        case 'error':
          throw new PeerReportedError(message.code, message.message);
      }
    },

    /** New entries on this device (appended here or received from another peer): push what the peer lacks. */
    offer(entries: readonly Pick<SignedEntry, 'author' | 'seq'>[], forkedAuthors: readonly string[] = []): void {
      if (!remote) return;
      for (const author of forkedAuthors) queue(author, { seq: 0, id: AFTER_ALL });
      for (const entry of entries) {
        const known = remote.clock.get(entry.author) ?? 0;
        if (entry.seq > known) queue(entry.author, { seq: known, id: AFTER_ALL });
      }
      pump();
    },

    /** Frames sent and not yet acknowledged (the shell times these out). */
    unacknowledged(): number {
      return framesSent - framesAcked;
    },

    helloReceived(): boolean {
      return remote !== null;
    },

    status(): SessionStatus {
      let behind = 0;
      let ahead = 0;
      if (remote) {
        const local = store.authorHeads();
        for (const [author, seq] of remote.clock) behind += Math.max(0, seq - (local.get(author)?.seq ?? 0));
        for (const [author, head] of local) ahead += Math.max(0, head.seq - (remote.clock.get(author) ?? 0));
      }
      return { remoteDevice: remote?.device ?? null, behind, ahead, skewMs: remote?.skewMs ?? null, ...status };
    },
  };
}

export type SyncSession = ReturnType<typeof createSyncSession>;

function approximateSize(entry: SignedEntry): number {
  return 420 + JSON.stringify(entry.body).length;
}

function isEntryShaped(value: unknown): value is SignedEntry {
  const e = value as Partial<SignedEntry> | null;
  return typeof e === 'object' && e !== null && typeof e.author === 'string' && typeof e.seq === 'number' && typeof e.id === 'string';
}
