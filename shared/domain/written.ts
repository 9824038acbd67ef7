import type { SignedEntry } from './entry.js';
import type { Hlc } from './hlc.js';

/**
 * Who wrote an entry and when, as derived state keeps it beside what the entry says. The log's
 * order is the HLC (`at`); `when` is what a person and a report go by: when it happened where the
 * writer said so (`happenedAt`), else when it was logged.
 */
export interface Written {
  entryId: string;
  /** The device that signed it. */
  author: string;
  /** The person at that device's keyboard, where one was named. */
  operator: string | null;
  at: Hlc;
  happenedAt: string | null;
  when: string;
}

export function writtenOf(entry: SignedEntry): Written {
  const happenedAt = entry.body.happenedAt ?? null;
  return { entryId: entry.id, author: entry.author, operator: entry.body.operator ?? null, at: entry.hlc, happenedAt, when: happenedAt ?? new Date(entry.hlc.t).toISOString() };
}
