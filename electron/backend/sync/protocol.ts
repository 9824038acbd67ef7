import { z } from 'zod';

/**
 * /baken/sync/2.0.0 — see docs/PROTOCOL.md. Frames are unsigned-varint length-prefixed UTF-8 JSON
 * objects; entries inside travel exactly as signed (docs/DATA-MODEL.md), so any peer can verify them.
 * Readers ignore fields they do not know and messages of a type they do not know, so a later
 * revision can add both without breaking this one (the upgrade rules are in PROTOCOL.md §7).
 */
export const SYNC_PROTOCOL = '/baken/sync/2.0.0';
/** Revisions of the protocol this node speaks on SYNC_PROTOCOL, listed in its hello. */
export const PROTOCOL_REVISIONS = ['2.0'] as const;

export const LIMITS = {
  /** Largest frame either side may send; a bigger one resets the stream. */
  maxFrameBytes: 1024 * 1024,
  /** Entries per `entries` frame. */
  maxEntriesPerFrame: 1000,
  /** A sender packs entries up to about this many bytes per frame (big frames: one commit each at the receiver). */
  targetFrameBytes: 768 * 1024,
  /** `entries` frames a sender may have in flight before it waits for an `ack`, and `clock-query` frames before it waits for their `clock-reply`. */
  window: 4,
  /** Prefixes in one `clock-query` (and parts in one `clock-reply`). */
  maxPrefixesPerQuery: 16,
  /** A clock range with at most this many authors is answered with their heads, a larger one with its 16 sub-ranges. */
  maxHeadsPerPart: 16,
  /** Authors in one `want`. */
  maxWantAuthors: 1000,
  /**
   * Frames a receiver holds unread: the window of entries frames plus room for the small control
   * frames and clock replies that may arrive meanwhile. A sender within the limits never exceeds it.
   */
  readBufferBytes: 6 * 1024 * 1024,
  /** Frames queued for writing to a peer that does not read them; beyond this the stream is reset. */
  maxQueuedFrames: 64,
  /** The peer's `hello` must arrive within this. */
  helloTimeoutMs: 10_000,
  /** An `entries` frame must be acknowledged, and a `clock-query` answered, within this. */
  ackTimeoutMs: 30_000,
  /** Once a frame's first byte has arrived, the rest of it must arrive within this. */
  frameTimeoutMs: 30_000,
} as const;

export type Limits = { -readonly [K in keyof typeof LIMITS]: number };

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** What a device holds of one author (see replica/replica.ts AuthorHead). */
export const authorHeadSchema = z.object({
  seq,
  head: hex(32),
  /** Entries held beyond one per seq (fork evidence); absent when none. */
  extra: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
});

/** A whole clock, author → head: what bundle headers and clock files carry (files, not frames). */
export const clockSchema = z.record(hex(32), authorHeadSchema);
export type SyncClock = z.infer<typeof clockSchema>;

/** A prefix of author keys names the range of authors whose key starts with it ('' is every author). */
const prefix = z.string().regex(/^[0-9a-f]{0,64}$/, 'must be 0 to 64 lowercase hex characters');

/** A range's size and fingerprint (docs/PROTOCOL.md §4): equal fingerprints mean equal heads there. */
const summary = z.object({ authors: count, fp: hex(16) });

export const helloSchema = z.object({
  type: z.literal('hello'),
  /** Revisions of this protocol the sender speaks ("2.0", …); both sides use the newest they share. */
  versions: z.array(z.string().regex(/^\d{1,3}\.\d{1,3}$/)).min(1).max(16),
  /** The sender's author key, which must match the libp2p peer it speaks for. */
  device: hex(32),
  /** The sender's physical clock in epoch ms when sending, so each side can report skew. */
  time: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** The summary of the sender's whole clock. */
  clock: summary,
});

export const entriesSchema = z.object({
  type: z.literal('entries'),
  /** Entries in chain order per author (authors interleaved by time); each is verified on arrival like any ingested entry. */
  entries: z.array(z.unknown()).min(1).max(LIMITS.maxEntriesPerFrame),
});

