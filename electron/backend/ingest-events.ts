import type { EntryRef, EntrySource } from '../../shared/contract/events.js';
import type { AnyEntry } from '../../shared/domain/entry.js';
import type { EmitEvent } from './events.js';
import type { IngestReport } from './replica/replica.js';

/**
 * Tells the user interfaces what an ingest stored: the entries added (with their incidents), forks
 * found and entries stamped too far ahead. `batch` is what was ingested; an entry that was waiting
 * from earlier and got completed by this batch is looked up instead.
 */
export function announceIngest(
  emit: EmitEvent,
  report: IngestReport,
  batch: readonly unknown[],
  source: EntrySource,
  lookup: (id: string) => AnyEntry | null,
): void {
  if (report.added.length === 0 && report.forks.length === 0 && report.skewed.length === 0) return;
  // An id ingest stored that occurs once in the batch is that candidate, verified. An id that occurs
  // more than once (a forged copy beside the real one) or not at all (completed from the waiting
  // room) is read back from the log instead.
  const byId = new Map<string, unknown>();
  const repeated = new Set<string>();
  for (const candidate of batch) {
    const id = (candidate as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') continue;
    if (byId.has(id)) repeated.add(id);
    byId.set(id, candidate);
  }
  const find = (id: string): AnyEntry | null => (repeated.has(id) ? null : (byId.get(id) as AnyEntry | undefined)) ?? lookup(id);
  if (report.added.length > 0) {
    const entries: EntryRef[] = [];
    for (const id of report.added) {
      const entry = find(id);
      if (entry) entries.push({ id, author: entry.author, seq: entry.seq, incident: entry.incident, kind: entry.kind });
    }
    emit('entries.added', { entries, incidents: [...new Set(entries.map((e) => e.incident))], source });
  }
  for (const fork of report.forks) emit('fork.detected', { author: fork.author, seq: fork.seq, entry: fork.id, source });
  for (const skewed of report.skewed) {
    emit('clock.skew', { subject: 'entry', entry: skewed.id, author: find(skewed.id)?.author ?? '', skewMs: skewed.aheadMs, source });
  }
}
