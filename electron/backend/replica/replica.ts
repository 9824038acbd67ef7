import type { AnyEntry, SignedEntry } from '../../../shared/domain/entry.js';

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
  /** One author's entries after (seq, id) in chain order, forks at one seq in id order; id '~' means after every entry at seq. */
  chainAfter(author: string, seq: number, id: string, limit: number): RelayedEntry[];
  /** The ids held at one author's seq (more than one: a fork). */
  idsAtSeq(author: string, seq: number): string[];
  /** Verifies and stores entries from elsewhere; nothing unverified is ever stored. */
  ingest(entries: readonly unknown[]): IngestReport;
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
  /** Entries stamped further ahead of our clock than allowed: stored, ordered by their stamp, flagged. */
  skewed: { id: string; aheadMs: number }[];
}

/**
 * An entry as sync relays it: exactly as stored, whatever its kind. Sync reads only its envelope
 * (author, seq, id, prev) and copies the rest, so an entry of a kind this version does not know (a
 * ForeignEntry) travels like any other. It is typed as SignedEntry only because the sync layer's
 * own types name that; once they take AnyEntry, this alias and relayed() can go.
 */
export type RelayedEntry = SignedEntry;

/** Stored entries handed to sync, which relays them unread (see RelayedEntry). */
export function relayed(entries: AnyEntry[]): RelayedEntry[];
export function relayed(entry: AnyEntry): RelayedEntry;
export function relayed(value: AnyEntry[] | AnyEntry): RelayedEntry[] | RelayedEntry {
  return value as RelayedEntry[] | RelayedEntry;
}

/** "After every entry at this seq", as a chainAfter id. */
export const AFTER_ALL = '~';
