import { z } from 'zod';
import { canonicalJson, CanonicalEncodingError } from './canonical.js';
import { compareHlc, MAX_COUNTER, MAX_HLC_TIME, type Hlc } from './hlc.js';
import { plainEnvelope, type EnvelopeFields } from './envelope-fast-path.js';
import { HEX_16_BYTES, HEX_32_BYTES, HEX_64_BYTES, toHex } from './hex.js';
import { bodySchemas, classificationSchema, entryIdSchema, isEntryKind, kindNameSchema, receivedBodySchemas, unknownBodyFields, type Classification, type EntryBody, type EntryKind } from './kinds.js';

export const ENTRY_FORMAT_VERSION = 1;

export const authorSchema = z.string().regex(HEX_32_BYTES, 'must be 64 lowercase hex characters (an Ed25519 public key)');
export const hlcSchema = z.strictObject({
  t: z.number().int().min(0).max(MAX_HLC_TIME, 'lies beyond the year 2248'),
  c: z.number().int().min(0).max(MAX_COUNTER),
});

const entryFields = {
  v: z.literal(ENTRY_FORMAT_VERSION),
  author: authorSchema,
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  prev: entryIdSchema.nullable(),
  hlc: hlcSchema,
  incident: z.string().regex(HEX_16_BYTES, 'must be 32 lowercase hex characters (an incident id)'),
  kind: kindNameSchema,
  body: z.record(z.string(), z.unknown()),
  classification: classificationSchema,
};

/**
 * A signed entry's fields, with the kind only checked to be a kind's name and the body only to be an
 * object: parseSignedEntry applies the kind's schema when this version knows the kind, and is what
 * anything taking entries from outside should call.
 */
export const signedEntrySchema = z.strictObject({
  id: entryIdSchema,
  ...entryFields,
  sig: z.string().regex(HEX_64_BYTES, 'must be 128 lowercase hex characters (an Ed25519 signature)'),
});

type SignedEntryFields = z.output<typeof signedEntrySchema>;
// plainEnvelope (the schema's common case by hand) must return exactly the schema's output type.
const sameFields: [SignedEntryFields, EnvelopeFields] extends [EnvelopeFields, SignedEntryFields] ? true : never = true;
void sameFields;

/**
 * The fields every entry has whatever its kind (everything but kind, body, id and sig). Kept apart
 * from the per-kind types below so that an entry whose kind this version does not know can still be
 * described by it.
 */
export interface EntryEnvelope {
  v: typeof ENTRY_FORMAT_VERSION;
  author: string;
  seq: number;
  prev: string | null;
  hlc: Hlc;
  incident: string;
  classification: Classification;
}

export interface EntrySeal {
  /** SHA-256 of the canonical bytes, lowercase hex. */
  id: string;
  /** Ed25519 signature over the canonical bytes, lowercase hex. */
  sig: string;
}

// Written as a map over K indexed by K, so that for a union K these are the union of one entry type
// per kind (each kind with its own body, never one kind with another's body), and for a generic K
// TypeScript reads them as EntryEnvelope & { kind: K; body: EntryBody<K> }.
/** An entry of kind K (or of one of the kinds in K), before signing. */
export type UnsignedEntryOf<K extends EntryKind> = { [P in K]: EntryEnvelope & { kind: P; body: EntryBody<P> } }[K];
/** Any entry before signing; `kind` tells which body it has. */
export type UnsignedEntry = UnsignedEntryOf<EntryKind>;
/** A signed entry of kind K (or of one of the kinds in K). */
export type SignedEntryOf<K extends EntryKind> = { [P in K]: EntryEnvelope & EntrySeal & { kind: P; body: EntryBody<P> } }[K];
/** Any signed entry; checking `kind` narrows `body` to that kind's schema. */
export type SignedEntry = SignedEntryOf<EntryKind>;

/**
 * A signed entry of a kind this version does not know, written by a newer version: verified like any
 * other (hash, signature, chain), stored, relayed and exported unchanged, but not read. Its kind is
 * never one of ENTRY_KINDS (parseSignedEntry and the store see to that), which is why
 * isKnownEntry can tell the two apart by kind alone.
 */
