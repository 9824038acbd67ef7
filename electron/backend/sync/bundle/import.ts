import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { formatZodIssues, signedEntrySchema } from '../../../../shared/domain/entry.js';
import type { BundleImportView } from '../../../../shared/contract/api.js';
import { BakenError } from '../../../../shared/contract/errors.js';
import { createPipelinedIngest } from '../../entry-checks/pipelined-ingest.js';
import type { EntryChecker } from '../../entry-checks/pool.js';
import { storageError } from '../../errors.js';
import type { IngestReport } from '../../replica/replica.js';
import { IngestBatches, type BundleTarget } from './batches.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, bundleHeaderSchema, bundleTrailerSchema, MAX_HEADER_BYTES, MAX_LINE_BYTES, MAX_TEAM_TEXT, type BundleHeader } from './format.js';
import { readLines, type Line } from './lines.js';

export interface ImportBundleOptions {
  onProgress?(done: number, total: number): void;
  /** After each batch of entries is ingested (one transaction), with what ingest made of it. */
  onIngested?(report: IngestReport, batch: readonly unknown[]): void;
  /**
   * This device's team. A bundle written in another team is refused before anything is stored
   * (two teams' logs should not mix by accident), unless `anyTeam` is set; so is one whose header is
   * damaged where it names the team (a damaged header whose team id is readable is checked by it).
   */
  team?: { id: string; name: string } | null;
  anyTeam?: boolean;
  /**
   * Checks each batch on the entry check thread while the batch before is stored (large bundles).
   * Without, store.ingest checks every batch on this thread. The report is the same either way.
   */
  checker?: EntryChecker;
}

/** What the contract reports (see BundleImportView for the fields), plus what only the backend uses. */
export interface ImportReport extends BundleImportView {
  /** Entries stored as fork evidence (a second entry for an author's seq). */
  forks: number;
  /** Entries stored with a clock-skew flag (stamped too far ahead of this device). */
  skewed: number;
  /**
   * The bundle's header (only the fields this version knows), or null when it is damaged (the entries
   * are imported all the same, after the team check).
   */
  header: BundleHeader | null;
}

/**
 * Imports a bundle: every entry is verified by store.ingest (batches of up to 1000, one transaction
 * each), so nothing invalid is stored whatever the file holds. Throws only when the file cannot be
 * read or is not a Baken bundle; a truncated, changed or partly damaged bundle is imported as far as
 * it is valid and the report says what was wrong.
 */
export async function importBundle(store: BundleTarget, file: string, options: ImportBundleOptions = {}): Promise<ImportReport> {
  return new BundleImport(store, file, options).run();
}

const isJsonSpace = (byte: number): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0d;
const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The CLI has the option to import another team's bundle; the window has none, so the message names the command. */
const ANY_TEAM_HINT = 'To import it anyway, add --any-team to baken bundle import';

/**
 * What a header says about the team it was written in, read also from a damaged header: its id (and
 * name, null when that is not text), null when it says it has no team, or undefined when it cannot be
 * read (no `team`, or one without a text `id`).
 */
function headerTeam(header: Record<string, unknown>): { id: string; name: string | null } | null | undefined {
  const team = Object.hasOwn(header, 'team') ? header.team : undefined;
  if (team === null) return null;
  if (!isPlainObject(team) || typeof team.id !== 'string') return undefined;
  return { id: team.id, name: typeof team.name === 'string' ? team.name : null };
}

/** A team's id or name from a file, cut short (a damaged header's may be any length). */
const shown = (text: string): string => (text.length > MAX_TEAM_TEXT ? `${text.slice(0, MAX_TEAM_TEXT)}…` : text);

/**
 * Refuses a bundle written in another team than `ours`, or one whose team cannot be read (its header
 * is damaged there), so two teams' logs do not mix by accident. A bundle without a team passes.
 */
