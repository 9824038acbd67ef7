import type { AnyEntry } from '../../../shared/domain/entry.js';
import type { CheckedFrame, EntryChecker } from '../entry-checks/pool.js';
import type { CheckedBatch, CheckedIngestReplica } from '../replica/checked-batch.js';
import type { IngestReport } from '../replica/replica.js';
import type { Limits, SyncMessage, UnknownMessage } from './protocol.js';
import { buildClockIndex, type ClockIndex } from './clock-index.js';
import { createSyncSession, type SessionStatus, type SyncSession } from './session.js';

export interface PeerLink {
  /** The peer's id as the transport knows it (libp2p peer id, or a simulator name). */
  readonly peer: string;
  /**
   * Starts checking an entries message's entries (on the entry check thread), so they are checked
   * while the frames before are stored; null for other messages or when nothing checks ahead.
   * `frame` is the message's bytes as received, which the check thread reads itself.
   */
  check(message: SyncMessage | UnknownMessage, frame?: Uint8Array): Promise<CheckedBatch> | null;
  /**
   * Starts decoding and checking a frame that looks like an entries message on the entry check
   * thread, before the main thread decodes it; null when nothing checks ahead. Resolves to null
   * when the frame is no valid entries message (decode it then, as any other frame).
   */
  checkFrame(frame: Uint8Array): Promise<CheckedFrame | null> | null;
  /** Handles a message, in the order received; `checked` is what check() gave for it. */
  receive(message: SyncMessage | UnknownMessage, checked?: CheckedBatch): void;
  /** Ends the session; `problem` says in plain words why, when it ended because something failed. */
  close(problem?: string): void;
  readonly session: SyncSession;
}

export interface PeerSyncStatus extends SessionStatus {
  peer: string;
  /** Why the last conversation with this peer ended, when it failed; null while all is well. */
  problem: string | null;
}

/** What a hub offers a session: which author's chain grew to which seq. */
export type Offered = Pick<AnyEntry, 'author' | 'seq'>;

export interface SyncHubOptions {
  store: CheckedIngestReplica;
  /** Checks received entries ahead of storing them (entry-checks/pool.ts); without, each session's store checks them. */
  checker?: EntryChecker;
  sha256(bytes: Uint8Array): Uint8Array;
  now: () => number;
  limits?: Partial<Limits>;
  onIngested?: (report: IngestReport, entries: readonly AnyEntry[], link: PeerLink) => void;
}

/**
 * All sync sessions of one device. Whatever one session stores, and whatever is appended locally,
 * is offered to every other open session: store-and-forward, so laptops that never meet directly
 * (A–B–C) still converge. Transport-agnostic: libp2p streams and the test simulator both use it.
 */
export function createSyncHub(options: SyncHubOptions) {
  const links = new Set<PeerLink>();
  const history = new Map<string, { status: SessionStatus; problem: string | null }>();
  let current: ClockIndex | null = null;
  /** Authors stored since `current` was made: only their heads are read again for the next session. */
  const changed = new Set<string>();

  /**
   * The clock as a new session starts from it. Built from every head once, then kept: everything this
   * device stores passes through the hub (offerLocal, a session's ingest), so the authors it names are
   * the only ones whose heads can have moved.
   */
  const clockIndex = (): ClockIndex => {
    if (!current) {
      current = buildClockIndex(options.store.authorHeads(), options.sha256);
      changed.clear();
    } else if (changed.size > 0) {
      current = current.withChanges(new Map([...changed].map((author) => [author, options.store.authorHead(author)])));
      changed.clear();
    }
    return current;
  };
  const touched = (entries: readonly Offered[], forkedAuthors: readonly string[]) => {
    if (!current) return;
    for (const entry of entries) changed.add(entry.author);
    for (const author of forkedAuthors) changed.add(author);
  };

  const relay = (from: PeerLink | null, entries: readonly Offered[], forkedAuthors: readonly string[]) => {
    touched(entries, forkedAuthors);
    for (const link of links) if (link !== from) link.session.offer(entries, forkedAuthors);
  };

  return {
    /** Starts a session with a peer over a transport that delivers `send`'s messages in order. */
    open(peer: string, send: (message: SyncMessage) => void): PeerLink {
      const link: PeerLink = {
        peer,
        session: createSyncSession({
          store: options.store,
          clockIndex,
          source: peer,
          send,
          now: options.now,
          limits: options.limits,
          onIngested: (report, entries) => {
            const added = new Set(report.added);
            const stored = entries.filter((e) => added.has(e.id));
            relay(link, stored, [...new Set(report.forks.map((f) => f.author))]);
            options.onIngested?.(report, entries, link);
          },
        }),
        check: (message, frame) => {
          if (message.type !== 'entries' || !options.checker || !options.store.ingest.checked) return null;
          return options.checker.check(frame ? { frame } : { candidates: message.entries });
        },
        checkFrame: (frame) => (options.checker && options.store.ingest.checked ? options.checker.checkFrame(frame) : null),
        receive: (message, checked) => link.session.receive(message, checked),
        close: (problem) => {
          if (!links.delete(link)) return;
          history.set(peer, { status: link.session.status(), problem: problem ?? null });
        },
      };
      links.add(link);
      link.session.start();
      return link;
    },

    /** Entries this device stored other than from a peer (and authors found forked): push them to every peer. */
    offerLocal(entries: readonly Offered[], forkedAuthors: readonly string[] = []): void {
      relay(null, entries, forkedAuthors);
    },

    /** Current sessions, plus the last known state of peers no longer connected. */
    status(): { connected: PeerSyncStatus[]; past: PeerSyncStatus[] } {
      const connected = [...links].map((l) => ({ peer: l.peer, problem: null, ...l.session.status() }));
      const live = new Set(connected.map((c) => c.peer));
      const past = [...history].filter(([peer]) => !live.has(peer)).map(([peer, h]) => ({ peer, problem: h.problem, ...h.status }));
      return { connected, past };
    },

    /** Records why a conversation with a peer could not even start (the stream could not be opened). */
    noteProblem(peer: string, problem: string): void {
      const previous = history.get(peer);
      history.set(peer, { status: previous?.status ?? idleStatus(), problem });
    },

    closeAll(): void {
      for (const link of [...links]) link.close();
    },
  };
}

export type SyncHub = ReturnType<typeof createSyncHub>;

function idleStatus(): SessionStatus {
  return { remoteDevice: null, behind: 0, ahead: 0, skewMs: null, lastSyncAt: null, sentEntries: 0, receivedEntries: 0, rejectedEntries: 0, waitingRoomRefused: 0 };
}
