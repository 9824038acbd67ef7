import type { CheckedIngestReplica } from '../replica/checked-batch.js';
import type { IngestOptions, IngestReport } from '../replica/replica.js';
import type { EntryChecker } from './pool.js';
import { candidatesOf, type CheckInput } from './messages.js';

export interface PipelinedIngest {
  /**
   * Ingests one batch: its checks start at once (on the check thread), its storing waits for the
   * batches before it, so batch k+1 is checked while batch k is stored. Reports come in call order
   * and are what `replica.ingest` would report for the same candidates. Rejects only when the
   * input is not a JSON array of candidates or storing fails; nothing of that batch is stored then.
   */
  ingest(input: CheckInput, options?: IngestOptions): Promise<IngestReport>;
}

export function createPipelinedIngest(checker: EntryChecker, replica: Pick<CheckedIngestReplica, 'ingest'>): PipelinedIngest {
  let stored: Promise<unknown> = Promise.resolve();
  return {
    ingest(input, options) {
      const store = replica.ingest.checked;
      // A replica that checks everything itself (the in-memory one) takes the candidates in order.
      const checked = store ? checker.check(input) : null;
      const report = stored.then(async () => (checked && store ? store(await checked, options) : replica.ingest(candidatesOf(input), options)));
      stored = report.catch(() => undefined);
      return report;
    },
  };
}
