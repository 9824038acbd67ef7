import type { EntryRef, EntrySource } from '../../shared/contract/events.js';
import type { SignedEntry } from '../../shared/domain/entry.js';
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
  lookup: (id: string) => SignedEntry | null,
): void {
  if (report.added.length === 0 && report.forks.length === 0 && report.skewed.length === 0) return;
  const byId = new Map<string, SignedEntry>();
  for (const candidate of batch) {
    const entry = candidate as Partial<SignedEntry> | null;
    if (entry && typeof entry.id === 'string') byId.set(entry.id, candidate as SignedEntry);
  }
  const find = (id: string) => byId.get(id) ?? lookup(id);
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
