import { z } from 'zod';
import { canonicalJson, CanonicalEncodingError } from './canonical.js';
import { compareHlc, MAX_COUNTER, type Hlc } from './hlc.js';
import { toHex } from './hex.js';
import { bodySchemas, classificationSchema, entryIdSchema, entryKindSchema, type Classification, type EntryKind } from './kinds.js';

export const ENTRY_FORMAT_VERSION = 1;

export const authorSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters (an Ed25519 public key)');
export const hlcSchema = z.strictObject({
  t: z.number().int().min(0).max(2 ** 43 - 1, 'lies beyond the year 2248'),
  c: z.number().int().min(0).max(MAX_COUNTER),
});

const entryFields = {
  v: z.literal(ENTRY_FORMAT_VERSION),
  author: authorSchema,
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  prev: entryIdSchema.nullable(),
  hlc: hlcSchema,
  incident: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters (an incident id)'),
  kind: entryKindSchema,
  body: z.record(z.string(), z.unknown()),
  classification: classificationSchema,
};
/** Everything an entry says; its canonical encoding is what gets hashed and signed. */
export const unsignedEntrySchema = z
  .strictObject(entryFields)
  .refine((e) => (e.seq === 1) === (e.prev === null), { message: 'prev must be null exactly when seq is 1', path: ['prev'] });

export const signedEntrySchema = z.strictObject({
  id: entryIdSchema,
  ...entryFields,
  sig: z.string().regex(/^[0-9a-f]{128}$/, 'must be 128 lowercase hex characters (an Ed25519 signature)'),
});

export interface UnsignedEntry {
  v: typeof ENTRY_FORMAT_VERSION;
  author: string;
  seq: number;
  prev: string | null;
  hlc: Hlc;
  incident: string;
  kind: EntryKind;
  body: Record<string, unknown>;
  classification: Classification;
}

export interface SignedEntry extends UnsignedEntry {
  /** SHA-256 of the canonical bytes, lowercase hex. */
  id: string;
  /** Ed25519 signature over the canonical bytes, lowercase hex. */
  sig: string;
}

/** The few primitives entries need; Node and the browser each supply their own. */
export interface EntryCrypto {
  sha256(bytes: Uint8Array): Uint8Array;
  verify(publicKeyHex: string, message: Uint8Array, signatureHex: string): boolean;
}

export interface EntrySigner {
  readonly publicKeyHex: string;
  sign(message: Uint8Array): Uint8Array;
}

const utf8 = new TextEncoder();

/**
 * An entry's canonical bytes (RFC 8785, see canonical.ts), and its body's canonical JSON, which the
 * store keeps as the row's body. Written field by field in the scheme's key order (author, body,
 * classification, hlc, incident, kind, prev, seq, v) rather than by sorting keys each time; the
 * result is the same as canonicalJson() of those fields.
 */
export function canonicalEntry(entry: UnsignedEntry): { bytes: Uint8Array; bodyJson: string } {
  const { v, author, seq, prev, hlc, incident, kind, body, classification } = entry;
  const c = canonicalJson;
  try {
    const bodyJson = c(body);
    const json = `{"author":${c(author)},"body":${bodyJson},"classification":${c(classification)},"hlc":{"c":${c(hlc.c)},"t":${c(hlc.t)}},"incident":${c(incident)},"kind":${c(kind)},"prev":${c(prev)},"seq":${c(seq)},"v":${c(v)}}`;
    return { bytes: utf8.encode(json), bodyJson };
  } catch (error) {
    if (!(error instanceof CanonicalEncodingError)) throw error;
    // Encoded as one object, the error names the field ("seq: ...", "body.items[1]: ...").
    const json = canonicalJson({ v, author, seq, prev, hlc: { t: hlc.t, c: hlc.c }, incident, kind, body, classification });
    return { bytes: utf8.encode(json), bodyJson: canonicalJson(body) };
  }
}

export function entryCanonicalBytes(entry: UnsignedEntry): Uint8Array {
  return canonicalEntry(entry).bytes;
}

export function signEntry(entry: UnsignedEntry, signer: EntrySigner, crypto: EntryCrypto): SignedEntry {
  if (entry.author !== signer.publicKeyHex) throw new Error('entry author is not the signing device');
  const bytes = entryCanonicalBytes(entry);
  return { ...entry, id: toHex(crypto.sha256(bytes)), sig: toHex(signer.sign(bytes)) };
}

/** Validates a kind-specific body; returns the parsed body or the problems, each naming its field. */
export function parseBody(kind: EntryKind, body: unknown): { ok: true; body: Record<string, unknown> } | { ok: false; problems: string[] } {
  const result = bodySchemas[kind].safeParse(body);
  if (result.success) return { ok: true, body: result.data as Record<string, unknown> };
  return { ok: false, problems: result.error.issues.map((i) => `body.${i.path.join('.') || '(body)'}: ${i.message}`) };
}

/** The one total order of the log: HLC, then author, then seq (then id, so even forks order the same everywhere). */
export function compareEntries(a: SignedEntry, b: SignedEntry): number {
  return compareHlc(a.hlc, b.hlc) || cmp(a.author, b.author) || a.seq - b.seq || cmp(a.id, b.id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function formatZodIssues(error: z.ZodError, prefix = ''): string {
  return error.issues.map((i) => `${prefix}${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
}