export type ForeignEntry = EntryEnvelope & EntrySeal & { kind: string; body: Record<string, unknown> };
/**
 * Any verified entry, of a kind this version knows or not: what the log holds. Code that reads
 * bodies narrows it with isKnownEntry first; code that only stores, relays or lists entries takes it
 * as it is. (A known kind's body may also carry fields a newer version added; its type names only
 * the fields this version knows, and the extra ones ride along untouched.)
 */
export type AnyEntry = SignedEntry | ForeignEntry;

/** Whether this version knows the entry's kind, and so can read its body. */
export function isKnownEntry<E extends AnyEntry>(entry: E): entry is Extract<E, SignedEntry> {
  return isEntryKind(entry.kind);
}

/**
 * What of an entry this version cannot read because a newer version wrote it: its whole kind, or
 * body fields its kind does not have here. Null when it reads all of it.
 */
export interface NewerContent {
  /** The kind itself is unknown here: nothing of the body is read. */
  unknownKind: boolean;
  /** Body fields this version does not know, sorted (every field, for an unknown kind). */
  unknownFields: string[];
}

export function newerContent(entry: AnyEntry): NewerContent | null {
  if (!isKnownEntry(entry)) return { unknownKind: true, unknownFields: Object.keys(entry.body).sort() };
  const unknownFields = unknownBodyFields(entry.kind, entry.body);
  return unknownFields.length > 0 ? { unknownKind: false, unknownFields } : null;
}

/** What the canonical encoding reads: it hashes any body as it is, whatever the kind. */
export type EncodableEntry = EntryEnvelope & { kind: string; body: unknown };

