import { CLASSIFICATION_WORDS, type Lang } from '../present/words.js';
import { formatLocalTime } from '../time/local-time.js';
import { changeMarker, cleanText, escapeHtml, fieldHtml, fieldsOf, fieldWords, type FieldContent } from './html-field.js';
import type { ReportDocument } from './model.js';

/**
 * A report to paste into LCMS by hand, field by field, while no connector exists: one standalone
 * HTML page (it opens offline in any browser, and its Content-Security-Policy lets nothing load or
 * run even if an escape were missed) and a plain-text twin for where HTML cannot go (a mail, a
 * chat, a radio operator's notes). Each field's block holds exactly what goes into that field.
 */

const LABELS = {
  nl: {
    field: 'Veld', sitrep: 'SITREP', draft: 'concept, niet vastgesteld', incident: 'Incident', location: 'Locatie', pictureAt: 'Beeld van', nextDue: 'Volgend SITREP',
    overdue: 'verstreken', none: '—', grip: 'GRIP', gripUnknown: 'niet bekend voor deze ontvangers', author: 'Informatiemanager', team: 'Team',
    audience: 'Rubricering', audienceFor: (a: string) => `${a}; alleen wat voor ${a} bestemd is staat erin`, previous: 'Volgt op SITREP',
    exercise: 'OEFENING – OEFENING – OEFENING: dit is geen echte situatie',
    provenance: (version: string, team: string, device: string, id: string, at: string) => `Gemaakt met Baken ${version} door ${team} op ${device}; rapport-id ${id}; gemaakt ${at}.`,
    noId: 'geen (concept)', noTeam: '(geen team)',
    howTo: 'Kopieer de inhoud van elk kader naar het LCMS-veld met dezelfde naam. LCMS leest dit bestand niet zelf in.',
  },
  en: {
    field: 'Field', sitrep: 'SITREP', draft: 'draft, not approved', incident: 'Incident', location: 'Location', pictureAt: 'Picture as of', nextDue: 'Next SITREP',
    overdue: 'overdue', none: '—', grip: 'GRIP', gripUnknown: 'not known for these recipients', author: 'Information manager', team: 'Team',
    audience: 'Classification', audienceFor: (a: string) => `${a}; only what is meant for ${a} is in it`, previous: 'Follows SITREP',
    exercise: 'EXERCISE – EXERCISE – EXERCISE: this is not a real situation',
    provenance: (version: string, team: string, device: string, id: string, at: string) => `Made with Baken ${version} by ${team} on ${device}; report id ${id}; generated ${at}.`,
    noId: 'none (draft)', noTeam: '(no team)',
    howTo: 'Copy the contents of each box into the LCMS field of the same name. LCMS does not read this file by itself.',
  },
} as const;

interface Header {
  title: string;
  rows: [string, string][];
  provenance: string;
}

/** The header as label/value pairs of clean text, shared by the HTML and the text. */
function header(doc: ReportDocument): Header {
  const l = LABELS[doc.lang];
  const now = Date.parse(doc.generator.generatedAt);
  const time = (iso: string) => formatLocalTime(iso, { zone: doc.generator.timeZone, now, date: 'always', lang: doc.lang });
  const incident = doc.incident.title === null ? `${l.incident} ${doc.incident.id.slice(0, 8)}` : cleanText(doc.incident.title);
  const number = `${cleanText(doc.report.label)}${doc.report.state === 'draft' ? ` (${l.draft})` : ''}`;
  const label = `${l.sitrep} ${number}`;
  const rows: [string, string][] = [[l.incident, incident]];
  if (doc.incident.location !== null) rows.push([l.location, cleanText(doc.incident.location)]);
  rows.push(
    [l.sitrep, number],
    [l.pictureAt, time(doc.report.pictureAt)],
    [l.nextDue, doc.report.nextDueAt === null ? l.none : `${time(doc.report.nextDueAt)}${doc.report.overdue ? ` (${l.overdue})` : ''}`],
    [l.grip, doc.incident.gripLevel === null ? l.gripUnknown : `GRIP ${doc.incident.gripLevel}`],
    [l.author, cleanText(doc.report.author)],
    [l.team, doc.report.team === null ? l.none : cleanText(doc.report.team)],
    [l.audience, l.audienceFor(CLASSIFICATION_WORDS[doc.lang][doc.audience])],
  );
  if (doc.report.previous !== null) rows.push([l.previous, cleanText(doc.report.previous)]);
  const g = doc.generator;
  const provenance = l.provenance(cleanText(g.version), g.team === null ? l.noTeam : cleanText(g.team), cleanText(g.device), doc.report.id ?? l.noId, time(g.generatedAt));
  return { title: `${label} – ${incident}`, rows, provenance };
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;max-width:52em;margin:1em auto;padding:0 1em;line-height:1.4}',
  '.exercise{border:3px solid #b00000;color:#b00000;font-weight:bold;padding:.5em;text-align:center}',
  'table.header th{text-align:left;padding-right:1em;vertical-align:top}',
  '.provenance,.howto{color:#444;font-size:.9em}',
  '.field{border:1px solid #888;margin:1.5em 0;padding:0 1em 1em}',
  '.paste{border-left:4px solid #ccc;padding-left:1em}',
].join('\n');

