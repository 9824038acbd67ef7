import type { IngestReport, Replica } from '../../replica/replica.js';

/** Entries per store.ingest call (one transaction each) ... */
export const IMPORT_BATCH_ENTRIES = 1000;
/** ... or fewer, when their lines add up to this many bytes. */
export const IMPORT_BATCH_BYTES = 8 * 1024 * 1024;
/** Rejected entries listed one by one in an import report; beyond this they are only counted. */
export const MAX_REJECTED_DETAILS = 10_000;

/** What an import writes to. */
export type BundleTarget = Pick<Replica, 'ingest'>;

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
  private lineOf = new Map<string, number>();
  private bytes = 0;

  constructor(
    private readonly store: BundleTarget,
    private readonly onIngested?: (report: IngestReport, batch: readonly unknown[]) => void,
    /** Who the waiting room charges for entries that wait (a bundle is one source). */
    private readonly source?: string,
  ) {}

  /** Whether the batch being filled holds an entry with this id. */
  has(id: string): boolean {
    return this.lineOf.has(id);
  }

  add(value: unknown, id: string, line: number, bytes: number): void {
    this.batch.push(value);
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

  reject(id: string | null, line: number, reason: string): void {
    if (this.rejected.length < MAX_REJECTED_DETAILS) this.rejected.push({ id, line, reason });
    else this.unlisted++;
  }

  /** Ingests the batch being filled, if it holds anything. */
  ingest(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    const result = this.store.ingest(batch, this.source === undefined ? undefined : { from: this.source });
    this.counts.added += result.added.length;
    this.counts.known += result.known;
    this.counts.forks += result.forks.length;
    this.counts.skewed += result.skewed.length;
    for (const id of result.added) this.waiting.delete(id);
    for (const id of result.pending) this.waiting.set(id, this.lineOf.get(id) ?? 0);
    for (const { id, reason } of result.rejected) {
      const line = id === null ? 0 : (this.lineOf.get(id) ?? this.waiting.get(id) ?? 0);
      if (id !== null) this.waiting.delete(id);
      this.reject(id, line, reason);
    }
    this.batch = [];
    this.lineOf = new Map();
    this.bytes = 0;
    this.onIngested?.(result, batch);
  }
}
