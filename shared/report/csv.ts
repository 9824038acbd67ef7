import type { Lang } from '../present/words.js';
import { wallTimeAt, zoneAbbreviation } from '../time/local-time.js';
import { cleanText } from './html-field.js';
import type { LogExtract, ReportDocument } from './model.js';

/**
 * A log extract or a report as CSV (RFC 4180) for a spreadsheet: one header row, CRLF line ends,
 * a field quoted when it holds a comma, quote, CR or LF, quotes doubled. Text is cleaned as in
 * every export (controls and bidi overrides made visible); line breaks inside a text stay, inside
 * quotes. Times are given local, with the zone, and where it is the log's own time also in UTC.
 */

// Excel reads a CSV without a byte order mark in the machine's legacy code page (Windows-1252 on
// Dutch Windows), so "café" would show as "cafÃ©"; the BOM makes it read UTF-8. Other tools skip it.
const BOM = '\ufeff';

// A spreadsheet runs a cell that starts with = + - @ (and, in some, after a tab or CR) as a
// formula: a log text like =HYPERLINK("http://…") would become a live link or worse on the
// reader's machine (CSV injection). A leading single quote makes it text; the quote shows, the
// text is otherwise unchanged. Cleaning turns a CR into LF first, so a leading LF counts as CR.
const FORMULA_START = /^[=+\-@\t\r\n]/;

export function csvCell(value: string): string {
  let text = cleanText(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(rows: string[][]): string {
  return `${BOM}${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2026-12-01 14:01:00 CET": sortable, unambiguous in both languages, with the zone it is in. */
function localStamp(iso: string | null, zone: string): string {
  if (iso === null) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const w = wallTimeAt(ms, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)} ${zoneAbbreviation(ms, zone)}`;
}

const LOG_HEADER: Record<Lang, string[]> = {
  nl: ['entry-id', 'gelogd (lokaal)', 'gelogd (UTC)', 'gebeurd (lokaal)', 'wie', 'auteursleutel', 'soort', 'rubricering', 'tekst', 'gecorrigeerd', 'oefening', 'gemaakt door'],
  en: ['entry id', 'logged at (local)', 'logged at (UTC)', 'happened at (local)', 'who', 'author key', 'kind', 'classification', 'text', 'corrected', 'exercise', 'made by'],
};

/** Said in a column on every row: the model asks that every export of an exercise says so, and a CSV has no page to put it on. */
const EXERCISE = { nl: 'OEFENING', en: 'EXERCISE' } as const;

/**
 * What the file is and where it comes from, in the last column of every row for the same reason:
 * "Baken 0.1.0 · ROT Brabant-Noord · Anna de Vries (IM) · SITREP 2 (id) · 2026-12-01 16:00:00 CET".
 */
function madeBy(generator: LogExtract['generator'], report: ReportDocument['report'] | null, lang: Lang): string {
  const what = report === null ? null : `SITREP ${report.label}${report.id ? ` (${report.id})` : lang === 'nl' ? ' (concept)' : ' (draft)'}`;
  return [`${generator.app} ${generator.version}`, generator.team, generator.device, what, localStamp(generator.generatedAt, generator.timeZone)].filter((p) => p !== null).join(' · ');
}

/** One row per log row; "corrected" holds the last correction's text, the one that counts. */
export function buildLogCsv(extract: LogExtract): string {
  const zone = extract.generator.timeZone;
  const exercise = extract.exercise ? EXERCISE[extract.lang] : '';
  const origin = madeBy(extract.generator, null, extract.lang);
  const rows = extract.rows.map((row) => [
    row.entryId,
    localStamp(row.at, zone),
    row.at,
    localStamp(row.happenedAt, zone),
    row.who,
    row.authorKey,
    row.kind,
    row.classification,
    row.text,
    row.corrections.at(-1)?.text ?? '',
    exercise,
    origin,
  ]);
  return csv([LOG_HEADER[extract.lang], ...rows]);
}

const REPORT_HEADER: Record<Lang, string[]> = {
  nl: ['sectie', 'sectietitel', 'discipline', 'entry-id', 'gelogd (lokaal)', 'gelogd (UTC)', 'gebeurd (lokaal)', 'wie', 'soort', 'rubricering', 'wijziging', 'gecorrigeerd', 'tekst', 'prioriteit', 'status', 'actiehouder', 'actiegever', 'deadline (lokaal)', 'oefening', 'gemaakt door'],
  en: ['section', 'section title', 'discipline', 'entry id', 'logged at (local)', 'logged at (UTC)', 'happened at (local)', 'who', 'kind', 'classification', 'change', 'corrected', 'text', 'priority', 'status', 'owner', 'issuer', 'deadline (local)', 'exercise', 'made by'],
};
const YES_NO = { nl: ['ja', 'nee'], en: ['yes', 'no'] } as const;
const ACTIONS_TITLE = { nl: 'Acties', en: 'Actions' } as const;

/**
 * One row per section item, then one per action. The action columns (priority to deadline) are
 * empty for items; an action has no log time in the document, so those columns are empty for it.
 */
export function buildReportCsv(doc: ReportDocument): string {
  const zone = doc.generator.timeZone;
  const [yes, no] = YES_NO[doc.lang];
  const exercise = doc.exercise ? EXERCISE[doc.lang] : '';
  const origin = madeBy(doc.generator, doc.report, doc.lang);
  const rows: string[][] = [];
  for (const section of doc.sections) {
    for (const item of section.items) {
      rows.push([
        section.key, section.title, item.discipline ?? section.discipline ?? '', item.entryId, localStamp(item.at, zone), item.at, localStamp(item.happenedAt, zone),
        item.who, item.kind, item.classification, item.change, item.corrected ? yes : no, item.text, '', '', '', '', '', exercise, origin,
      ]);
    }
  }
  const actionsTitle = doc.sections.find((s) => s.key === 'actions')?.title ?? ACTIONS_TITLE[doc.lang];
  for (const action of doc.actions) {
    rows.push([
      'actions', actionsTitle, '', action.entryId, '', '', '', '', 'actie', action.classification, action.change, '', action.description,
      action.priority, action.status, action.owner.label, action.issuer?.label ?? '', localStamp(action.deadline, zone), exercise, origin,
    ]);
  }
  return csv([REPORT_HEADER[doc.lang], ...rows]);
}
