import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { z } from 'zod';
import { formatZodIssues, signedEntrySchema, type SignedEntry } from '../../../shared/domain/entry.js';
import { isoInstantSchema } from '../../../shared/domain/kinds.js';
import { BakenError } from '../../../shared/contract/errors.js';
import { planSends, type AuthorSend } from '../replica/plan.js';
import type { Replica } from '../replica/replica.js';
import { clockSchema, type SyncClock } from './protocol.js';
import type { BundleImportView } from '../../../shared/contract/api.js';

/**
 * Sync by file (docs/BUNDLE.md): when there is no network, a USB stick carries entries between
 * laptops. A bundle is a text file of one JSON value per line: a header, the signed entries in chain
 * order per author, and an end marker with the count and SHA-256 of everything before it. Entries
 * travel exactly as signed, so the importer verifies each one like any received entry; the checksum
 * only tells whether the file arrived whole and unchanged.
 */

export const BUNDLE_FORMAT = 'baken-bundle';
export const BUNDLE_VERSION = 1;
export const CLOCK_FILE_FORMAT = 'baken-clock';
export const CLOCK_FILE_VERSION = 1;
/** Suffix of the file an export writes before it renames it to its final name. */
export const PARTIAL_SUFFIX = '.partial';
/** Longest entry line an importer reads (an entry is at most about 150 KiB of JSON). */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Longest header line (its clock may list up to 10 000 authors at about 180 bytes each). */
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;
/** Largest clock file readClockFile accepts. */
export const MAX_CLOCK_FILE_BYTES = 4 * 1024 * 1024;
/** Entries per store.ingest call (one transaction each) ... */
export const IMPORT_BATCH_ENTRIES = 1000;
/** ... or fewer, when their lines add up to this many bytes. */
export const IMPORT_BATCH_BYTES = 8 * 1024 * 1024;
/** Rejected entries listed one by one in an import report; beyond this they are only counted. */
export const MAX_REJECTED_DETAILS = 10_000;

const EXPORT_PAGE = 1000;
const WRITE_CHUNK_BYTES = 256 * 1024;
const NEWLINE = Buffer.from('\n');

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');
export const teamSchema = z.strictObject({ id: z.string().min(1).max(200), name: z.string().min(1).max(200) });

export const bundleHeaderSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  created: isoInstantSchema,
  /** The exporting device's author key. */
  device: hex64,
  team: teamSchema.nullable(),
  /** Entry lines between the header and the end marker. */
  entries: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** The exporter's clock when it wrote the bundle (all it held, not only what the bundle carries). */
  clock: clockSchema,
});
export type BundleHeader = z.infer<typeof bundleHeaderSchema>;

export const bundleTrailerSchema = z.strictObject({
  end: z.literal(BUNDLE_FORMAT),
  entries: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** SHA-256 of every byte before the end marker's line (header and entry lines with their newlines). */
  sha256: hex64,
});
export type BundleTrailer = z.infer<typeof bundleTrailerSchema>;

export const clockFileSchema = z.strictObject({
  format: z.literal(CLOCK_FILE_FORMAT),
  version: z.literal(CLOCK_FILE_VERSION),
  device: hex64,
  clock: clockSchema,
});
export type ClockFile = z.infer<typeof clockFileSchema>;

/** What an export reads from the log. */
export type BundleSource = Pick<Replica, 'author' | 'authorHeads' | 'chainAfter' | 'idsAtSeq'>;
/** What an import writes to. */
export type BundleTarget = Pick<Replica, 'ingest'>;

export interface ExportBundleOptions {
  /** Final file name; the bundle is written to `out + '.partial'`, synced, then renamed. */
  out: string;
  /** The receiver's clock: export only what it lacks. Absent: export everything. */
  since?: SyncClock;
  /** The exporting device (author key, 64 hex). */
  device: string;
  team?: { id: string; name: string } | null;
  onProgress?(done: number, total: number): void;
  /** Epoch ms for the header's `created` (default Date.now). */
  now?: () => number;
}

export interface ExportBundleResult {
  entries: number;
  bytes: number;
  file: string;
}

