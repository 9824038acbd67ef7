import { compareEntries, isKnownEntry, type AnyEntry, type SignedEntry } from '../domain/entry.js';
import { foreignBodyText } from '../domain/kinds.js';
import { directoryOf, type Person } from '../domain/people.js';
import { describeEntry } from '../present/entry-line.js';
import { formatLocalTime } from '../time/local-time.js';
import type { Lang } from '../present/words.js';
import { visibleTo, type Generator, type LogExtract, type LogRow, type ReportIncident } from './model.js';
import type { Classification } from '../domain/kinds.js';

export interface ExtractOptions {
  audience: Classification;
  lang: Lang;
  generator: Generator;
  people: readonly Person[];
  /** The incident as the report document describes it for this audience. */
  incident: ReportIncident;
  exercise: boolean;
  /** Logged at or after / before (UTC ISO); null for no bound. */
  from: string | null;
  to: string | null;
}

/**
 * A printable log extract: the incident's entries logged in [from, to), in log order, that the
 * audience may see. A correction is printed under the entry it corrects (the original stays
 * readable, the last correction counts); a correction of an entry outside the range is a row of
 * its own so nothing in the range goes missing.
 */
export function logExtract(entries: readonly AnyEntry[], options: ExtractOptions): LogExtract {
  const { audience, lang, generator } = options;
  const directory = directoryOf(options.people);
  const inRange = (e: AnyEntry) => (options.from === null || e.hlc.t >= Date.parse(options.from)) && (options.to === null || e.hlc.t < Date.parse(options.to));
  const shown = entries.filter((e) => e.incident === options.incident.id && visibleTo(e.classification, audience)).sort(compareEntries);
  const rowIds = new Set(shown.filter((e) => inRange(e) && !(isKnownEntry(e) && e.kind === 'correctie')).map((e) => e.id));
  const corrections = new Map<string, LogRow['corrections']>();
  const rows: LogRow[] = [];
  const presenter = {
    lang,
    time: (ms: number) => formatLocalTime(ms, { zone: generator.timeZone, now: Date.parse(generator.generatedAt), date: 'always', lang }),
    person: (author: string) => directory.label(author),
  };
  for (const e of shown) {
    if (isKnownEntry(e) && e.kind === 'correctie' && rowIds.has(e.body.target)) {
      const list = corrections.get(e.body.target) ?? [];
      list.push({ entryId: e.id, text: e.body.text, at: new Date(e.hlc.t).toISOString(), who: directory.writer(e.author, e.body.operator ?? null) });
      corrections.set(e.body.target, list);
    }
  }
  for (const e of shown) {
    if (!inRange(e) || (isKnownEntry(e) && e.kind === 'correctie' && rowIds.has(e.body.target))) continue;
    rows.push({
      entryId: e.id, at: new Date(e.hlc.t).toISOString(), happenedAt: isKnownEntry(e) ? (e.body.happenedAt ?? null) : null,
      who: directory.writer(e.author, isKnownEntry(e) ? (e.body.operator ?? null) : null), authorKey: e.author, kind: e.kind,
      text: rowText(e, presenter), classification: e.classification, corrections: corrections.get(e.id) ?? [],
    });
  }
  return { lang, audience, exercise: options.exercise, generator, incident: options.incident, from: options.from, to: options.to, rows };
}

/** A row's text in full: the entry's own text where it has one (no truncation on paper), else the words a list shows. */
function rowText(e: AnyEntry, presenter: Parameters<typeof describeEntry>[1]): string {
  if (!isKnownEntry(e)) return foreignBodyText(e.body);
  const own = (e as SignedEntry).body;
  if ('text' in own && typeof own.text === 'string' && e.kind !== 'correctie' && e.kind !== 'rapportbewerking') return own.text;
  return describeEntry({ ...e, context: null } as never, presenter, 2_000);
}