export const ackSchema = z.object({
  type: z.literal('ack'),
  /** Count of `entries` frames processed so far on this stream. */
  frames: count,
  /** Entries stored, already known, and rejected from that frame. */
  added: count,
  known: count,
  rejected: count,
});

export const wantSchema = z.object({
  type: z.literal('want'),
  /** Authors whose whole chain the sender asks for, because a fork or gap showed up. */
  authors: z.array(hex(32)).min(1).max(LIMITS.maxWantAuthors),
});

export const clockQuerySchema = z.object({
  type: z.literal('clock-query'),
  /** Ranges of the sender's clock that differ from the receiver's summaries: "show me yours". */
  prefixes: z.array(prefix).min(1).max(LIMITS.maxPrefixesPerQuery),
});

export const clockPartSchema = z.object({
  prefix,
  /** Every author in the range with its head, when the range holds at most maxHeadsPerPart authors (or its prefix is a whole key) … */
  heads: z.record(hex(32), authorHeadSchema).optional(),
  /** … else the summaries of its non-empty sub-ranges (prefix + one hex digit). */
  children: z.array(summary.extend({ prefix })).max(16).optional(),
});
export type ClockPart = z.infer<typeof clockPartSchema>;

export const clockReplySchema = z.object({
  type: z.literal('clock-reply'),
  /** One part per prefix of the query it answers, in the query's order. */
  parts: z.array(clockPartSchema).min(1).max(LIMITS.maxPrefixesPerQuery),
});

export const ERROR_CODES = ['malformed-frame', 'frame-too-large', 'unexpected-message', 'timeout', 'wrong-device', 'flow-control', 'unsupported-version', 'internal'] as const;
export type ProtocolErrorCode = (typeof ERROR_CODES)[number];

export const errorSchema = z.object({
  type: z.literal('error'),
  /** One of ERROR_CODES; a later revision may send others, which are read as text. */
  code: z.string().max(64),
  message: z.string().max(1000),
});

const KNOWN = {
  hello: helloSchema,
  entries: entriesSchema,
  ack: ackSchema,
  want: wantSchema,
  'clock-query': clockQuerySchema,
  'clock-reply': clockReplySchema,
  error: errorSchema,
} as const;

export type SyncMessage = { [T in keyof typeof KNOWN]: z.infer<(typeof KNOWN)[T]> }[keyof typeof KNOWN];
/** A message of a type this revision does not know: read, then ignored. */
export interface UnknownMessage {
  type: 'unknown';
  name: string;
}

export class ProtocolError extends Error {
  constructor(readonly code: ProtocolErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** The peer ended the conversation with an `error` frame: close the stream, but it broke no rule. */
export class PeerReportedError extends Error {
  constructor(readonly code: string, message: string) {
    super(`peer reported ${code}: ${message}`);
    this.name = 'PeerReportedError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeMessage(message: SyncMessage): Uint8Array {
  const bytes = encoder.encode(JSON.stringify(message));
  if (bytes.length > LIMITS.maxFrameBytes) throw new ProtocolError('frame-too-large', `frame of ${bytes.length} bytes exceeds ${LIMITS.maxFrameBytes}`);
  return bytes;
}

/**
 * Parses one frame's payload. Unknown fields are dropped and an unknown `type` comes back as
 * UnknownMessage; anything else that is not a well-formed message is a ProtocolError.
 */
export function decodeMessage(payload: Uint8Array): SyncMessage | UnknownMessage {
  if (payload.length > LIMITS.maxFrameBytes) throw new ProtocolError('frame-too-large', `frame of ${payload.length} bytes exceeds ${LIMITS.maxFrameBytes}`);
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch {
    throw new ProtocolError('malformed-frame', 'frame is not UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError('malformed-frame', 'frame is not a JSON object');
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') throw new ProtocolError('malformed-frame', 'frame has no type');
  if (!Object.hasOwn(KNOWN, type)) return { type: 'unknown', name: type.slice(0, 64) };
  const parsed = KNOWN[type as keyof typeof KNOWN].safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProtocolError('malformed-frame', `frame is not a valid ${type} message: ${issue?.path.join('.') || '(message)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as SyncMessage;
}
