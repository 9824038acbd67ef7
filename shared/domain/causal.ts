import { isKnownEntry, type AnyEntry } from './entry.js';
import type { Hlc } from './hlc.js';
import { referenceOf } from './kinds.js';

/**
 * Clock skew backwards. An entry stamped before an entry it was written after (its author's
 * previous entry, the entry it corrects, the action it reports on, its incident's opening entry)
 * tells that one of the two clocks was wrong: typically the writer's, set back, since the HLC does
 * not let a stamp too far ahead drag other clocks along. "Older than now" means nothing here (sync
 * delivers old entries days later), but "older than what it answers" does. It is a pure function of
 * the set of entries, so every device that holds both shows the same flag, whatever the order they
 * arrived in. The log's order is not changed by it: the HLC stays the total order.
 */
export interface Behind {
  /** How far (ms) the entry is stamped before the entry it follows; more than the allowed skew. */
  ms: number;
  /** That entry's id (the furthest ahead, when it follows several). */
  follows: string;
}

/**
 * The ids an entry names and so was written after: its author's previous entry, and for the kinds
 * this version reads, what it corrects, reports on or changes (an action, a knelpunt). Its incident's opening entry is the other
 * one; the caller finds it by the opening rule (shared/domain/incident.ts).
 */
export function referencedIds(entry: AnyEntry): string[] {
  const ids = entry.prev === null ? [] : [entry.prev];
  if (!isKnownEntry(entry)) return ids;
  const reference = referenceOf(entry);
  if (reference) ids.push(reference.id);
  return ids;
}

/** The entry's flag when it is stamped more than `maxSkewMs` before one of the entries it follows, else null. */
export function behindOf(entry: { hlc: Hlc }, followed: readonly { id: string; hlc: Hlc }[], maxSkewMs: number): Behind | null {
  let worst: Behind | null = null;
  for (const f of followed) {
    const ms = f.hlc.t - entry.hlc.t;
    if (ms > maxSkewMs && (worst === null || ms > worst.ms || (ms === worst.ms && f.id < worst.follows))) worst = { ms, follows: f.id };
  }
  return worst;
}
