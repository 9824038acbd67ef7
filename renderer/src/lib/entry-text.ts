import type { LogEntryView } from '../../../shared/contract/log.js';
import { describeEntry, shortId, type Presenter } from '../../../shared/present/entry-line.js';
import { PHRASES } from '../../../shared/present/words.js';

/**
 * What an entry says, in words, for a row of the window: describeEntry's line without the CLI's
 * "[corrected; the original: baken log show …]" mark (the window marks a corrected row itself and
 * shows the original in the entry's panel).
 */
export function rowText(entry: LogEntryView, p: Presenter, max = 400): string {
  const text = describeEntry(entry, p, max);
  const mark = ` ${PHRASES[p.lang].corrected(shortId(entry.id))}`;
  const at = text.indexOf(mark);
  return at < 0 ? text : text.slice(0, at) + text.slice(at + mark.length);
}

export function isCorrected(entry: LogEntryView): boolean {
  return (entry.context?.corrections.length ?? 0) > 0;
}

/** The text as its writer wrote it (before corrections), for the entry's panel. */
export function writtenText(entry: LogEntryView): string {
  const body = entry.body as Record<string, unknown>;
  for (const key of ['text', 'title', 'reason']) if (typeof body[key] === 'string') return body[key] as string;
  return '';
}