function checkTeam(file: string, header: Record<string, unknown>, ours: { id: string; name: string }): void {
  const theirs = headerTeam(header);
  const ourTeam = `this device's team "${ours.name}" (${ours.id})`;
  if (theirs === undefined) {
    const what = Object.hasOwn(header, 'team') ? 'its "team" is not {"id", "name"}' : 'it has no "team"';
    throw new BakenError('invalid-input', `${file} has a damaged header: the team it comes from cannot be read (${what}), so it cannot be checked against ${ourTeam}; nothing was imported. ${ANY_TEAM_HINT}`);
  }
  if (theirs !== null && theirs.id !== ours.id) {
    const theirTeam = theirs.name === null ? `with id "${shown(theirs.id)}"` : `"${shown(theirs.name)}" (${shown(theirs.id)})`;
    throw new BakenError('invalid-input', `${file} comes from team ${theirTeam}, not from ${ourTeam}; nothing was imported. ${ANY_TEAM_HINT}`);
  }
}

/**
 * One pass over one bundle file: the header first, then entry lines (to IngestBatches) until the
 * end marker, tracking what tells whether the file is whole and unchanged.
 */
class BundleImport {
  private readonly hash = createHash('sha256');
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly batches: IngestBatches;
  private readonly problems: string[] = [];
  private headerSeen = false;
  /** The header when it is valid. */
  private header: BundleHeader | null = null;
  /** The header's entry count, also from a damaged header when that count is readable. */
  private announced: number | null = null;
  /** Entry lines read (complete ones; lines after the end marker too). */
  private entries = 0;
  private trailerLine: number | null = null;
  private linesAfterTrailer = 0;
  /** A last line that the file ends in the middle of. */
  private cutLine: number | null = null;
  /** `entries` at the last onProgress call. */
  private reported = -1;

  constructor(store: BundleTarget, private readonly file: string, private readonly options: ImportBundleOptions) {
    const pipeline = options.checker ? createPipelinedIngest(options.checker, store) : undefined;
    this.batches = new IngestBatches(store, options.onIngested, `bundle:${file}`.slice(0, 4000), pipeline);
  }

  async run(): Promise<ImportReport> {
    const stream = createReadStream(this.file, { highWaterMark: 256 * 1024 });
    const lines = readLines(stream, this.hash, (no) => (no === 1 ? MAX_HEADER_BYTES : MAX_LINE_BYTES))[Symbol.asyncIterator]();
    try {
      for (;;) {
        let step: IteratorResult<Line>;
        try {
          step = await lines.next();
        } catch (error) {
          if (!this.headerSeen) throw storageError(error, `reading the bundle ${this.file}`, { path: this.file, reading: 'bundle' });
          await this.flush();
          this.problems.push(`reading ${this.file} failed after ${this.entries} entries (${error instanceof Error ? error.message : String(error)}); the entries read were checked and kept`);
          break;
        }
        if (step.done) {
          if (!this.headerSeen) throw new BakenError('invalid-input', `${this.file} is not a Baken bundle (the file is empty)`);
          break;
        }
        if (this.headerSeen) await this.readEntryLine(step.value);
        else this.readHeader(step.value);
      }
      await this.flush();
      await this.batches.settle();
    } finally {
      // After a failure, nothing is left running in the background (the pipeline stores no more).
      await this.batches.settle().catch(() => undefined);
      await lines.return?.(undefined).catch(() => undefined);
      stream.destroy();
    }
    return this.result();
  }

