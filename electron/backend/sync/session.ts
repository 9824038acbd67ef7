import type { AnyEntry } from '../../../shared/domain/entry.js';
import type { CheckedBatch, CheckedIngestReplica } from '../replica/checked-batch.js';
import { createChainMerge, type ChainCursor } from '../replica/chain-merge.js';
import { planSends } from '../replica/plan.js';
import { AFTER_ALL, type IngestReport } from '../replica/replica.js';
import type { ClockIndex } from './clock-index.js';
import { LIMITS, PeerReportedError, PROTOCOL_REVISIONS, ProtocolError, type Limits, type SyncMessage, type UnknownMessage } from './protocol.js';
import { createPeerKnowledge } from './peer-knowledge.js';
import { createReconciler, type Learned, type Reconciler } from './reconcile.js';

export interface SessionOptions {
  store: CheckedIngestReplica;
  /** This device's clock, indexed for comparison, as it is now (the hub keeps it between sessions). */
  clockIndex(): ClockIndex;
  send(message: SyncMessage): void;
  now(): number;
  /** The peer, as the waiting room charges it for entries that wait for a predecessor. */
  source?: string;
  /** Entries this session stored, so the node can pass them on to its other peers. */
  onIngested?(report: IngestReport, entries: AnyEntry[]): void;
  /** Entries without a counterpart on the other side have been sent and acknowledged. */
  onCaughtUp?(): void;
  limits?: Partial<Limits>;
}

export interface SessionStatus {
  remoteDevice: string | null;
  /** Entries the peer has that we lack, and the reverse, by what the clocks showed and what was sent since. */
  behind: number;
  ahead: number;
  /** The peer's clock minus ours, at its hello (positive: the peer's clock is ahead). */
  skewMs: number | null;
  lastSyncAt: number | null;
  sentEntries: number;
  receivedEntries: number;
  rejectedEntries: number;
  /** Entries refused because the waiting room was full for their author or for this peer. */
  waitingRoomRefused: number;
}

const WHOLE: ChainCursor = { seq: 0, id: AFTER_ALL };

/**
 * One side of a sync conversation with one peer. Both sides send `hello` with a summary of their
 * clock, compare the clocks range by range where the summaries differ, then send each other what
 * the other lacks, in time order across authors and chain order within each, at most `window` frames ahead of the peer's
 * acks. Afterwards new entries (local or relayed) are pushed the same way.
 */
