import type { AnyEntry } from '../../../shared/domain/entry.js';

/**
 * What sync needs from a log, whoever carries it (a libp2p session, a bundle on a USB stick): this
 * device's clock, one author's entries in chain order, and ingest. The SQLite store implements it
 * in the app; an in-memory replica implements it for tests and simulations; both pass one shared
 * test suite (test/backend/replica/).
 */
export interface Replica {
  /** This device's author key (64 hex). */
  readonly author: string;
  /** The clock: per author (in ascending key order), the highest seq held and its entry (fork evidence counted in `extra`). */
  authorHeads(): Map<string, AuthorHead>;
  /** One author's head, as authorHeads() would give it; undefined when no entry of the author is held. */
  authorHead(author: string): AuthorHead | undefined;
  /** One author's entries after (seq, id) in chain order, forks at one seq in id order; id '~' means after every entry at seq. */
  chainAfter(author: string, seq: number, id: string, limit: number): AnyEntry[];
  /** The ids held at one author's seq (more than one: a fork). */
  idsAtSeq(author: string, seq: number): string[];
  /**
   * Verifies and stores entries from elsewhere; nothing unverified is ever stored. `from` names
   * where they came from (a peer id, `bundle:<file>`): entries that must wait for a predecessor are
   * counted against that source's share of the waiting room (replica/waiting-room.ts).
   */
  ingest(entries: readonly unknown[], options?: IngestOptions): IngestReport;
}

/** What this device holds of one author: the highest seq and the entry at it (the smallest id, if forked). */
export interface AuthorHead {
  seq: number;
  head: string;
  /** Entries beyond one per seq, i.e. fork evidence held; absent when there is none. */
  extra?: number;
}

export interface IngestReport {
  /** Ids that are now in the log, including waiting entries whose gap this batch filled. */
  added: string[];
  /** Entries this device already had (in the log or waiting). */
  known: number;
  /** Authentic entries waiting outside the log for a predecessor that has not arrived. */
  pending: string[];
  /** Second entries for an author's seq: stored as evidence, the author is flagged. */
  forks: { author: string; seq: number; id: string }[];
  rejected: { id: string | null; reason: string }[];
  /**
   * Of `rejected`, the entries refused because the waiting room was full for them: for the whole
   * room, their author or this ingest's source (their reason starts with `missing-predecessor:`).
   */
  waitingRoomFull: WaitingRoomRefusal[];
  /** Entries stamped further ahead of our clock than allowed: stored, ordered by their stamp, flagged. */
  skewed: { id: string; aheadMs: number }[];
}

/** Where an ingest's entries come from: a peer's libp2p id, or `bundle:<file>`. */
export interface IngestOptions {
  from?: string;
}

/** Which cap refused an entry: the whole room, its author's share, or its source's share in entries or bytes. */
export type WaitingRoomCap = 'entries' | 'author' | 'source' | 'source-bytes';

/** An entry refused because the waiting room was full for it; it is in the report's `rejected` too. */
export interface WaitingRoomRefusal {
  id: string;
  author: string;
  cap: WaitingRoomCap;
}


/** "After every entry at this seq", as a chainAfter id. */
export const AFTER_ALL = '~';
