/** What the main thread and the entry check worker say to each other (entry-checks/pool.ts, worker.ts). */

/** The candidates of one ingest, in the cheapest form the caller has them. */
export type CheckInput =
  /** Values in memory (an in-process caller): sent as a structured clone. */
  | { candidates: readonly unknown[] }
  /** A JSON array of candidates, as a bundle or a file holds them. */
  | { json: string }
  /** A sync `entries` frame (UTF-8 JSON already decoded and validated as one by the main thread): its `entries`. */
  | { frame: Uint8Array };

export type CheckRequest = { id: number } & ({ candidates: readonly unknown[] } | { json: string } | { frame: Uint8Array } | { syncFrame: Uint8Array });

/** What the session reads of a candidate that was refused (its author's seq, for what the peer holds); null: not even that shape. */
export type CandidateShape = { author: string; seq: number; id: string } | null;

export type CheckAnswer =
  | { id: number; checked: string; count: number; shapes?: (CandidateShape | 0)[] }
  | { id: number; error: string }
  /** A sync frame that is not a valid entries message: the main thread decodes it and says why. */
  | { id: number; notEntries: true };

/** Sent once by the worker when it has loaded and can take requests. */
export const WORKER_READY = 'entry-checks-ready';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The shape sync/session.ts reads of an entry (isEntryShaped there): author, seq and id of the right types. */
export function shapeOf(candidate: unknown): CandidateShape {
  const e = candidate as { author?: unknown; seq?: unknown; id?: unknown } | null;
  if (typeof e !== 'object' || e === null || typeof e.author !== 'string' || typeof e.seq !== 'number' || typeof e.id !== 'string') return null;
  return { author: e.author, seq: e.seq, id: e.id };
}

const ENTRIES_PREFIX = new TextEncoder().encode('{"type":"entries"');

/**
 * Whether a sync frame starts as every Baken writes an entries message. Only a hint for where to
 * decode it: a frame that starts so but is no valid entries message is decoded again on the main
 * thread, which refuses it in the usual words; one written otherwise is decoded there as before.
 */
export function looksLikeEntries(frame: Uint8Array): boolean {
  if (frame.length < ENTRIES_PREFIX.length) return false;
  for (let i = 0; i < ENTRIES_PREFIX.length; i++) if (frame[i] !== ENTRIES_PREFIX[i]) return false;
  return true;
}

/** The candidates a request carries (throws on input that is not a JSON array where JSON was sent). */
export function candidatesOf(input: CheckInput): readonly unknown[] {
  if ('candidates' in input) return input.candidates;
  const value: unknown = JSON.parse('json' in input ? input.json : utf8.decode(input.frame));
  const candidates = 'frame' in input ? (value as { entries?: unknown } | null)?.entries : value;
  if (!Array.isArray(candidates)) throw new Error('the entries to check are not a JSON array');
  return candidates;
}
