import { create } from 'xmlbuilder2';
import { formatLocalTime } from '../time/local-time.js';
import { KIND_LABELS, PRIORITY_WORDS, STATUS_WORDS } from '../present/words.js';
import { visibleTo, type ReportDocument, type ReportItem, type ReportSection } from './model.js';
import { cut, offsetDateTime, oneLineText, senderAddress, xmlSafe, xmlText } from './xml-values.js';

/**
 * A situation report (or one entry of it) as a CAP 1.2 alert (OASIS, ITU-T X.1303), for partners
 * whose systems read CAP. Pure: the same document and options give the same bytes.
 */

export const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';

export type CapLanguage = 'nl' | 'en';

export interface CapOptions {
  msgType: 'Alert' | 'Update' | 'Cancel';
  /** Earlier alerts this one updates or cancels, each as CAP's "sender,identifier,sent". */
  references: string[];
  scope: 'Public' | 'Restricted' | 'Private';
  /** Who may receive it, in words; required when scope is Restricted. */
  restriction?: string;
  /** One <info> per language, in this order. */
  languages: CapLanguage[];
  areaDesc?: string;
  /** Export this one entry instead of the whole report. */
  entry?: ReportItem;
}

type Node = ReturnType<typeof create>;

const WORDS = {
  nl: {
    exercise: 'OEFENING', unknownArea: 'Onbekend', empty: '(leeg)', draft: 'concept, nog niet vastgesteld', approved: 'vastgesteld',
    report: 'situatierapport', pictureAt: 'beeld van', next: 'volgend rapport', overdue: 'te laat', corrected: 'gecorrigeerd', deadline: 'deadline',
    device: 'apparaat', team: 'team', noTeam: 'geen team', entry: 'logregel', signed: 'ondertekende vastlegging', noSigned: 'nog geen ondertekende vastlegging',
    check: 'controleer hiermee het ondertekende origineel', from: 'uit',
  },
  en: {
    exercise: 'EXERCISE', unknownArea: 'Unknown', empty: '(empty)', draft: 'draft, not approved', approved: 'approved',
    report: 'situation report', pictureAt: 'picture of', next: 'next report', overdue: 'overdue', corrected: 'corrected', deadline: 'deadline',
    device: 'device', team: 'team', noTeam: 'no team', entry: 'log entry', signed: 'signed record', noSigned: 'no signed record yet',
    check: 'use it to check the signed original', from: 'from',
  },
} as const;

const LANGUAGE_TAG: Record<CapLanguage, string> = { nl: 'nl-NL', en: 'en-US' };

/** CAP's three "sender,identifier,sent" parts: no whitespace, commas, "<" or "&"; sent with a numeric offset. */
const REFERENCE = /^[^\s,<&]+,[^\s,<&]+,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

/** CAP recommends a headline of at most 160 characters, for phones and sirens' text displays. */
const HEADLINE_MAX = 160;

/**
 * The GRIP level mapped to CAP's urgency, severity and certainty. A situation report says what is
 * happening, so certainty is Observed once a level is set; the rest follows how far GRIP scaled up:
 *   GRIP 4 and higher (region or wider)   Immediate / Extreme  / Observed
 *   GRIP 3 (population affected)          Immediate / Severe   / Observed
 *   GRIP 2 (effects beyond the site)      Expected  / Moderate / Observed
 *   GRIP 0-1 (at the site, routine)       Expected  / Minor    / Observed
 *   no level known                        Unknown   / Unknown  / Unknown
 * A closed incident is Past, whatever its last level.
 */
export function gripToCap(level: number | null, closed: boolean): { urgency: string; severity: string; certainty: string } {
  if (level === null) return { urgency: closed ? 'Past' : 'Unknown', severity: 'Unknown', certainty: 'Unknown' };
  const urgency = closed ? 'Past' : level >= 3 ? 'Immediate' : 'Expected';
  const severity = level >= 4 ? 'Extreme' : level === 3 ? 'Severe' : level === 2 ? 'Moderate' : 'Minor';
  return { urgency, severity, certainty: 'Observed' };
}

/**
 * When the alert was sent: an approved report's alert is sent as of its approval, so a later
 * Update can name it exactly ("sender,identifier,sent") without any record of what was sent; a
 * draft or a single entry is sent as of its generation.
 */
export function capSentAt(doc: ReportDocument, options: Pick<CapOptions, 'entry'>): string {
  return !options.entry && doc.report.state === 'approved' && doc.report.approvedAt ? doc.report.approvedAt : doc.generator.generatedAt;
}

