import { z } from 'zod';

/**
 * /baken/sync/1.0.0 — see docs/PROTOCOL.md. Frames are unsigned-varint length-prefixed UTF-8 JSON
 * objects; entries inside travel exactly as signed (docs/DATA-MODEL.md), so any peer can verify them.
 */
export const SYNC_PROTOCOL = '/baken/sync/1.0.0';
export const PROTOCOL_VERSION = 1;

export const LIMITS = {
  /** Largest frame either side may send; a bigger one resets the stream. */
  maxFrameBytes: 1024 * 1024,
  /** Entries per `entries` frame. */
  maxEntriesPerFrame: 1000,
  /** A sender packs entries up to about this many bytes per frame (big frames: one commit each at the receiver). */
  targetFrameBytes: 768 * 1024,
  /** Authors in one clock (a team has tens of laptops; this leaves room for years of replacements). */
  maxClockAuthors: 10_000,
  /** `entries` frames a sender may have in flight before it waits for an `ack`. */
  window: 4,
  /** The peer's `hello` must arrive within this. */
  helloTimeoutMs: 10_000,
  /** An `entries` frame must be acknowledged within this. */
  ackTimeoutMs: 30_000,
} as const;

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));

export const clockSchema = z
  .record(hex(32), z.strictObject({
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    head: hex(32),
    /** Entries held beyond one per seq (fork evidence); absent when none. */
    extra: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  }))
  .refine((clock) => Object.keys(clock).length <= LIMITS.maxClockAuthors, `a clock holds at most ${LIMITS.maxClockAuthors} authors`);
export type SyncClock = z.infer<typeof clockSchema>;

export const helloSchema = z.strictObject({
  type: z.literal('hello'),
  version: z.literal(PROTOCOL_VERSION),
  /** The sender's author key, which must match the libp2p peer it speaks for. */
  device: hex(32),
  clock: clockSchema,
  /** The sender's physical clock in epoch ms when sending, so each side can report skew. */
  time: z.number().int().min(0),
});

export const entriesSchema = z.strictObject({
  type: z.literal('entries'),
  /** Entries in chain order per author; each is verified on arrival like any ingested entry. */
  entries: z.array(z.unknown()).min(1).max(LIMITS.maxEntriesPerFrame),
});

export const ackSchema = z.strictObject({
  type: z.literal('ack'),
  /** Count of `entries` frames processed so far on this stream. */
  frames: z.number().int().min(0),
  /** Entries stored, already known, and rejected from those frames. */
  added: z.number().int().min(0),
  known: z.number().int().min(0),
  rejected: z.number().int().min(0),
});

export const wantSchema = z.strictObject({
  type: z.literal('want'),
  /** Authors whose whole chain the sender asks for, because a fork or gap showed up. */
  authors: z.array(hex(32)).min(1).max(LIMITS.maxClockAuthors),
});

export const errorSchema = z.strictObject({
  type: z.literal('error'),
  code: z.enum(['malformed-frame', 'frame-too-large', 'unexpected-message', 'timeout', 'wrong-device', 'internal']),
  message: z.string().max(1000),
});

export const messageSchema = z.discriminatedUnion('type', [helloSchema, entriesSchema, ackSchema, wantSchema, errorSchema]);
export type SyncMessage = z.infer<typeof messageSchema>;
export type ErrorMessage = z.infer<typeof errorSchema>;

export class ProtocolError extends Error {
  constructor(readonly code: ErrorMessage['code'], message: string) {
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

/** Parses one frame's payload; anything but a well-formed message is a ProtocolError. */
export function decodeMessage(payload: Uint8Array): SyncMessage {
  if (payload.length > LIMITS.maxFrameBytes) throw new ProtocolError('frame-too-large', `frame of ${payload.length} bytes exceeds ${LIMITS.maxFrameBytes}`);
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch {
    throw new ProtocolError('malformed-frame', 'frame is not UTF-8 JSON');
  }
  const parsed = messageSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProtocolError('malformed-frame', `frame is not a valid message: ${issue?.path.join('.') || '(message)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
