/** What the main thread and the entry check worker say to each other (entry-checks/pool.ts, worker.ts). */

/** The candidates of one ingest, in the cheapest form the caller has them. */
export type CheckInput =
  /** Values in memory (an in-process caller): sent as a structured clone. */
  | { candidates: readonly unknown[] }
  /** A JSON array of candidates, as a bundle or a file holds them. */
  | { json: string }
  /** A sync `entries` frame (UTF-8 JSON already decoded and validated as one by the main thread): its `entries`. */
  | { frame: Uint8Array };

export type CheckRequest = { id: number } & ({ candidates: readonly unknown[] } | { json: string } | { frame: Uint8Array });

export type CheckAnswer =
  | { id: number; checked: string; count: number }
  | { id: number; error: string };

/** Sent once by the worker when it has loaded and can take requests. */
export const WORKER_READY = 'entry-checks-ready';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The candidates a request carries (throws on input that is not a JSON array where JSON was sent). */
export function candidatesOf(input: CheckInput): readonly unknown[] {
  if ('candidates' in input) return input.candidates;
  const value: unknown = JSON.parse('json' in input ? input.json : utf8.decode(input.frame));
  const candidates = 'frame' in input ? (value as { entries?: unknown } | null)?.entries : value;
  if (!Array.isArray(candidates)) throw new Error('the entries to check are not a JSON array');
  return candidates;
}
