import type { AnyEntry } from '../../../shared/domain/entry.js';
import { MAX_PENDING_ENTRIES, REJECTED } from './checks.js';
import type { IngestOptions, WaitingRoomCap } from './replica.js';

/**
 * The waiting room: authentic entries whose predecessor has not arrived wait outside the log. It
 * is bounded as a whole and per author and per source (the peer or bundle an ingest came from), so
 * one peer, or one author's broken chain, cannot take the space everyone's late entries need.
 * Every Replica applies these caps through createWaitingRoomGate, so all of them refuse the same
 * entries. A refused entry is not lost: its sender still holds it and sends it again once the gap
 * is filled (a sync session asks for the author's whole chain; a bundle can be imported again).
 */
export interface WaitingRoomCaps {
  /** All waiting entries together. */
  entries: number;
  /** Entries of one author. */
  perAuthor: number;
  /** Entries from one source. */
  perSource: number;
  /** Bytes of the waiting entries (as stored: their JSON in UTF-8) from one source. */
  bytesPerSource: number;
}

/**
 * - entries: a bound on the table at all (a few hundred MB with everyday entries).
 * - perAuthor 10,000: more than one device writes in days of a busy incident (a large exercise log
 *   has a few thousand entries in all), so an honest gap fits; one author's forged or broken chain
 *   takes at most 5 % of the room.
 * - perSource 50,000: a peer relays many authors, so it may fill a quarter of the room, and no
 *   more: at least three other peers or bundles still find room when one has filled its share.
 * - bytesPerSource 64 MiB: everyday entries are under 1 KB, so 50,000 of them fit and the count
 *   binds; entries with 20,000-character texts are up to a hundred times larger, and without this
 *   one source could park gigabytes within its count.
 */
export const WAITING_ROOM_CAPS: WaitingRoomCaps = {
  entries: MAX_PENDING_ENTRIES,
  perAuthor: 10_000,
  perSource: 50_000,
  bytesPerSource: 64 * 1024 * 1024,
};

/** Every reason starts with `missing-predecessor:`, as the whole-room refusal always did. */
export const WAITING_ROOM_FULL: Record<WaitingRoomCap, string> = {
  entries: REJECTED.tooManyWaiting,
  author: 'missing-predecessor: too many entries of this author already wait for theirs; send the earlier entries first',
  source: 'missing-predecessor: too many entries from this source already wait for theirs; send the earlier entries first',
  'source-bytes': 'missing-predecessor: the entries from this source that wait for theirs already take too much space; send the earlier entries first',
};

/** Long enough for `bundle:` and any file path (Linux allows 4096 bytes). */
export const MAX_SOURCE_LENGTH = 4200;

/**
 * The source recorded with waiting entries; null when the caller named none (entries that waited
 * before sources were recorded are null too, and share one source's caps). Throws before anything
 * is stored when `from` is not a short non-empty string.
 */
export function ingestSource(options: IngestOptions | undefined): string | null {
  const from: unknown = options?.from;
  if (from === undefined) return null;
  if (typeof from !== 'string' || from.length === 0 || from.length > MAX_SOURCE_LENGTH) {
    throw new TypeError(`ingest: options.from must name the source (a peer id or bundle:<file>) in 1 to ${MAX_SOURCE_LENGTH} characters; nothing was stored`);
  }
  return from;
}

/** A waiting entry as stored, and its size, which the bytes cap counts. */
export function waitingForm(entry: AnyEntry): { json: string; bytes: number } {
  const json = JSON.stringify(entry);
  return { json, bytes: Buffer.byteLength(json, 'utf8') };
}

/** How full the room is, as a replica's storage says (read inside the ingest's transaction). */
export interface WaitingRoomOccupancy {
  entries(): number;
  ofAuthor(author: string): number;
  ofSource(source: string | null): { entries: number; bytes: number };
}

/**
 * Admission for one ingest batch from `source`. Each count is read from storage once, when first
 * needed, and kept up to date from then on by admit and leave, so a batch that parks thousands of
 * entries reads each count once. Storage must be changed after the gate decides (an admitted entry
 * stored, a leaving one removed) for counts read later in the batch to agree.
 */
export function createWaitingRoomGate(caps: WaitingRoomCaps, source: string | null, occupancy: WaitingRoomOccupancy) {
  let entries: number | undefined;
  const authors = new Map<string, number>();
  const sources = new Map<string | null, { entries: number; bytes: number }>();
  const authorCount = (author: string): number => {
    let count = authors.get(author);
    if (count === undefined) authors.set(author, (count = occupancy.ofAuthor(author)));
    return count;
  };
  const sourceUse = (of: string | null): { entries: number; bytes: number } => {
    let use = sources.get(of);
    if (use === undefined) sources.set(of, (use = { ...occupancy.ofSource(of) }));
    return use;
  };
  return {
    /** Counts an entry in and returns null, or returns the cap it would exceed (and counts nothing). */
    admit(author: string, bytes: number): WaitingRoomCap | null {
      const ofSource = sourceUse(source);
      if (authorCount(author) >= caps.perAuthor) return 'author';
      if (ofSource.entries >= caps.perSource) return 'source';
      if (ofSource.bytes + bytes > caps.bytesPerSource) return 'source-bytes';
      entries ??= occupancy.entries();
      if (entries >= caps.entries) return 'entries';
      entries++;
      authors.set(author, authorCount(author) + 1);
      ofSource.entries++;
      ofSource.bytes += bytes;
      return null;
    },
    /** A waiting entry left the room (it moved into the log, or was refused when its predecessor came). */
    leave(author: string, from: string | null, bytes: number): void {
      if (entries !== undefined) entries--;
      const count = authors.get(author);
      if (count !== undefined) authors.set(author, count - 1);
      const use = sources.get(from);
      if (use) {
        use.entries--;
        use.bytes -= bytes;
      }
    },
  };
}