export function createSyncSession(options: SessionOptions) {
  const limits: Limits = { ...LIMITS, ...options.limits };
  const { store, send, now } = options;
  let index: ClockIndex | null = null;
  let reconciler: Reconciler | null = null;
  let remote: { device: string; skewMs: number } | null = null;
  const known = createPeerKnowledge(() => index);
  /** What we will send next, per author (entries after its cursor), merged in time order across authors. */
  const outbox = createChainMerge(store);
  /** Authors offered while the peer's clock for them was not known yet. */
  const deferred = new Set<string>();
  const wanted = new Set<string>();
  let framesSent = 0;
  let framesAcked = 0;
  let repliesReceived = 0;
  let framesReceived = 0;
  let caughtUp = false;
  const status = { lastSyncAt: null as number | null, sentEntries: 0, receivedEntries: 0, rejectedEntries: 0, waitingRoomRefused: 0 };

  const queue = (author: string, from: ChainCursor) => outbox.queue(author, from);

  /** Asks the peer for its whole chain of these authors (once per author per session). */
  function want(authors: readonly string[]): void {
    const fresh = authors.filter((a) => !wanted.has(a));
    fresh.forEach((a) => wanted.add(a));
    for (let i = 0; i < fresh.length; i += limits.maxWantAuthors) send({ type: 'want', authors: fresh.slice(i, i + limits.maxWantAuthors) });
  }

  /** Acts on what a comparison showed: send what the peer lacks in that range, ask for forked chains. */
  function apply(learned: readonly Learned[]): void {
    for (const item of learned) {
      const ours = index!.range(item.prefix);
      if (item.kind === 'none') {
        for (const [author] of ours) queue(author, WHOLE);
        known.lacks(ours.map(([author]) => author));
        continue;
      }
      const plan = planSends(new Map(ours), item.theirs, (author, seq, id) => store.idsAtSeq(author, seq).includes(id));
      for (const { author, from } of plan.sends) queue(author, from);
      want(plan.forked);
      known.learnRange(ours.map(([author]) => author), item.theirs);
    }
  }

  function pumpQueries(): void {
    if (!remote || !reconciler) return;
    for (let prefixes = reconciler.nextQuery(); prefixes; prefixes = reconciler.nextQuery()) send({ type: 'clock-query', prefixes });
    if (reconciler.done() && deferred.size > 0) {
      for (const author of deferred) {
        const peerHas = known.remoteSeq(author);
        if (known.topOf(author) > peerHas) queue(author, { seq: peerHas, id: AFTER_ALL });
      }
      deferred.clear();
    }
  }

  function pump(): void {
    if (!remote) return;
    while (framesSent - framesAcked < limits.window && outbox.size > 0) {
      let bytes = 0;
      const batch = outbox.take(limits.maxEntriesPerFrame, (entry, taken) => {
        const size = frameBytes(entry);
        if (taken > 0 && bytes + size > limits.targetFrameBytes) return false;
        bytes += size;
        return true;
      });
      if (batch.length === 0) break;
      for (const entry of batch) {
        known.remoteKnows(entry.author, entry.seq);
        known.raiseTop(entry.author, entry.seq);
      }
      send({ type: 'entries', entries: batch });
      framesSent++;
      status.sentEntries += batch.length;
    }
    checkCaughtUp();
  }

  function checkCaughtUp(): void {
    if (remote && reconciler?.done() && deferred.size === 0 && outbox.size === 0 && framesSent === framesAcked) {
      status.lastSyncAt = now();
      if (!caughtUp) {
        caughtUp = true;
        options.onCaughtUp?.();
      }
    } else {
      caughtUp = false;
    }
  }

  const requireHello = (what: string) => {
    if (!remote) throw new ProtocolError('unexpected-message', `${what} before hello`);
  };

  return {
    /** Opens the conversation: our hello, with the summary of our clock as it is now. */
    start(): void {
      index = options.clockIndex();
      reconciler = createReconciler(index, limits);
      send({ type: 'hello', versions: [...PROTOCOL_REVISIONS], device: store.author, time: now(), clock: index.summary('') });
    },

    /**
     * Handles one decoded message from the peer; throws ProtocolError when the peer breaks the
     * protocol. `checked`: an entries message's entries, already checked (entry-checks/), which the
     * store then only stores; without, the store checks them itself.
     */
    receive(message: SyncMessage | UnknownMessage, checked?: CheckedBatch): void {
      switch (message.type) {
        case 'unknown':
          return; // a later revision's message: nothing this one needs to do
        case 'hello': {
          if (remote) throw new ProtocolError('unexpected-message', 'second hello on one stream');
          if (!message.versions.some((v) => (PROTOCOL_REVISIONS as readonly string[]).includes(v))) {
            throw new ProtocolError('unsupported-version', `the peer speaks revisions ${message.versions.join(', ')} of the sync protocol, this node ${PROTOCOL_REVISIONS.join(', ')}: update Baken on the older laptop`);
          }
          remote = { device: message.device, skewMs: message.time - now() };
          apply(reconciler!.begin(message.clock));
          pumpQueries();
          pump();
          return;
        }
        case 'clock-query': {
          requireHello('clock-query');
          send({ type: 'clock-reply', parts: message.prefixes.map((prefix) => index!.part(prefix, limits.maxHeadsPerPart)) });
          return;
        }
        case 'clock-reply': {
          requireHello('clock-reply');
          apply(reconciler!.onReply(message.parts));
          repliesReceived++;
          pumpQueries();
          pump();
          return;
        }
        case 'entries': {
          requireHello('entries');
          const from = options.source === undefined ? undefined : { from: options.source };
          const report = checked && store.ingest.checked ? store.ingest.checked(checked, from) : store.ingest(message.entries, from);
          framesReceived++;
          status.receivedEntries += report.added.length;
          status.rejectedEntries += report.rejected.length;
          status.waitingRoomRefused += report.waitingRoomFull.length;
          const valid = message.entries.filter(isEntryShaped);
          for (const entry of valid) {
            known.remoteKnows(entry.author, entry.seq);
            known.raiseTop(entry.author, entry.seq);
          }
          send({ type: 'ack', frames: framesReceived, added: report.added.length, known: report.known, rejected: report.rejected.length });
          if (report.added.length > 0 || report.forks.length > 0) options.onIngested?.(report, valid);
          // Entries parked for a missing predecessor (or refused, the waiting room being full) mean the
          // peer's chain branches off ours: ask for all of it, so the gap fills and the room empties.
          if (report.pending.length > 0 || report.waitingRoomFull.length > 0) {
            const parked = new Set(report.pending);
            want([...new Set([...valid.filter((e) => parked.has(e.id)).map((e) => e.author), ...report.waitingRoomFull.map((r) => r.author)])]);
          }
          checkCaughtUp();
          return;
        }
        case 'ack': {
          requireHello('ack');
          if (message.frames > framesSent || message.frames < framesAcked) throw new ProtocolError('unexpected-message', `ack for ${message.frames} frames, ${framesSent} sent`);
          framesAcked = message.frames;
          pump();
          return;
        }
        case 'want': {
          requireHello('want');
          for (const author of message.authors) queue(author, WHOLE);
          pump();
          return;
        }
        case 'error':
          throw new PeerReportedError(message.code, message.message);
      }
    },

    /** New entries on this device (appended here or received from another peer): push what the peer lacks. */
    offer(entries: readonly Pick<AnyEntry, 'author' | 'seq'>[], forkedAuthors: readonly string[] = []): void {
      for (const author of forkedAuthors) queue(author, WHOLE);
      for (const entry of entries) {
        known.raiseTop(entry.author, entry.seq);
        if (!remote || reconciler!.unsettled(entry.author)) {
          deferred.add(entry.author);
          continue;
        }
        const peerHas = known.remoteSeq(entry.author);
        if (entry.seq > peerHas) queue(entry.author, { seq: peerHas, id: AFTER_ALL });
      }
      pumpQueries();
      pump();
    },

    /** Frames sent and not yet answered: entries not acknowledged, clock queries not replied to (the shell times these out). */
    unacknowledged(): number {
      return framesSent - framesAcked + (reconciler?.outstanding() ?? 0);
    },

    /**
     * How many frames the peer has answered so far (entries frames acknowledged, clock replies): it
     * grows whenever the peer makes progress. The count of unanswered frames cannot show that while
     * there is more to send, since each ack lets the next frame out at once and the window stays full.
     */
    answered(): number {
      return framesAcked + repliesReceived;
    },

    helloReceived(): boolean {
      return remote !== null;
    },

    status(): SessionStatus {
      let ahead = 0;
      for (const [author, cursor] of outbox.cursors()) ahead += Math.max(0, known.topOf(author) - cursor.seq);
      return { remoteDevice: remote?.device ?? null, behind: known.behind(), ahead, skewMs: remote?.skewMs ?? null, ...status };
    },
  };
}

export type SyncSession = ReturnType<typeof createSyncSession>;

/**
 * Most bytes an entry's envelope takes in a frame (every field but the body, at its longest: a
 * 40-character kind, a 16-digit seq), with the comma between entries; a test holds it to that.
 */
export const ENVELOPE_FRAME_BYTES = 560;

/**
 * At least what an entry adds to a frame, in UTF-8 bytes as the frame is sent: counted in
 * characters instead, text in another script (2-4 bytes a character) overshot the frame limit and
 * the sync failed at that frame every time.
 */
function frameBytes(entry: AnyEntry): number {
  return ENVELOPE_FRAME_BYTES + Buffer.byteLength(JSON.stringify(entry.body), 'utf8');
}

function isEntryShaped(value: unknown): value is AnyEntry {
  const e = value as Partial<AnyEntry> | null;
  return typeof e === 'object' && e !== null && typeof e.author === 'string' && typeof e.seq === 'number' && typeof e.id === 'string';
}