export function buildLcmsPaste(doc: ReportDocument): { html: string; text: string } {
  const h = header(doc);
  const fields = fieldsOf(doc);
  return { html: pasteHtml(doc, h, fields), text: pasteText(doc, h, fields) };
}

function pasteHtml(doc: ReportDocument, h: Header, fields: FieldContent[]): string {
  const l = LABELS[doc.lang];
  const banner = doc.exercise ? [`<div class="exercise">${escapeHtml(l.exercise)}</div>`] : [];
  const lines = [
    '<!DOCTYPE html>',
    `<html lang="${doc.lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(h.title)}</title>`,
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    ...banner,
    `<h1>${escapeHtml(h.title)}</h1>`,
    '<table class="header">',
    ...h.rows.map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`),
    '</table>',
    `<p class="provenance">${escapeHtml(h.provenance)}</p>`,
    `<p class="howto">${escapeHtml(l.howTo)}</p>`,
    ...fields.flatMap((field) => [
      `<section class="field" data-field="${escapeHtml(field.key)}">`,
      `<h2>${escapeHtml(`${l.field}: ${field.title}`)}</h2>`,
      '<div class="paste">',
      fieldHtml(field, doc.lang),
      '</div>',
      '</section>',
    ]),
    // Said again at the end: a printout's last page must not read as real.
    ...banner,
    '</body>',
    '</html>',
    '',
  ];
  return lines.join('\n');
}

function underline(text: string, char: '=' | '-'): string {
  return `${text}\n${char.repeat([...text].length)}`;
}

function pasteText(doc: ReportDocument, h: Header, fields: FieldContent[]): string {
  const l = LABELS[doc.lang];
  const width = Math.max(...h.rows.map(([label]) => label.length)) + 2;
  const parts: string[] = [];
  if (doc.exercise) parts.push(l.exercise);
  parts.push(underline(h.title, '='), h.rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${indent(value, width)}`).join('\n'), h.provenance, l.howTo);
  for (const field of fields) parts.push(`${underline(`${l.field}: ${field.title}`, '-')}\n${fieldText(field, doc.lang)}`);
  if (doc.exercise) parts.push(l.exercise);
  return `${parts.join('\n\n')}\n`;
}

function fieldText(field: FieldContent, lang: Lang): string {
  const parts = [...field.paragraphs];
  const items = field.entries.map((entry) => {
    const marker = changeMarker(entry.change, lang);
    const lines = [`${marker === null ? '' : `${marker} `}${entry.lead}`, entry.text];
    if (entry.notes.length > 0) lines.push(`(${entry.notes.join('; ')})`);
    return `- ${indent(lines.join('\n'), 2)}`;
  });
  if (items.length > 0) parts.push(items.join('\n'));
  if (field.empty) parts.push(fieldWords(lang).nothing);
  return parts.join('\n\n');
}

/** Continuation lines indented so they stay under the first. */
function indent(text: string, by: number): string {
  return text.split('\n').join(`\n${' '.repeat(by)}`);
}