/** The CAP identifier: deterministic, so exporting the same report twice gives the same alert. */
export function capIdentifier(doc: ReportDocument, options: Pick<CapOptions, 'msgType' | 'entry'>): string {
  const base = options.entry
    ? `baken-${options.entry.entryId}`
    : doc.report.id
      ? `baken-${doc.report.id}`
      // A draft has no signed id yet; the moment it was generated tells two drafts apart.
      : `baken-draft-${doc.incident.id}-${doc.report.number}v${doc.report.version}-${doc.generator.generatedAt.replace(/\D/g, '')}`;
  // An Update or Cancel is a message of its own and CAP wants every identifier used once, so it
  // cannot carry the identifier of the alert it refers to.
  return options.msgType === 'Alert' ? base : `${base}-${options.msgType.toLowerCase()}`;
}

export function buildCapAlert(doc: ReportDocument, options: CapOptions): string {
  check(doc, options);
  const sender = senderAddress(doc.generator.deviceKey, doc.generator.team);
  const identifier = capIdentifier(doc, options);
  const references = options.references.map((r) => r.trim());
  if (references.some((r) => r.split(',')[0] === sender && r.split(',')[1] === identifier)) {
    throw new Error(`the alert would refer to itself (${identifier}); an ${options.msgType} refers to an earlier alert`);
  }

  const alert = create({ version: '1.0', encoding: 'UTF-8' }).ele(CAP_NS, 'alert');
  add(alert, 'identifier', identifier);
  add(alert, 'sender', sender);
  add(alert, 'sent', offsetDateTime(capSentAt(doc, options), doc.generator.timeZone));
  add(alert, 'status', doc.exercise ? 'Exercise' : 'Actual');
  add(alert, 'msgType', options.msgType);
  add(alert, 'scope', options.scope);
  if (options.scope === 'Restricted') add(alert, 'restriction', oneLineText(options.restriction ?? ''));
  add(alert, 'note', note(doc, options));
  if (references.length > 0) add(alert, 'references', references.join(' '));
  add(alert, 'incidents', `baken-${doc.incident.id}`);
  for (const lang of [...new Set(options.languages)]) info(alert, doc, options, lang);
  return alert.end({ prettyPrint: true });
}

/** Refuse what would make a wrong or leaking alert, in words the person exporting can act on. */
function check(doc: ReportDocument, options: CapOptions): void {
  if (options.languages.length === 0) throw new Error('choose at least one language (nl or en) for the alert');
  if (options.scope === 'Restricted' && oneLineText(options.restriction ?? '') === '') {
    throw new Error('a Restricted alert needs a restriction: say in words who may receive it');
  }
  // The document is already cut down to its audience; a Public alert reaches everyone, so only a
  // public copy may go out that way.
  if (options.scope === 'Public' && doc.audience !== 'openbaar') {
    throw new Error(`this copy is for the audience "${doc.audience}"; a Public alert must be made from the public (openbaar) copy`);
  }
  for (const [i, r] of options.references.entries()) {
    if (!REFERENCE.test(r.trim())) throw new Error(`reference ${i + 1} (${JSON.stringify(r)}) is not CAP's "sender,identifier,sent" of an earlier alert`);
  }
  if (options.msgType !== 'Alert' && options.references.length === 0) {
    throw new Error(`an ${options.msgType} must name the alert(s) it refers to in references`);
  }
  const entry = options.entry;
  if (entry) {
    const inDoc = doc.sections.some((s) => s.items.some((i) => i.entryId === entry.entryId));
    if (!inDoc || !visibleTo(entry.classification, doc.audience)) {
      throw new Error(`entry ${entry.entryId.slice(0, 12)} is not part of this copy for "${doc.audience}"; export it from a copy that contains it`);
    }
  }
}

function add(parent: Node, name: string, text: string): Node {
  return parent.ele(CAP_NS, name).txt(xmlText(text)).up();
}

function note(doc: ReportDocument, options: CapOptions): string {
  const w = WORDS[doc.lang];
  const g = doc.generator;
  const r = doc.report;
  const state = r.state === 'approved' ? w.approved : w.draft;
  const what = options.entry
    ? `${w.entry} ${options.entry.entryId} ${w.from} ${w.report} ${r.label} (${state}); ${w.signed} ${options.entry.entryId}, ${w.check}`
    : r.id
      ? `${w.report} ${r.label} (${state}); ${w.signed} ${r.id}, ${w.check}`
      : `${w.report} ${r.label} (${state}); ${w.noSigned}`;
  const parts = [`${g.app} ${g.version}`, `${w.team} ${g.team ?? w.noTeam}`, `${w.device} ${g.device}`, what];
  return `${doc.exercise ? `${w.exercise}. ` : ''}${parts.map(oneLineText).join('; ')}.`;
}