/** The few primitives entries need; Node and the browser each supply their own. */
export interface EntryCrypto {
  sha256(bytes: Uint8Array): Uint8Array;
  /** SHA-256 of a text's UTF-8 bytes, where the platform hashes text without encoding it first (Node does). */
  sha256Utf8?(text: string): Uint8Array;
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
export function canonicalEntry(entry: EncodableEntry): { bytes: Uint8Array; bodyJson: string } {
  const { json, bodyJson } = canonicalEntryText(entry);
  return { bytes: utf8.encode(json), bodyJson };
}

/** canonicalEntry as text (the bytes are its UTF-8), for a hash that takes text: see entryTextHash. */
export function canonicalEntryText(entry: EncodableEntry): { json: string; bodyJson: string } {
  const { v, author, seq, prev, hlc, incident, kind, body, classification } = entry;
  try {
    const bodyJson = canonicalJson(body);
    const json = `{"author":${word(author)},"body":${bodyJson},"classification":${word(classification)},"hlc":{"c":${integer(hlc.c)},"t":${integer(hlc.t)}},"incident":${word(incident)},"kind":${word(kind)},"prev":${word(prev)},"seq":${integer(seq)},"v":${integer(v)}}`;
    return { json, bodyJson };
  } catch (error) {
    if (!(error instanceof CanonicalEncodingError)) throw error;
    // Encoded as one object, the error names the field ("seq: ...", "body.items[1]: ...").
    const json = canonicalJson({ v, author, seq, prev, hlc: { t: hlc.t, c: hlc.c }, incident, kind, body, classification });
    return { json, bodyJson: canonicalJson(body) };
  }
}

// The envelope's strings are hex, kind names and classifications, its numbers safe integers: their
// canonical form is written directly, anything else goes through the general encoder (which also
// refuses what cannot be encoded). About 4 of the 7 µs canonicalEntryText took per received entry.
const WORD = /^[0-9a-z-]*$/;
const word = (value: unknown) => (typeof value === 'string' && WORD.test(value) ? `"${value}"` : canonicalJson(value));
const integer = (value: unknown) => (Number.isSafeInteger(value) ? String(value) : canonicalJson(value));

/**
 * An entry's id from its canonical text: hashed as text where the platform can (no copy into a byte
 * array first: about 1 µs less per received entry in Node), else as its UTF-8 bytes.
 */
export function entryTextHash(json: string, crypto: EntryCrypto): string {
  return toHex(crypto.sha256Utf8 ? crypto.sha256Utf8(json) : crypto.sha256(utf8.encode(json)));
}

export function entryCanonicalBytes(entry: EncodableEntry): Uint8Array {
  return canonicalEntry(entry).bytes;
}

export function signEntry<K extends EntryKind>(entry: UnsignedEntryOf<K>, signer: EntrySigner, crypto: EntryCrypto): SignedEntryOf<K> {
  return signEntryEncoded(entry, signer, crypto).entry;
}

/** signEntry, with the body's canonical JSON it encoded on the way, which a store writes as the row's body. */
export function signEntryEncoded<K extends EntryKind>(entry: UnsignedEntryOf<K>, signer: EntrySigner, crypto: EntryCrypto): { entry: SignedEntryOf<K>; bodyJson: string } {
  if (entry.author !== signer.publicKeyHex) throw new Error('entry author is not the signing device');
  const { bytes, bodyJson } = canonicalEntry(entry);
  return { entry: { ...entry, id: toHex(crypto.sha256(bytes)), sig: toHex(signer.sign(bytes)) }, bodyJson };
}

// The same schemas, typed so that indexing with a generic K gives K's body type (indexing
// bodySchemas itself gives the union of every kind's schema).
const bodySchemaOf: { [K in EntryKind]: z.ZodType<EntryBody<K>> } = bodySchemas;

/** Validates a kind-specific body; returns the parsed body or the problems, each naming its field. */
export function parseBody<K extends EntryKind>(kind: K, body: unknown): { ok: true; body: EntryBody<K> } | { ok: false; problems: string[] } {
  const result = bodySchemaOf[kind].safeParse(body);
  if (result.success) return { ok: true, body: result.data };
  return { ok: false, problems: result.error.issues.map((i) => `body.${i.path.join('.') || '(body)'}: ${i.message}`) };
}

/** On failure, `part` tells whether the entry's own fields or its kind's body were wrong; each problem names its field. */
export type SignedEntryParse = { ok: true; entry: AnyEntry } | { ok: false; part: 'envelope' | 'body'; problems: string[] };

/**
 * Validates a signed entry from outside (another device, a bundle): its fields, the seq/prev rule,
 * and, when this version knows its kind, its body against the kind's schema, keeping any fields a
 * newer version added. An entry of a kind this version does not know is never refused for that: it
 * comes back as a ForeignEntry. It does not check the hash, the signature or whether the entry can
 * be encoded canonically; those need the bytes, which the caller computes once.
 */
export function parseSignedEntry(input: unknown): SignedEntryParse {
  let fields: SignedEntryFields | null = plainEnvelope(input);
  if (!fields) {
    const parsed = signedEntrySchema.safeParse(input);
    if (!parsed.success) return { ok: false, part: 'envelope', problems: zodProblems(parsed.error) };
    fields = parsed.data;
  }
  if ((fields.seq === 1) !== (fields.prev === null)) return { ok: false, part: 'envelope', problems: ['prev must be null exactly when seq is 1'] };
  const { kind } = fields;
  if (!isEntryKind(kind)) return { ok: true, entry: { ...fields, kind } };
  return withBodyOfKind(fields, kind);
}

// Generic in K so that the body parsed for `kind` is known to belong to it; called with the union
// EntryKind, SignedEntryOf<EntryKind> is SignedEntry.
function withBodyOfKind<K extends EntryKind>(fields: SignedEntryFields, kind: K): { ok: true; entry: SignedEntryOf<K> } | { ok: false; part: 'body'; problems: string[] } {
  const result = receivedBodySchemas[kind].safeParse(fields.body);
  if (!result.success) return { ok: false, part: 'body', problems: result.error.issues.map((i) => `body.${i.path.join('.') || '(body)'}: ${i.message}`) };
  const entry: SignedEntryOf<K> = { ...fields, kind, body: result.data };
  return { ok: true, entry };
}

/** What the log's order reads of an entry. */
export type Ordered = Pick<AnyEntry, 'hlc' | 'author' | 'seq' | 'id'>;

/** The one total order of the log: HLC, then author, then seq (then id, so even forks order the same everywhere). */
export function compareEntries(a: Ordered, b: Ordered): number {
  return compareHlc(a.hlc, b.hlc) || cmp(a.author, b.author) || a.seq - b.seq || cmp(a.id, b.id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function formatZodIssues(error: z.ZodError, prefix = ''): string {
  return zodProblems(error, prefix).join('; ');
}

function zodProblems(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((i) => `${prefix}${i.path.join('.') || '(value)'}: ${i.message}`);
}
