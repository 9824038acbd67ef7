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
  // The next page while scrolling down is all older than the rows loaded so far: appended as it
  // is, rather than sorting the whole list (tens of thousands of rows deep into a long log) again.
  const last = current.at(-1);
  if (last && incoming.length > 0 && isNewestFirst(incoming) && compareEntries(incoming[0]!, last) < 0) return [...current, ...incoming];
  const byId = new Map<string, LogEntryView>();
  for (const e of current) byId.set(e.id, e);
  for (const e of incoming) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => compareEntries(b, a));
}

function isNewestFirst(entries: readonly LogEntryView[]): boolean {
  for (let i = 1; i < entries.length; i++) if (compareEntries(entries[i - 1]!, entries[i]!) <= 0) return false;
  return true;
}