  private readHeader(line: Line): void {
    const { file, options } = this;
    let value: unknown = undefined;
    try {
      if (line.bytes) value = JSON.parse(this.decoder.decode(line.bytes));
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
    // Before anything is stored, and from a damaged header too: the team is read from the file as it is.
    if (options.team && !options.anyTeam) checkTeam(file, value, options.team);
    const parsed = bundleHeaderSchema.safeParse(value);
    if (parsed.success) {
      this.header = parsed.data;
      this.announced = parsed.data.entries;
    } else {
      this.problems.push(`the header is damaged (${formatZodIssues(parsed.error)}); every entry was checked all the same`);
      if (typeof value.entries === 'number' && Number.isSafeInteger(value.entries) && value.entries >= 0) this.announced = value.entries;
    }
    this.headerSeen = true;
    this.reported = 0;
    options.onProgress?.(0, this.announced ?? 0);
  }

  private async readEntryLine(line: Line): Promise<void> {
    const afterEnd = this.trailerLine !== null;
    if (line.bytes && line.terminated && line.bytes.every(isJsonSpace)) {
      // Not an entry; a blank line changes the checksum (before the end marker) or is reported in result().
      if (afterEnd) this.linesAfterTrailer++;
      return;
    }
    if (!line.bytes) {
      if (afterEnd) this.linesAfterTrailer++;
      this.entries++;
      this.batches.reject(null, line.no, `too long: the line has more than ${MAX_LINE_BYTES} bytes, which no entry has`);
      return;
    }
    let value: unknown;
    let text: string;
    try {
      text = this.decoder.decode(line.bytes);
      value = JSON.parse(text);
    } catch (error) {
      if (!line.terminated) {
        this.cutLine = line.no;
        return;
      }
      if (afterEnd) this.linesAfterTrailer++;
      this.entries++;
      this.batches.reject(null, line.no, error instanceof SyntaxError ? 'not JSON: the line is damaged' : 'not text: the line is not valid UTF-8');
      return;
    }
    if (isPlainObject(value) && Object.hasOwn(value, 'end')) {
      this.readTrailer(line, value);
      return;
    }
    if (afterEnd) this.linesAfterTrailer++;
    this.entries++;
    const id = isPlainObject(value) && typeof value.id === 'string' ? value.id.slice(0, 64) : null;
    if (id === null) {
      const parsed = signedEntrySchema.safeParse(value);
      this.batches.reject(null, line.no, parsed.success ? 'malformed: no id' : `malformed: ${formatZodIssues(parsed.error)}`);
      return;
    }
    // Ingest keeps the first of two entries with one id in a batch; a damaged copy must not hide a
    // good one, so a repeated id starts a new batch (where it is known, or checked on its own).
    if (this.batches.has(id)) await this.flush();
    this.batches.add(value, id, line.no, line.length, text);
    if (this.batches.full) await this.flush();
  }

  private readTrailer(line: Line, value: Record<string, unknown>): void {
    if (this.trailerLine !== null) {
      this.problems.push(`the file was changed after it was written: a second end marker on line ${line.no}`);
      return;
    }
    const digest = this.hash.copy().digest('hex');
    const parsed = bundleTrailerSchema.safeParse(value);
    this.trailerLine = line.no;
    if (!parsed.success) {
      this.problems.push(`the end marker on line ${line.no} is damaged (${formatZodIssues(parsed.error)})`);
      return;
    }
    const { entries, announced } = this;
    if (parsed.data.sha256 !== digest) this.problems.push('the file was changed after it was written: its checksum (sha256) does not match the end marker');
    if (parsed.data.entries !== entries) {
      this.problems.push(`the file was changed after it was written: the end marker counts ${parsed.data.entries} entries, the file holds ${entries}`);
    }
    if (announced !== null && announced !== entries && announced !== parsed.data.entries) {
      this.problems.push(`the file was changed after it was written: the header announces ${announced} entries, the file holds ${entries}`);
    }
  }

  /** Ingests the entries read so far (with a check thread: hands them over), then reports progress. */
  private async flush(): Promise<void> {
    await this.batches.ingest();
    if (this.entries <= this.reported) return;
    this.reported = this.entries;
    this.options.onProgress?.(this.entries, Math.max(this.announced ?? 0, this.entries));
  }

  private result(): ImportReport {
    const { problems, entries, announced, cutLine, batches } = this;
    if (this.trailerLine === null) {
      const of = announced !== null ? ` of ${announced}` : '';
      const cut = cutLine !== null ? `, in the middle of line ${cutLine},` : '';
      problems.push(`truncated: the file ends after ${entries}${of} entries${cut} without its end marker; every complete entry was checked and kept, export the bundle again for the rest`);
    } else if (cutLine !== null) {
      problems.push(`the file was changed after it was written: it ends in a cut-off line ${cutLine} after the end marker`);
    }
    if (this.linesAfterTrailer > 0) problems.push(`the file was changed after it was written: ${this.linesAfterTrailer} lines follow the end marker (entries among them were checked like the others)`);
    const complete = problems.length === 0;
    if (batches.unlisted > 0) problems.push(`${batches.unlisted} more lines were rejected than are listed (the first ${batches.rejected.length} are)`);
    return {
      entries, ...batches.counts, pending: batches.pending, rejected: batches.rejected, complete, problems, header: this.header,
    };
  }
}
