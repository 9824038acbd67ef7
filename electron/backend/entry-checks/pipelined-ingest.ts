import type { CheckedIngestReplica } from '../replica/checked-batch.js';
import type { IngestOptions, IngestReport } from '../replica/replica.js';
import type { EntryChecker } from './pool.js';
import { candidatesOf, type CheckInput } from './messages.js';

export interface PipelinedIngest {
  /**
   * Ingests one batch: its checks start at once (on the check thread), its storing waits for the
   * batches before it, so batch k+1 is checked while batch k is stored. Reports come in call order
   * and are what `replica.ingest` would report for the same candidates. Rejects when the input is
   * not a JSON array of candidates (the batches after it go on) or when storing fails: then no
   * later batch is stored either, each rejecting with that same error, so what is stored is always
   * a prefix of what was handed over, as with one store.ingest call after another.
   */
  ingest(input: CheckInput, options?: IngestOptions): Promise<IngestReport>;
}

export function createPipelinedIngest(checker: EntryChecker, replica: Pick<CheckedIngestReplica, 'ingest'>): PipelinedIngest {
  let stored: Promise<unknown> = Promise.resolve();
  let storingFailed: { error: unknown } | null = null;
  return {
    ingest(input, options) {
      const store = replica.ingest.checked;
      // A replica that checks everything itself (the in-memory one) takes the candidates in order.
      const checked = store ? checker.check(input) : null;
      const report = stored.then(async () => {
        const batch = checked ? await checked : null;
        const candidates = batch ? null : candidatesOf(input);
        if (storingFailed) throw storingFailed.error;
        try {
          return batch && store ? store(batch, options) : replica.ingest(candidates!, options);
        } catch (error) {
          storingFailed = { error };
          throw error;
        }
      });
      stored = report.catch(() => undefined);
      return report;
    },
  };
}
