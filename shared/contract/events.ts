import type { BakenErrorData } from './errors.js';
import type { PeerView } from './sync.js';

/**
 * Everything the backend tells a user interface without being asked: one typed map, so the CLI,
 * the Electron preload and the headless host's WebSocket carry the same events, and a window
 * refreshes from them instead of polling.
 */
export interface BackendEvents {
  /** Entries are now in this device's log: written here, by another process, or received. */
  'entries.added': { entries: EntryRef[]; incidents: string[]; source: EntrySource };
  /** The peers' views changed: connected or not, last sync, behind/ahead, clock, problem. */
  'peers.changed': { peers: PeerView[] };
  /** A long operation moved on, finished or failed; one operation id from its start to its end. */
  progress: ProgressEvent;
  /** A clock is off by more than allowed: an entry stamped too far ahead, or a peer's clock. Positive: ahead of ours. */
  'clock.skew': { subject: 'entry'; entry: string; author: string; skewMs: number; source: EntrySource } | { subject: 'peer'; peer: string; device: string | null; skewMs: number };
  /** An author has two different entries at one seq (two machines writing as one device): both are kept as evidence. */
  'fork.detected': { author: string; seq: number | null; entry: string | null; source: EntrySource };
}

export type BackendEventName = keyof BackendEvents;

/** Where entries came from. */
export type EntrySource =
  | { type: 'this-device' }
  /** Another process on this data directory (the CLI beside a running node). */
  | { type: 'other-process' }
  /** A peer over the network: its libp2p id and, once it said hello, its device key. */
  | { type: 'peer'; peer: string; device: string | null }
  /** A bundle file imported by the operation named. */
  | { type: 'bundle'; file: string; operation: string };

/** Enough of an entry to know whether a screen shows it, without carrying its text. */
export interface EntryRef {
  id: string;
  author: string;
  seq: number;
  incident: string;
  kind: string;
}

export type ProgressTask = 'bundle.import' | 'bundle.export';
export type ProgressEvent =
  | { operation: string; task: ProgressTask; state: 'running'; done: number; total: number }
  | { operation: string; task: ProgressTask; state: 'finished'; done: number; total: number }
  | { operation: string; task: ProgressTask; state: 'failed'; error: BakenErrorData };

export type EventListener<E extends BackendEventName> = (payload: BackendEvents[E]) => void;

/** Subscribes to one event; returns the function that unsubscribes. */
export type Subscribe = <E extends BackendEventName>(event: E, listener: EventListener<E>) => () => void;

/** Every event name, for transports that subscribe to all of them at once (the preload, the WebSocket). */
export const BACKEND_EVENT_NAMES = ['entries.added', 'peers.changed', 'progress', 'clock.skew', 'fork.detected'] as const satisfies readonly BackendEventName[];
type MissingEventName = Exclude<BackendEventName, (typeof BACKEND_EVENT_NAMES)[number]>;
/** A new event added to BackendEvents but not to the list above fails to compile here. */
const everyEventListed: [MissingEventName] extends [never] ? true : MissingEventName = true;
void everyEventListed;
