import type { ReportAction, ReportDocument, ReportItem } from '../report/model.js';
import { formatLocalTime } from '../time/local-time.js';
import { block, oneLine } from './safe-text.js';
import { CLASSIFICATION_WORDS, PRIORITY_WORDS, STATUS_WORDS, type Lang } from './words.js';

const WORDS = {
  nl: {
    sitrep: 'SITREP', draft: 'concept', approved: 'goedgekeurd', exercise: 'OEFENING', picture: 'beeld van', due: 'volgend rapport', late: 'te laat',
    by: 'opgesteld door', approvedBy: (who: string, when: string) => `goedgekeurd door ${who} om ${when}`, previous: 'vorige', none: '— geen —', new: 'nieuw', changed: 'gewijzigd',
    happened: 'gebeurd', audience: 'voor', sectionChanged: (previous: string) => `nieuw of gewijzigd sinds ${previous}`, deadline: 'deadline', overdue: 'te laat', untitled: '(titel niet gedeeld)', id: 'id',
  },
  en: {
    sitrep: 'SITREP', draft: 'draft', approved: 'approved', exercise: 'EXERCISE', picture: 'picture of', due: 'next report', late: 'overdue',
    by: 'drafted by', approvedBy: (who: string, when: string) => `approved by ${who} at ${when}`, previous: 'previous', none: '— none —', new: 'new', changed: 'changed',
    happened: 'happened', audience: 'for', sectionChanged: (previous: string) => `new or changed since ${previous}`, deadline: 'deadline', overdue: 'overdue', untitled: '(title not shared)', id: 'id',
  },
} as const;

/**
 * A situation report as a terminal shows it: the header, then each section numbered with its
 * key (what `sitrep edit --section` takes), its own text, and its items with local time, who, and
 * what is new or changed since the previous report. Every text from the log is made safe for a
 * terminal (shared/present/safe-text.ts).
 */
export function reportText(doc: ReportDocument, options: { full?: boolean } = {}): string {
  const w = WORDS[doc.lang];
  const now = Date.parse(doc.generator.generatedAt);
  const at = (iso: string) => formatLocalTime(iso, { zone: doc.generator.timeZone, now, lang: doc.lang });
  const r = doc.report;
  const title = doc.incident.title === null ? w.untitled : oneLine(doc.incident.title, 120);
  const head = [
    `${doc.exercise ? `${w.exercise} — ` : ''}${w.sitrep} ${r.label} (${r.state === 'draft' ? w.draft : w.approved}) — ${title}${doc.incident.location ? `, ${oneLine(doc.incident.location, 80)}` : ''}${doc.incident.gripLevel !== null ? ` — GRIP ${doc.incident.gripLevel}` : ''}`,
    [
      `${w.picture} ${at(r.pictureAt)}`,
      r.nextDueAt ? `${w.due} ${at(r.nextDueAt)}${r.overdue ? ` (${w.late})` : ''}` : null,
      r.state === 'approved' && r.approvedAt ? w.approvedBy(oneLine(r.author, 80), at(r.approvedAt)) : `${w.by} ${oneLine(r.author, 80)}`,
      r.previous ? `${w.previous}: ${r.previous}` : null,
      `${w.audience} ${CLASSIFICATION_WORDS[doc.lang][doc.audience]}`,
    ].filter((x) => x !== null).join(' · '),
    ...(r.id ? [`${w.id} ${r.id}`] : []),
  ];
  const text = (s: string) => (options.full ? block(s) : oneLine(s, 200));
  const item = (i: ReportItem) =>
    `   * ${at(i.at)}  ${oneLine(i.who, 60)}: ${text(i.text)}${i.happenedAt ? ` (${w.happened} ${at(i.happenedAt)})` : ''}${mark(i.change, doc.lang)}`;
  const action = (a: ReportAction) =>
    `   * ${oneLine(a.summary, 100)} — ${oneLine(a.owner.label, 60)} — ${PRIORITY_WORDS[doc.lang][a.priority]} — ${STATUS_WORDS[doc.lang][a.status]}${a.deadline ? ` — ${w.deadline} ${at(a.deadline)}${a.overdue ? ` (${w.overdue})` : ''}` : ''}${mark(a.change, doc.lang)}`;
  const body = doc.sections.flatMap((s, n) => {
    const lines = [`${n + 1}. ${oneLine(s.title, 80)} [${s.key}]${s.changed && r.previous ? `  (${w.sectionChanged(r.previous)})` : ''}`];
    if (s.text !== null) lines.push(...text(s.text).split('\n').map((l) => `   ${l}`));
    lines.push(...s.items.map(item));
    if (s.key === 'actions') lines.push(...doc.actions.map(action));
    if (lines.length === 1) lines.push(`   ${w.none}`);
    return lines;
  });
  return [...head, '', ...body].join('\n');
}

function mark(change: ReportItem['change'], lang: Lang): string {
  if (change === 'unchanged') return '';
  return `  [${WORDS[lang][change]}]`;
}