export interface ImportBundleOptions {
  onProgress?(done: number, total: number): void;
  /**
   * This device's team. A bundle written in another team is refused before anything is stored
   * (two teams' logs should not mix by accident), unless `anyTeam` is set.
   */
  team?: { id: string; name: string } | null;
  anyTeam?: boolean;
}

/** What the contract reports (see BundleImportView for the fields), plus what only the backend uses. */
export interface ImportReport extends BundleImportView {
  /** Entries stored as fork evidence (a second entry for an author's seq). */
  forks: number;
  /** Entries stored with a clock-skew flag (stamped too far ahead of this device). */
  skewed: number;
  /** The bundle's header, or null when it is damaged (the entries are imported all the same). */
  header: BundleHeader | null;
}

// ---------------------------------------------------------------------------------------------
// Export

/** One author's part of an export: planSends' rule, and how many entries that was when it started. */
interface AuthorPlan extends AuthorSend {
  count: number;
}

/** Walks one author's planned entries page by page; stops at `until` and after `limit` entries. */
function* plannedPages(store: BundleSource, plan: AuthorSend, limit: number): Generator<SignedEntry[]> {
  let cursor = plan.from;
  let left = limit;
  while (left > 0) {
    const chunk = store.chainAfter(plan.author, cursor.seq, cursor.id, EXPORT_PAGE);
    const taken: SignedEntry[] = [];
    for (const entry of chunk) {
      if (entry.seq > plan.until || taken.length >= left) break;
      taken.push(entry);
    }
    if (taken.length > 0) yield taken;
    left -= taken.length;
    if (taken.length < chunk.length || chunk.length < EXPORT_PAGE) return;
    const last = chunk[chunk.length - 1]!;
    cursor = { seq: last.seq, id: last.id };
  }
}

/** One entry as a bundle line: exactly its signed fields, in a fixed order, no local fields. */
export function bundleEntryLine(entry: SignedEntry): string {
  const { id, v, author, seq, prev, hlc, incident, kind, body, classification, sig } = entry;
  return `${JSON.stringify({ id, v, author, seq, prev, hlc: { t: hlc.t, c: hlc.c }, incident, kind, body, classification, sig })}\n`;
}

/**
 * Writes a bundle of what the receiver lacks (everything, without `since`). The file appears under
 * its final name only once it is complete and synced to the medium.
 */
export async function exportBundle(store: BundleSource, options: ExportBundleOptions): Promise<ExportBundleResult> {
  const heads = store.authorHeads();
  const plans: AuthorPlan[] = [];
  let total = 0;
  const holds = (author: string, seq: number, id: string) => store.idsAtSeq(author, seq).includes(id);
  for (const plan of planSends(heads, options.since, holds).sends) {
    // Counting first, because the header states the count. Entries appended or received meanwhile
    // are left out (the `until` and `count` bounds), so the header always tells the truth.
    let count = 0;
    let pages = 0;
    for (const page of plannedPages(store, plan, Number.MAX_SAFE_INTEGER)) {
      count += page.length;
      if (++pages % 20 === 0) await yieldToEventLoop();
    }
    if (count > 0) plans.push({ ...plan, count });
    total += count;
  }
  const header = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    created: new Date((options.now ?? Date.now)()).toISOString(),
    device: options.device,
    team: options.team ?? null,
    entries: total,
    clock: Object.fromEntries(heads) as SyncClock,
  };
  const checked = bundleHeaderSchema.safeParse(header);
  if (!checked.success) throw new BakenError('invalid-input', `cannot write a bundle: ${formatZodIssues(checked.error, 'header.')}`);

  const written = await writeAtomically(options.out, `writing the bundle ${options.out}`, async (sink) => {
    const hash = createHash('sha256');
    sink.onChunk = (bytes) => hash.update(bytes);
    await sink.push(`${JSON.stringify(header)}\n`);
    let done = 0;
    options.onProgress?.(0, total);
    for (const plan of plans) {
      for (const page of plannedPages(store, plan, plan.count)) {
        for (const entry of page) await sink.push(bundleEntryLine(entry));
        done += page.length;
        options.onProgress?.(done, total);
      }
    }
    if (done !== total) throw new Error(`internal: counted ${total} entries but wrote ${done}`);
    await sink.drain();
    sink.onChunk = null;
    const trailer: BundleTrailer = { end: BUNDLE_FORMAT, entries: total, sha256: hash.digest('hex') };
    await sink.push(`${JSON.stringify(trailer)}\n`);
  });
  return { entries: total, bytes: written, file: options.out };
}

