import type { ActionView } from '../../../shared/contract/actions.js';
import type { LogEntryView } from '../../../shared/contract/log.js';
import { compareEntries } from '../../../shared/domain/entry.js';

const PRIORITY_RANK: Record<string, number> = { URGENT: 0, HIGH: 1, AVERAGE: 2, LOW: 3 };

/** Actions as a person works through them: most urgent first, then the nearest deadline (none last), then oldest. */
export function byPriorityAndDeadline(a: ActionView, b: ActionView): number {
  const p = (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9);
  if (p !== 0) return p;
  const da = a.deadline === null ? Number.POSITIVE_INFINITY : Date.parse(a.deadline);
  const db = b.deadline === null ? Number.POSITIVE_INFINITY : Date.parse(b.deadline);
  if (da !== db) return da < db ? -1 : 1;
  return a.at.t - b.at.t || a.at.c - b.at.c;
}

/**
 * New entries merged into a newest-first list: no duplicates (a fresh copy replaces the old one,
 * as its corrections may have changed), newest first in the log's order.
 */
export function mergeNewestFirst(current: readonly LogEntryView[], incoming: readonly LogEntryView[]): LogEntryView[] {
  const byId = new Map<string, LogEntryView>();
  for (const e of current) byId.set(e.id, e);
  for (const e of incoming) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => compareEntries(b, a));
}
