import { formatLocalTime } from '../time/local-time.js';
import { KIND_LABELS, PRIORITY_WORDS, STATUS_WORDS, type Lang } from '../present/words.js';
import type { ItemChange, ReportAction, ReportDocument, ReportItem, ReportSection } from './model.js';

/**
 * A report's sections as LCMS fields: what goes in each field, as structured text (for the plain
 * text twin and CSV-like uses) and as HTML using only p, ul, ol, li, b, i, h3, br. LCMS keeps a
 * field as an HTML string and a person may paste it there by hand, so only the simplest tags are
 * used (any rich-text editor keeps them) and every piece of user text is escaped: an entry written
 * on another device must not be able to add markup, scripts or links to the shared picture.
 */

/** One LCMS field: a section, or one discipline's part of a discipline section. */
export interface FieldContent {
  /** Stable within an incident (it seeds the field's uuid): the section key, plus ":CODE" for a discipline part. */
  key: string;
  /** Safe text (see cleanText). */
  title: string;
  /** The LCMS discipline code of a monodisciplinary field, else null. */
  discipline: string | null;
  /** Part of the situation picture (LCMS category SITUATIEBEELD) or another tab (REGULAR). */
  picture: boolean;
  /** Under LCMS's multidisciplinary header or under "Monodisciplines". */
  header: 'multi' | 'mono';
  /** The information manager's text, by paragraph; safe text (see cleanText), may hold line breaks. */
  paragraphs: string[];
  entries: FieldEntry[];
  /** Nothing in it for this audience. */
  empty: boolean;
}

export interface FieldEntry {
  change: ItemChange;
  /** When, who and what kind, in words: "1 dec 14:01 CET, Anna de Vries, melding". */
  lead: string;
  text: string;
  /** Short remarks after the text: when it happened, that it was corrected, a deadline. */
  notes: string[];
}

const WORDS = {
  nl: { new: '[nieuw]', changed: '[gewijzigd]', corrected: 'gecorrigeerd', happened: 'gebeurd', nothing: 'Niets te melden voor deze ontvangers.', owner: 'actiehouder', issuer: 'actiegever', deadline: 'deadline', overdue: 'over tijd' },
  en: { new: '[new]', changed: '[changed]', corrected: 'corrected', happened: 'happened', nothing: 'Nothing to report for these recipients.', owner: 'owner', issuer: 'issuer', deadline: 'deadline', overdue: 'overdue' },
} as const satisfies Record<Lang, Record<string, string>>;

export function fieldWords(lang: Lang): (typeof WORDS)[Lang] {
  return WORDS[lang];
}

/** The marker a new or changed entry gets, in the document's language; null for an unchanged one. */
export function changeMarker(change: ItemChange, lang: Lang): string | null {
  return change === 'unchanged' ? null : WORDS[lang][change];
}