/**
 * Writes this device's clock, for a sender to export only what this device lacks (`--since`).
 * Synchronous (the file is small): when it returns, the file is complete and synced.
 */
export function exportClock(store: Pick<BundleSource, 'author' | 'authorHeads'>, out: string): { file: string; authors: number } {
  const clock = Object.fromEntries(store.authorHeads()) as SyncClock;
  const file: ClockFile = { format: CLOCK_FILE_FORMAT, version: CLOCK_FILE_VERSION, device: store.author, clock };
  const partial = out + PARTIAL_SUFFIX;
  let fd: number | null = null;
  try {
    fd = openSync(partial, 'w', 0o600);
    writeFileSync(fd, `${JSON.stringify(file)}\n`);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(partial, out);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    rmSync(partial, { force: true });
    throw writeError(error, out, `writing the clock file ${out}`);
  }
  syncFolderSync(dirname(out));
  return { file: out, authors: Object.keys(clock).length };
}

/** Reads and checks a clock file written by exportClock; anything else is BakenError('invalid-input'). */
export function readClockFile(path: string): SyncClock {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_CLOCK_FILE_BYTES) throw new BakenError('invalid-input', `${path} is not a Baken clock file (it is ${size} bytes, far more than a clock)`);
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (error) {
    if (error instanceof BakenError) throw error;
    throw readError(error, path, 'clock file');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BakenError('invalid-input', `${path} is not a Baken clock file (not JSON)`);
  }
  const envelope = value as { format?: unknown; version?: unknown } | null;
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope) || envelope.format !== CLOCK_FILE_FORMAT) {
    throw new BakenError('invalid-input', `${path} is not a Baken clock file`);
  }
  if (typeof envelope.version === 'number' && Number.isInteger(envelope.version) && envelope.version > CLOCK_FILE_VERSION) {
    throw new BakenError('invalid-input', `${path} was written by a newer Baken (clock file version ${envelope.version}; this Baken reads version ${CLOCK_FILE_VERSION}); update Baken to use it`);
  }
  const parsed = clockFileSchema.safeParse(value);
  if (!parsed.success) throw new BakenError('invalid-input', `${path} is a damaged Baken clock file: ${formatZodIssues(parsed.error)}`);
  return parsed.data.clock;
}

interface Sink {
  push(text: string): Promise<void>;
  /** Writes out what is buffered. */
  drain(): Promise<void>;
  /** Sees every chunk of bytes as it is written. */
  onChunk: ((bytes: Buffer) => void) | null;
}

/**
 * Writes `out + '.partial'`, syncs it, renames it to `out` and syncs the folder: a yanked stick or a
 * crash leaves at most a `.partial` file, never a half file under the final name. Returns the bytes written.
 */
async function writeAtomically(out: string, doing: string, write: (sink: Sink) => Promise<void>): Promise<number> {
  const partial = out + PARTIAL_SUFFIX;
  let handle: FileHandle | null = null;
  let bytes = 0;
  try {
    handle = await open(partial, 'w', 0o600);
    const fh = handle;
    let buffered: string[] = [];
    let size = 0;
    const sink: Sink = {
      onChunk: null,
      async drain() {
        if (buffered.length === 0) return;
        const chunk = Buffer.from(buffered.join(''), 'utf8');
        buffered = [];
        size = 0;
        sink.onChunk?.(chunk);
        for (let offset = 0; offset < chunk.length; ) offset += (await fh.write(chunk, offset, chunk.length - offset)).bytesWritten;
        bytes += chunk.length;
      },
      async push(text) {
        buffered.push(text);
        size += text.length;
        if (size >= WRITE_CHUNK_BYTES) await sink.drain();
      },
    };
    await write(sink);
    await sink.drain();
    await fh.sync();
    handle = null;
    await fh.close();
    await rename(partial, out);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(partial).catch(() => undefined);
    throw writeError(error, out, doing);
  }
  await syncFolder(dirname(out));
  return bytes;
}