function info(alert: Node, doc: ReportDocument, options: CapOptions, lang: CapLanguage): void {
  const w = WORDS[lang];
  const title = doc.incident.title && oneLineText(doc.incident.title) !== '' ? oneLineText(doc.incident.title) : null;
  const grip = gripToCap(doc.incident.gripLevel, doc.incident.status === 'closed');
  const exercise = doc.exercise ? `${w.exercise}: ` : '';
  const entry = options.entry;
  const headline = entry
    ? `${exercise}${KIND_LABELS[lang][entry.kind] ?? entry.kind}: ${cut(oneLineText(entry.text), 80)}`
    : `${exercise}SITREP ${doc.report.label}: ${title ?? 'Incident'}`;

  const el = alert.ele(CAP_NS, 'info');
  add(el, 'language', LANGUAGE_TAG[lang]);
  // The report model carries no incident type, so nothing more specific than Other can be said.
  add(el, 'category', 'Other');
  add(el, 'event', cut(title ?? 'Incident', HEADLINE_MAX));
  add(el, 'urgency', grip.urgency);
  add(el, 'severity', grip.severity);
  add(el, 'certainty', grip.certainty);
  add(el, 'senderName', oneLineText(doc.generator.device));
  add(el, 'headline', cut(oneLineText(headline), HEADLINE_MAX));
  add(el, 'description', entry ? entry.text : description(doc, lang));
  const communication = doc.sections.find((s) => s.key === 'communication')?.text;
  if (!entry && communication && communication.trim() !== '') add(el, 'instruction', communication);
  const parameters: [string, string | null][] = [
    ['baken:reportId', doc.report.id],
    ['baken:incidentId', doc.incident.id],
    ['baken:gripLevel', doc.incident.gripLevel === null ? null : String(doc.incident.gripLevel)],
    ['baken:entryId', entry ? entry.entryId : null],
  ];
  for (const [name, value] of parameters) {
    if (value === null) continue;
    const p = el.ele(CAP_NS, 'parameter');
    add(p, 'valueName', name);
    add(p, 'value', value);
  }
  const area = el.ele(CAP_NS, 'area');
  const areaDesc = [options.areaDesc, doc.incident.location].map((a) => oneLineText(a ?? '')).find((a) => a !== '');
  add(area, 'areaDesc', areaDesc ?? w.unknownArea);
}

/** The report in plain text: a short header, then each section's title, text and items, the summary first. */
export function description(doc: ReportDocument, lang: CapLanguage): string {
  const w = WORDS[lang];
  const zone = doc.generator.timeZone;
  const now = Date.parse(doc.generator.generatedAt);
  const time = (iso: string) => formatLocalTime(iso, { zone, now, lang });
  const r = doc.report;
  const head: string[] = [];
  if (doc.exercise) head.push(w.exercise);
  head.push(`SITREP ${r.label} (${r.state === 'approved' ? w.approved : w.draft})${doc.incident.title ? `: ${oneLineText(doc.incident.title)}` : ''}`);
  const facts = [`${w.pictureAt} ${time(r.pictureAt)}`];
  if (doc.incident.gripLevel !== null) facts.push(`GRIP ${doc.incident.gripLevel}`);
  if (r.nextDueAt) facts.push(`${w.next} ${time(r.nextDueAt)}${r.overdue ? ` (${w.overdue})` : ''}`);
  const line = facts.join('; ');
  head.push(line.charAt(0).toUpperCase() + line.slice(1));

  const sections = [...doc.sections.filter((s) => s.key === 'summary'), ...doc.sections.filter((s) => s.key !== 'summary')];
  const blocks = sections.map((s) => sectionText(s, doc, lang, time));
  return xmlSafe([head.join('\n'), ...blocks].join('\n\n'));
}

function sectionText(s: ReportSection, doc: ReportDocument, lang: CapLanguage, time: (iso: string) => string): string {
  const w = WORDS[lang];
  const lines = [oneLineText(s.title)];
  if (s.text && s.text.trim() !== '') lines.push(s.text.trim());
  for (const item of s.items) {
    const mark = item.corrected ? ` (${w.corrected})` : '';
    lines.push(bullet(`${time(item.happenedAt ?? item.at)} ${KIND_LABELS[lang][item.kind] ?? item.kind}, ${oneLineText(item.who)}${mark}: ${item.text}`));
  }
  if (s.key === 'actions') {
    for (const a of doc.actions) {
      const deadline = a.deadline ? `, ${w.deadline} ${time(a.deadline)}${a.overdue ? ` (${w.overdue})` : ''}` : '';
      lines.push(bullet(`[${PRIORITY_WORDS[lang][a.priority]}, ${STATUS_WORDS[lang][a.status]}] ${oneLineText(a.summary)}: ${oneLineText(a.owner.label)}${deadline}`));
    }
  }
  if (lines.length === 1) lines.push(w.empty);
  return lines.join('\n');
}

/** A list item; the lines of a text written over several lines stay under it, indented. */
function bullet(text: string): string {
  return `- ${text.trim().replace(/\n/g, '\n  ')}`;
}