// C0 and C1 controls except tab and line feed, and the bidirectional embeddings, overrides and
// isolates: these can recolour a terminal, break XML, or make text read in another order than it
// was written (U+202E). Shown as \u{…} as the CLI does, so a reader sees something was there.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// Half a surrogate pair cannot be encoded as UTF-8; an encoder would silently replace or drop it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** User text made safe for any export: line ends as \n, controls and bidi overrides made visible. */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content or an attribute value: cleaned, and & < > " ' escaped. */
export function escapeHtml(text: string): string {
  return cleanText(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Escaped text with its line breaks as <br>. */
function htmlLines(text: string): string {
  return escapeHtml(text).split('\n').join('<br>');
}

const PICTURE_KEYS = new Set(['summary', 'picture', 'judgement', 'forecast']);

export function isDisciplineSection(section: ReportSection): boolean {
  return section.key.startsWith('discipline-') || section.key === 'disciplines';
}

/** Every LCMS field of the document, in template order; a discipline section gives one per discipline. */
export function fieldsOf(doc: ReportDocument): FieldContent[] {
  const fields: FieldContent[] = [];
  for (const section of doc.sections) {
    if (isDisciplineSection(section)) fields.push(...disciplineFields(doc, section));
    else fields.push(sectionField(doc, section));
  }
  return fields;
}

function sectionField(doc: ReportDocument, section: ReportSection): FieldContent {
  let entries: FieldEntry[];
  if (section.key === 'actions') {
    // The document lists every action separately; items taken from the same entries would repeat them.
    const actionIds = new Set(doc.actions.map((a) => a.entryId));
    entries = [...doc.actions.map((a) => actionEntry(doc, a)), ...section.items.filter((i) => !actionIds.has(i.entryId)).map((i) => itemEntry(doc, i))];
  } else {
    entries = section.items.map((i) => itemEntry(doc, i));
  }
  return finish({ key: section.key, title: cleanText(section.title), discipline: null, picture: PICTURE_KEYS.has(section.key), header: 'multi', paragraphs: paragraphs(section.text), entries });
}

/**
 * One field per discipline code, in order of first appearance (the section's own code first); an
 * item without a code belongs to the section's. A discipline section with nothing in it still
 * gives its field, so the tabs stay the same from one report to the next.
 */
function disciplineFields(doc: ReportDocument, section: ReportSection): FieldContent[] {
  const codes: (string | null)[] = [section.discipline];
  for (const item of section.items) if (item.discipline !== null && !codes.includes(item.discipline)) codes.push(item.discipline);
  const fields = codes.map((code, index) => {
    const own = code === section.discipline;
    return finish({
      key: own ? section.key : `${section.key}:${code}`,
      title: cleanText(own ? section.title : `${section.title} – ${code}`),
      discipline: code,
      picture: true,
      header: 'mono',
      paragraphs: index === 0 ? paragraphs(section.text) : [],
      entries: section.items.filter((i) => (i.discipline ?? section.discipline) === code).map((i) => itemEntry(doc, i)),
    });
  });
  // A section without a code of its own ("disciplines") needs no field of its own when every item has a code.
  return fields.filter((f, index) => index > 0 || !f.empty || fields.length === 1 || f.discipline !== null);
}

function finish(field: Omit<FieldContent, 'empty'>): FieldContent {
  return { ...field, empty: field.paragraphs.length === 0 && field.entries.length === 0 };
}

function paragraphs(text: string | null): string[] {
  if (text === null) return [];
  return cleanText(text)
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function timeIn(doc: ReportDocument): (iso: string) => string {
  const now = Date.parse(doc.generator.generatedAt);
  return (iso) => formatLocalTime(iso, { zone: doc.generator.timeZone, now, date: 'always', lang: doc.lang });
}

function itemEntry(doc: ReportDocument, item: ReportItem): FieldEntry {
  const time = timeIn(doc);
  const words = WORDS[doc.lang];
  const notes: string[] = [];
  if (item.happenedAt !== null) notes.push(`${words.happened} ${time(item.happenedAt)}`);
  if (item.corrected) notes.push(words.corrected);
  const kind = KIND_LABELS[doc.lang][item.kind] ?? item.kind;
  return { change: item.change, lead: cleanText(`${time(item.at)}, ${item.who}, ${kind}`), text: cleanText(item.text), notes: notes.map(cleanText) };
}

function actionEntry(doc: ReportDocument, action: ReportAction): FieldEntry {
  const time = timeIn(doc);
  const words = WORDS[doc.lang];
  const notes = [`${words.owner}: ${action.owner.label}`];
  if (action.issuer !== null) notes.push(`${words.issuer}: ${action.issuer.label}`);
  if (action.deadline !== null) notes.push(`${words.deadline} ${time(action.deadline)}${action.overdue ? ` (${words.overdue})` : ''}`);
  return {
    change: action.change,
    lead: `${PRIORITY_WORDS[doc.lang][action.priority]}, ${STATUS_WORDS[doc.lang][action.status]}`,
    text: cleanText(action.description),
    notes: notes.map(cleanText),
  };
}

/** The field as LCMS keeps it: an HTML string of p, ul, li, b, i and br only, all user text escaped. */
export function fieldHtml(field: FieldContent, lang: Lang): string {
  const parts = field.paragraphs.map((p) => `<p>${htmlLines(p)}</p>`);
  if (field.entries.length > 0) parts.push(`<ul>\n${field.entries.map((e) => entryHtml(e, lang)).join('\n')}\n</ul>`);
  if (field.empty) parts.push(`<p><i>${escapeHtml(WORDS[lang].nothing)}</i></p>`);
  return parts.join('\n');
}

function entryHtml(entry: FieldEntry, lang: Lang): string {
  const marker = changeMarker(entry.change, lang);
  const notes = entry.notes.length > 0 ? `<br><i>(${entry.notes.map(escapeHtml).join('; ')})</i>` : '';
  return `<li>${marker === null ? '' : `<b>${escapeHtml(marker)}</b> `}<i>${escapeHtml(entry.lead)}</i><br>${htmlLines(entry.text)}${notes}</li>`;
}