function syncFolderSync(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort, as below
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Makes the rename durable where the platform allows it (Windows cannot open a folder this way). */
async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function errorCode(error: unknown): string {
  return String((error as { code?: unknown }).code ?? '');
}

function writeError(error: unknown, out: string, doing: string): BakenError {
  if (error instanceof BakenError) return error;
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') return new BakenError('disk-full', `${doing} failed: the disk is full; no file was left behind`, { cause: error });
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return new BakenError('read-only', `${doing} failed: ${dirname(out)} is read-only or not writable`, { cause: error });
  if (code === 'ENOENT' || code === 'ENOTDIR') return new BakenError('not-found', `${doing} failed: the folder ${dirname(out)} does not exist`, { cause: error });
  if (code === 'EISDIR') return new BakenError('invalid-input', `${doing} failed: ${out} is a folder`, { cause: error });
  return new BakenError('storage', `${doing} failed: ${detail}`, { cause: error });
}

function readError(error: unknown, path: string, what: string): BakenError {
  if (error instanceof BakenError) return error;
  const code = errorCode(error);
  if (code === 'ENOENT') return new BakenError('not-found', `no such ${what}: ${path}`, { cause: error });
  if (code === 'EISDIR') return new BakenError('invalid-input', `${path} is a folder, not a Baken ${what}`, { cause: error });
  if (error instanceof TypeError) return new BakenError('invalid-input', `${path} is not a Baken ${what} (not UTF-8 text)`, { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new BakenError('invalid-input', `cannot read ${path}: ${detail}`, { cause: error });
}

// ---------------------------------------------------------------------------------------------
// Import

interface Line {
  /** 1-based line number. */
  no: number;
  /** The line's bytes without its newline; null when it was longer than allowed (then skipped unread). */
  bytes: Buffer | null;
  length: number;
  /** False for a last line that the file ends in the middle of (no newline). */
  terminated: boolean;
}

/**
 * Splits a byte stream into lines without ever holding more than `limitFor(line)` bytes of one line.
 * Each line's bytes (and newline) go into `hash` after the consumer has seen the line, so when a line
 * turns out to be the end marker, `hash` covers exactly the bytes before it.
 */
async function* readLines(source: AsyncIterable<Buffer>, hash: Hash, limitFor: (no: number) => number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let no = 1;
  for await (const chunk of source) {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, newline === -1 ? chunk.length : newline);
      if (!tooLong && size + piece.length > limitFor(no)) {
        tooLong = true;
        for (const part of parts) hash.update(part);
        parts = [];
      }
      if (tooLong) hash.update(piece);
      else parts.push(piece);
      size += piece.length;
      if (newline === -1) break;
      const bytes = tooLong ? null : Buffer.concat(parts, size);
      yield { no, bytes, length: size, terminated: true };
      if (bytes) hash.update(bytes);
      hash.update(NEWLINE);
      parts = [];
      size = 0;
      tooLong = false;
      no++;
      start = newline + 1;
    }
  }
  if (size > 0 || tooLong) yield { no, bytes: tooLong ? null : Buffer.concat(parts, size), length: size, terminated: false };
}

const isJsonSpace = (byte: number): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0d;
const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Imports a bundle: every entry is verified by store.ingest (batches of up to 1000, one transaction
 * each), so nothing invalid is stored whatever the file holds. Throws only when the file cannot be
 * read or is not a Baken bundle; a truncated, changed or partly damaged bundle is imported as far as
 * it is valid and the report says what was wrong.
 */
export async function importBundle(store: BundleTarget, file: string, options: ImportBundleOptions = {}): Promise<ImportReport> {
  const report: ImportReport = { entries: 0, added: 0, known: 0, pending: 0, rejected: [], complete: false, problems: [], forks: 0, skewed: 0, header: null };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const hash = createHash('sha256');
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  const lines = readLines(stream, hash, (no) => (no === 1 ? MAX_HEADER_BYTES : MAX_LINE_BYTES));

  let headerSeen = false;
  let announced: number | null = null;
  let trailerLine: number | null = null;
  let afterTrailer = 0;
  let cutLine: number | null = null;
  let rejectedBeyondDetails = 0;
  /** Ids of this import's entries waiting for a predecessor, with their line numbers. */
  const waiting = new Map<string, number>();
  let batch: unknown[] = [];
  let batchLines = new Map<string, number>();
  let batchBytes = 0;
  let reported = -1;

  const progress = () => {
    if (report.entries <= reported) return;
    reported = report.entries;
    options.onProgress?.(report.entries, Math.max(announced ?? 0, report.entries));
  };
  const reject = (id: string | null, line: number, reason: string) => {
    if (report.rejected.length < MAX_REJECTED_DETAILS) report.rejected.push({ id, line, reason });
    else rejectedBeyondDetails++;
  };
  const flush = () => {
    if (batch.length > 0) {
      const result = store.ingest(batch);
      report.added += result.added.length;
      report.known += result.known;
      report.forks += result.forks.length;
      report.skewed += result.skewed.length;
      for (const id of result.added) waiting.delete(id);
      for (const id of result.pending) waiting.set(id, batchLines.get(id) ?? 0);
      for (const { id, reason } of result.rejected) {
        const line = id === null ? 0 : (batchLines.get(id) ?? waiting.get(id) ?? 0);
        if (id !== null) waiting.delete(id);
        reject(id, line, reason);
      }
      batch = [];
      batchLines = new Map();
      batchBytes = 0;
    }
    progress();
  };

  const handleHeader = (line: Line): void => {
    let value: unknown = undefined;
    try {
      if (line.bytes) value = JSON.parse(decoder.decode(line.bytes));
    } catch {
      value = undefined;
    }
    if (!isPlainObject(value) || value.format !== BUNDLE_FORMAT) {
      const start = line.bytes?.subarray(0, 40).toString('latin1') ?? '';
      if (/^\{\s*"format"\s*:\s*"baken-bundle"/.test(start)) throw new BakenError('invalid-input', `${file} is a damaged Baken bundle: its first line is cut off or changed; nothing was imported`);
      throw new BakenError('invalid-input', `${file} is not a Baken bundle`);
    }
    if (typeof value.version === 'number' && Number.isInteger(value.version) && value.version > BUNDLE_VERSION) {
      throw new BakenError('invalid-input', `${file} was written by a newer Baken (bundle version ${value.version}; this Baken reads version ${BUNDLE_VERSION}); update Baken to import it`);
    }
    if (value.version !== BUNDLE_VERSION) throw new BakenError('invalid-input', `${file} is not a Baken bundle (unknown version ${JSON.stringify(value.version)})`);
    const parsed = bundleHeaderSchema.safeParse(value);
    if (parsed.success) {
      const theirs = parsed.data.team;
      if (theirs && options.team && theirs.id !== options.team.id && !options.anyTeam) {
        throw new BakenError('invalid-input', `${file} comes from team "${theirs.name}" (${theirs.id}), not from this device's team "${options.team.name}" (${options.team.id}); nothing was imported. To import it anyway, add --any-team`);
      }
      report.header = parsed.data;
      announced = parsed.data.entries;
    } else {
      report.problems.push(`the header is damaged (${formatZodIssues(parsed.error)}); every entry was checked all the same`);
      if (typeof value.entries === 'number' && Number.isSafeInteger(value.entries) && value.entries >= 0) announced = value.entries;
    }
    headerSeen = true;
    reported = 0;
    options.onProgress?.(0, announced ?? 0);
  };

  const handleTrailer = (line: Line, value: Record<string, unknown>): void => {
    if (trailerLine !== null) {
      report.problems.push(`the file was changed after it was written: a second end marker on line ${line.no}`);
      return;
    }
    const digest = hash.copy().digest('hex');
    const parsed = bundleTrailerSchema.safeParse(value);
    trailerLine = line.no;
    if (!parsed.success) {
      report.problems.push(`the end marker on line ${line.no} is damaged (${formatZodIssues(parsed.error)})`);
      return;
    }
    if (parsed.data.sha256 !== digest) report.problems.push('the file was changed after it was written: its checksum (sha256) does not match the end marker');
    if (parsed.data.entries !== report.entries) {
      report.problems.push(`the file was changed after it was written: the end marker counts ${parsed.data.entries} entries, the file holds ${report.entries}`);
    }
    if (announced !== null && announced !== report.entries && announced !== parsed.data.entries) {
      report.problems.push(`the file was changed after it was written: the header announces ${announced} entries, the file holds ${report.entries}`);
    }
  };

  const handleEntryLine = (line: Line): void => {
    const afterEnd = trailerLine !== null;
    if (line.bytes && line.terminated && line.bytes.every(isJsonSpace)) {
      // Not an entry; a blank line changes the checksum (before the end marker) or is reported below.
      if (afterEnd) afterTrailer++;
      return;
    }
    if (!line.bytes) {
      if (afterEnd) afterTrailer++;
      report.entries++;
      reject(null, line.no, `too long: the line has more than ${MAX_LINE_BYTES} bytes, which no entry has`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(line.bytes));
    } catch (error) {
      if (!line.terminated) {
        cutLine = line.no;
        return;
      }
      if (afterEnd) afterTrailer++;
      report.entries++;
      reject(null, line.no, error instanceof SyntaxError ? 'not JSON: the line is damaged' : 'not text: the line is not valid UTF-8');
      return;
    }
    if (isPlainObject(value) && Object.hasOwn(value, 'end')) {
      handleTrailer(line, value);
      return;
    }
    if (afterEnd) afterTrailer++;
    report.entries++;
    const id = isPlainObject(value) && typeof value.id === 'string' ? value.id.slice(0, 64) : null;
    if (id === null) {
      const parsed = signedEntrySchema.safeParse(value);
      reject(null, line.no, parsed.success ? 'malformed: no id' : `malformed: ${formatZodIssues(parsed.error)}`);
      return;
    }
    // Ingest keeps the first of two entries with one id in a batch; a damaged copy must not hide a
    // good one, so a repeated id starts a new batch (where it is known, or checked on its own).
    if (batchLines.has(id)) flush();
    batch.push(value);
    batchLines.set(id, line.no);
    batchBytes += line.length;
    if (batch.length >= IMPORT_BATCH_ENTRIES || batchBytes >= IMPORT_BATCH_BYTES) flush();
  };

  const iterator = lines[Symbol.asyncIterator]();
  try {
    for (;;) {
      let step: IteratorResult<Line>;
      try {
        step = await iterator.next();
      } catch (error) {
        if (!headerSeen) throw readError(error, file, 'bundle');
        flush();
        report.problems.push(`reading ${file} failed after ${report.entries} entries (${error instanceof Error ? error.message : String(error)}); the entries read were checked and kept`);
        break;
      }
      if (step.done) {
        if (!headerSeen) throw new BakenError('invalid-input', `${file} is not a Baken bundle (the file is empty)`);
        break;
      }
      const line = step.value;
      if (!headerSeen) handleHeader(line);
      else handleEntryLine(line);
    }
    flush();
  } finally {
    await iterator.return?.(undefined).catch(() => undefined);
    stream.destroy();
  }

  if (trailerLine === null) {
    const of = announced !== null ? ` of ${announced}` : '';
    const cut = cutLine !== null ? `, in the middle of line ${cutLine},` : '';
    report.problems.push(`truncated: the file ends after ${report.entries}${of} entries${cut} without its end marker; every complete entry was checked and kept, export the bundle again for the rest`);
  } else if (cutLine !== null) {
    report.problems.push(`the file was changed after it was written: it ends in a cut-off line ${cutLine} after the end marker`);
  }
  if (afterTrailer > 0) report.problems.push(`the file was changed after it was written: ${afterTrailer} lines follow the end marker (entries among them were checked like the others)`);
  report.complete = report.problems.length === 0;
  if (rejectedBeyondDetails > 0) report.problems.push(`${rejectedBeyondDetails} more lines were rejected than are listed (the first ${MAX_REJECTED_DETAILS} are)`);
  report.pending = waiting.size;
  return report;
}
