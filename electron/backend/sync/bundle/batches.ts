import type { PipelinedIngest } from '../../entry-checks/pipelined-ingest.js';
import type { CheckedIngestReplica } from '../../replica/checked-batch.js';
import type { IngestOptions, IngestReport } from '../../replica/replica.js';

/** Entries per store.ingest call (one transaction each) ... */
export const IMPORT_BATCH_ENTRIES = 1000;
/** ... or fewer, when their lines add up to this many bytes. */
export const IMPORT_BATCH_BYTES = 8 * 1024 * 1024;
/** Rejected entries listed one by one in an import report; beyond this they are only counted. */
export const MAX_REJECTED_DETAILS = 10_000;

/** What an import writes to. */
export type BundleTarget = Pick<CheckedIngestReplica, 'ingest'>;

/** Batches checked on the entry check thread while the batch before is stored, at most this many at once. */
const IN_FLIGHT = 4;

/** A line whose entry was refused; line 0: an entry that was waiting from before. */
export interface RejectedLine {
  id: string | null;
  line: number;
  reason: string;
}

/**
 * Feeds a bundle's entries to ingest in batches (one transaction each) and keeps the outcome by
 * line: a refused entry is listed with its line number, also when it waited for a predecessor
 * until a later batch (or never) brought it.
 */
export class IngestBatches {
  readonly counts = { added: 0, known: 0, forks: 0, skewed: 0 };
  readonly rejected: RejectedLine[] = [];
  /** Rejected lines beyond MAX_REJECTED_DETAILS, only counted. */
  unlisted = 0;
  /** This import's entries waiting for a predecessor, with their line numbers. */
  private readonly waiting = new Map<string, number>();
  private batch: unknown[] = [];
  /** The batch's lines as read, for the check thread (which parses them itself). */
  private texts: string[] = [];
  private refusedLines: RejectedLine[] = [];
  private lineOf = new Map<string, number>();
  private bytes = 0;
  /** Batches handed to the pipeline and not yet recorded, oldest first. */
  private readonly inFlight: Promise<void>[] = [];

  constructor(
    private readonly store: BundleTarget,
    private readonly onIngested?: (report: IngestReport, batch: readonly unknown[]) => void,
    /** Who the waiting room charges for entries that wait (a bundle is one source). */
    private readonly source?: string,
    /** Checks each batch on the entry check thread while the one before is stored; without, store.ingest checks it. */
    private readonly pipeline?: PipelinedIngest,
  ) {}

  /** Whether the batch being filled holds an entry with this id. */
  has(id: string): boolean {
    return this.lineOf.has(id);
  }

  add(value: unknown, id: string, line: number, bytes: number, text: string): void {
    this.batch.push(value);
    if (this.pipeline) this.texts.push(text);
    this.lineOf.set(id, line);
    this.bytes += bytes;
  }

  get full(): boolean {
    return this.batch.length >= IMPORT_BATCH_ENTRIES || this.bytes >= IMPORT_BATCH_BYTES;
  }

  /** Entries of this import still waiting outside the log. */
  get pending(): number {
    return this.waiting.size;
  }

  /**
   * A line refused before ingest (not JSON, no id): kept with the batch being filled, so the report
   * lists refusals in the same order whether or not batches are stored while later lines are read.
   */
  reject(id: string | null, line: number, reason: string): void {
    this.refusedLines.push({ id, line, reason });
  }

  private list(id: string | null, line: number, reason: string): void {
    if (this.rejected.length < MAX_REJECTED_DETAILS) this.rejected.push({ id, line, reason });
    else this.unlisted++;
  }

  /**
   * Ingests the batch being filled, if it holds anything. With a pipeline it is handed over and
   * this waits only while the batches before it fill the pipeline; `settle` waits for all.
   */
  async ingest(): Promise<void> {
    const { batch, texts, lineOf, refusedLines } = this;
    this.batch = [];
    this.texts = [];
    this.lineOf = new Map();
    this.bytes = 0;
    this.refusedLines = [];
    const listRefused = () => refusedLines.forEach(({ id, line, reason }) => this.list(id, line, reason));
    if (batch.length === 0) {
      const before = this.inFlight.at(-1);
      if (before) this.inFlight.push(before.then(listRefused));
      else listRefused();
      return;
    }
    const options: IngestOptions | undefined = this.source === undefined ? undefined : { from: this.source };
    if (!this.pipeline) {
      const result = this.store.ingest(batch, options);
      listRefused();
      this.record(result, batch, lineOf);
      return;
    }
    const report = this.pipeline.ingest({ json: `[${texts.join(',')}]` }, options);
    this.inFlight.push(
      report.then((result) => {
        listRefused();
        this.record(result, batch, lineOf);
      }),
    );
    if (this.inFlight.length >= IN_FLIGHT) await this.inFlight.shift();
  }

  /** Waits until every batch handed over is stored and recorded; throws the first failure. */
  async settle(): Promise<void> {
    const all = this.inFlight.splice(0);
    const outcomes = await Promise.allSettled(all);
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Keeps what ingest made of one batch, line by line; batches are recorded in the order they were read. */
  private record(result: IngestReport, batch: readonly unknown[], lineOf: ReadonlyMap<string, number>): void {
    this.counts.added += result.added.length;
    this.counts.known += result.known;
    this.counts.forks += result.forks.length;
    this.counts.skewed += result.skewed.length;
    for (const id of result.added) this.waiting.delete(id);
    for (const id of result.pending) this.waiting.set(id, lineOf.get(id) ?? 0);
    for (const { id, reason } of result.rejected) {
      const line = id === null ? 0 : (lineOf.get(id) ?? this.waiting.get(id) ?? 0);
      if (id !== null) this.waiting.delete(id);
      this.list(id, line, reason);
    }
    this.onIngested?.(result, batch);
  }
}
