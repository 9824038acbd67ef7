import type { ActionView } from '../contract/actions.js';
import type { IncidentSummary } from '../contract/log.js';
import { shortId, type Presenter } from './entry-line.js';
import { oneLine } from './safe-text.js';
import { PRIORITY_WORDS, STATUS_WORDS, type Lang } from './words.js';

const WORDS = {
  nl: { waiting: '(openingsmelding nog niet binnen; de meldingen staan wel in het logboek)', closed: '[gesloten]', by: 'door', overdue: 'TE LAAT', noDeadline: 'geen deadline' },
  en: { waiting: '(opening entry not received yet; its entries are in the log)', closed: '[closed]', by: 'by', overdue: 'OVERDUE', noDeadline: 'no deadline' },
} as const satisfies Record<Lang, Record<string, string>>;

/**
 * `incident list`: the whole id (it is what other commands take, and a person types its start),
 * GRIP, when it started in local time, what and where, who opened it; closed ones marked.
 */
export function incidentRow(i: IncidentSummary, p: Presenter): string {
  const w = WORDS[p.lang];
  const grip = `GRIP ${i.grip ?? '-'}`;
  if (i.title === null || i.start === null) return `${i.id}  ${grip}  ${w.waiting}`;
  const where = i.location ? ` — ${oneLine(i.location, 60)}` : '';
  const opener = i.openedBy ? `  (${w.by} ${oneLine(p.person(i.openedBy), 40)})` : '';
  const exercise = i.exercise ? (p.lang === 'nl' ? 'OEFENING: ' : 'EXERCISE: ') : '';
  return `${i.id}  ${grip}  ${p.time(Date.parse(i.start))}  ${exercise}${oneLine(i.title, 80)}${where}${opener}${i.status === 'closed' ? `  ${w.closed}` : ''}`;
}

/**
 * `action list`: id, status, priority, deadline in local time (overdue marked), owner by name, what;
 * with the incident's title when the list spans more than one incident.
 */
export function actionRow(a: ActionView, p: Presenter, options: { showIncident: boolean }): string {
  const w = WORDS[p.lang];
  const where = options.showIncident ? `[${oneLine(a.incidentTitle ?? shortId(a.incident), 30)}] ` : '';
  const deadline = a.deadline ? `${p.time(Date.parse(a.deadline))}${a.overdue ? ` ${w.overdue}` : ''}` : w.noDeadline;
  return `${shortId(a.id)}  ${STATUS_WORDS[p.lang][a.status].padEnd(11)} ${PRIORITY_WORDS[p.lang][a.priority].padEnd(9)} ${deadline}  ${where}${oneLine(a.ownerLabel, 50)}: ${oneLine(a.text, 80)}` +
    `${a.statusReason ? ` (${oneLine(a.statusReason, 60)})` : ''}`;
}
