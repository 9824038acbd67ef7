import type { ActionEvent, ActionState, IgnoredEntry, IncidentState } from '../domain/derive.js';
import { isKnownEntry } from '../domain/entry.js';
import { foreignBodyText } from '../domain/kinds.js';
import { describeEntry, shortId, type PresentableEntry, type Presenter } from './entry-line.js';
import { block, oneLine } from './safe-text.js';
import { CLASSIFICATION_WORDS, KIND_LABELS, PRIORITY_WORDS, STATUS_WORDS, type Lang } from './words.js';

const LABELS = {
  nl: {
    by: 'door', logged: 'gelogd', happened: 'gebeurd', incident: 'incident', audience: 'voor', text: 'tekst', corrections: 'correcties', history: 'statusgeschiedenis',
    key: 'sleutel', newer: 'van een nieuwere versie', opened: 'geopend', grip: 'GRIP-geschiedenis', decisions: 'besluiten', openActions: 'open acties',
    changes: 'wijzigingen', notApplied: 'niet toegepast', forked: 'gevorkte auteurs', overdue: 'TE LAAT', none: 'geen', owner: 'houder', issuer: 'gever',
    waiting: '(de openingsmelding is nog niet binnen; de meldingen hieronder staan wel in het logboek)', legacy: '(een incident van vóór de regel dat de openingsmelding het incident vastlegt)',
    aheadSkew: 'vooruit gestempeld', behindSkew: 'gestempeld vóór', operator: 'aan het toetsenbord', closed: 'GESLOTEN', status: 'status',
    openKnelpunten: 'open knelpunten', to: 'naar', deadline: 'deadline', withdrawn: 'ingetrokken',
    asWritten: 'tekst zoals geschreven', title: 'titel', location: 'locatie', lastCounts: 'de laatste geldt',
  },
  en: {
    by: 'by', logged: 'logged', happened: 'happened', incident: 'incident', audience: 'for', text: 'text', corrections: 'corrections', history: 'status history',
    key: 'key', newer: 'from a newer version', opened: 'opened', grip: 'GRIP history', decisions: 'decisions', openActions: 'open actions',
    changes: 'changes', notApplied: 'not applied', forked: 'forked authors', overdue: 'OVERDUE', none: 'none', owner: 'owner', issuer: 'issuer',
    waiting: '(the opening entry has not arrived yet; the entries below are in the log all the same)', legacy: '(an incident from before opening entries were bound to their incident)',
    aheadSkew: 'stamped ahead by', behindSkew: 'stamped before', operator: 'at the keyboard', closed: 'CLOSED', status: 'status',
    openKnelpunten: 'open knelpunten', to: 'to', deadline: 'deadline', withdrawn: 'withdrawn',
    asWritten: 'text as written', title: 'title', location: 'location', lastCounts: 'the last one counts',
  },
} as const satisfies Record<Lang, Record<string, string>>;

/** `log show`: one entry as a card a person reads: who, when, what, its corrections; an action with its whole status history. */
export function entryCard(entry: PresentableEntry, p: Presenter, extra: { incidentTitle?: string | null; action?: ActionState | null } = {}): string {
  const l = LABELS[p.lang];
  const field = (name: string, value: string) => `  ${name.padEnd(10)} ${value}`;
  const corrections = entry.context?.corrections ?? [];
  const lines = [
    `${KIND_LABELS[p.lang][entry.kind] ?? oneLine(entry.kind, 40)} ${shortId(entry.id)}  ${describeEntry(entry, p, 120, 'card')}`,
    field(l.by, oneLine(entry.writer, 120)),
    field(l.logged, p.time(entry.hlc.t)),
    ...happenedAt(entry, p),
    field(l.incident, `${extra.incidentTitle ? `${oneLine(extra.incidentTitle, 80)} ` : ''}(${entry.incident})`),
    field(l.audience, CLASSIFICATION_WORDS[p.lang][entry.classification]),
    field('id', entry.id),
    field(l.key, entry.author),
    ...(entry.skewMs !== null ? [field('!', `${l.aheadSkew} ${Math.round(entry.skewMs / 1000)} s`)] : []),
    ...(entry.behind !== null ? [field('!', `${l.behindSkew} ${shortId(entry.behind.follows)} (${Math.round(entry.behind.ms / 1000)} s)`)] : []),
    ...(entry.newer ? [field('!', `${l.newer}: ${entry.newer.unknownKind ? oneLine(entry.kind, 40) : entry.newer.unknownFields.map((f) => oneLine(f, 40)).join(', ')}`)] : []),
    `  ${corrections.length ? l.asWritten : l.text}:`,
    indent(block(isKnownEntry(entry) ? writtenText(entry) : foreignBodyText(entry.body))),
  ];
  if (corrections.length) {
    lines.push(`  ${l.corrections} (${l.lastCounts}):`);
    for (const c of corrections) lines.push(`    ${p.time(c.t)}  ${shortId(c.id)}  ${oneLine(p.person(c.author), 60)}: ${oneLine(c.text, 200)}`);
  }
  if (extra.action) {
    lines.push(`  ${l.history}:`);
    for (const event of extra.action.history) lines.push(`    ${actionEventLine(event, p)}`);
    if (extra.action.history.length === 0) lines.push(`    ${l.none}`);
  }
  return lines.join('\n');
}

/** `incident show`: the incident at a glance: what, since when, GRIP with its history, open actions, decisions, what was not applied. */
export function incidentCard(s: IncidentState, p: Presenter): string {
  const l = LABELS[p.lang];
  const h = s.incident;
  const lines: string[] = h
    ? [
        `${h.exercise ? `${p.lang === 'nl' ? 'OEFENING' : 'EXERCISE'}: ` : ''}${oneLine(h.title, 200)}${h.location ? ` — ${oneLine(h.location, 200)}` : ''}   (${s.incidentId})`,
        `  ${l.opened} ${p.time(h.openedAt.t)} ${l.by} ${oneLine(p.person(h.openedBy), 80)}${h.rule === 'legacy' ? ` ${l.legacy}` : ''}`,
        ...(h.changes.length ? [`  ${l.changes}:`] : []),
        ...h.changes.map((c) => `    ${p.time(c.at.t)}  ${oneLine(p.person(c.author), 60)}: ${[c.title !== null ? `${l.title} ‘${oneLine(c.previous.title, 60)}’ → ‘${oneLine(c.title, 60)}’` : null, c.location !== null ? `${l.location} ${c.previous.location === null ? '' : `‘${oneLine(c.previous.location, 60)}’ → `}‘${oneLine(c.location, 60)}’` : null].filter(Boolean).join(', ')} (${oneLine(c.reason, 120)})`),
      ]
    : [`${s.incidentId}  ${l.waiting}`];
  if (s.status === 'closed') {
    const last = s.statusHistory.at(-1);
    lines.push(`  ${l.closed}${last ? ` ${p.time(Date.parse(last.when))}: ${oneLine(last.reason, 120)} (${oneLine(p.person(last.author), 60)})` : ''}`);
  }
  lines.push(`  GRIP ${s.grip.level ?? '-'}`);
  if (s.grip.history.length) {
    lines.push(`  ${l.grip}:`);
    let before: number | null = null;
    for (const g of s.grip.history) {
      lines.push(`    ${p.time(Date.parse(g.when))}  ${before === null ? '' : `${before} → `}${g.level}${g.reason ? `: ${oneLine(g.reason, 120)}` : ''}  (${oneLine(p.person(g.author), 60)})`);
      before = g.level;
    }
  }
  const open = s.openActions.map((id) => s.actions.find((a) => a.entryId === id)!).filter(Boolean);
  lines.push(`  ${l.openActions}: ${open.length || l.none}`);
  for (const a of open) lines.push(`    ${actionLine(a, p)}`);
  const knelpunten = s.openKnelpunten.map((id) => s.knelpunten.find((k) => k.entryId === id)!).filter(Boolean);
  lines.push(`  ${l.openKnelpunten}: ${knelpunten.length || l.none}`);
  for (const k of knelpunten) lines.push(`    ${shortId(k.entryId)}  ${p.time(Date.parse(k.when))}  ${oneLine(k.text, 120)}  (${oneLine(p.person(k.author), 60)})`);
  lines.push(`  ${l.decisions}: ${s.decisions.length || l.none}`);
  for (const d of s.decisions) lines.push(`    ${p.time(Date.parse(d.when))}  ${oneLine(d.text, 120)}${d.decidedBy ? ` (${oneLine(d.decidedBy, 40)})` : ''}`);
  if (s.ignored.length) {
    lines.push(`  ${l.notApplied}: ${s.ignored.length}`);
    for (const i of s.ignored) lines.push(`    ${shortId(i.entryId)}  ${KIND_LABELS[p.lang][i.kind] ?? i.kind}: ${ignoredWhy(i, p.lang)}`);
  }
  if (s.forkedAuthors.length) lines.push(`  ${l.forked}: ${s.forkedAuthors.map((a) => oneLine(p.person(a), 60)).join(', ')}`);
  return lines.join('\n');
}

/** One event in an action's history: a status reported, a new owner or deadline, a withdrawal; with when and who. */
export function actionEventLine(event: ActionEvent, p: Presenter): string {
  const l = LABELS[p.lang];
  const who = oneLine(p.person(event.author), 60) + (event.operator ? ` (${oneLine(event.operator, 30)})` : '');
  let what: string;
  if (event.type === 'status') what = `${STATUS_WORDS[p.lang][event.status]}${event.reason ? `: ${oneLine(event.reason, 200)}` : ''}`;
  else if (event.type === 'withdrawn') what = `${l.withdrawn}: ${oneLine(event.reason, 200)}`;
  else {
    what = [
      event.owner !== null ? `${l.to} ${oneLine(event.owner, 60)}` : null,
      event.deadline !== null ? `${l.deadline} ${p.time(Date.parse(event.deadline))}` : null,
    ].filter((x) => x !== null).join(', ') + `: ${oneLine(event.reason, 200)}`;
  }
  return `${p.time(Date.parse(event.when))}  ${what}  (${who})`;
}

/** One action on a line: status, what, for whom, priority, deadline (overdue marked). */
export function actionLine(a: ActionState, p: Presenter): string {
  const l = LABELS[p.lang];
  const deadline = a.deadline ? `, deadline ${p.time(Date.parse(a.deadline))}${a.overdue ? ` ${l.overdue}` : ''}` : '';
  return `${shortId(a.entryId)}  [${STATUS_WORDS[p.lang][a.status]}] ${oneLine(a.text, 80)}  (${l.owner} ${oneLine(a.owner, 40)}, ${PRIORITY_WORDS[p.lang][a.priority]}${deadline})${a.statusReason ? `: ${oneLine(a.statusReason, 80)}` : ''}`;
}

function happenedAt(entry: PresentableEntry, p: Presenter): string[] {
  const at = entry.happenedAt;
  return at !== null && !Number.isNaN(Date.parse(at)) ? [`  ${LABELS[p.lang].happened.padEnd(10)} ${p.time(Date.parse(at))}`] : [];
}

/** The text as its writer wrote it: a card shows the original, and its corrections beneath. */
function writtenText(entry: PresentableEntry & { kind: string }): string {
  const body = entry.body as Record<string, unknown>;
  for (const key of ['text', 'title', 'reason']) if (typeof body[key] === 'string') return body[key] as string;
  return '';
}

function indent(text: string): string {
  return text.split('\n').map((line) => `    ${line}`).join('\n');
}

const ACTION_CHANGE: Record<string, { nl: string; en: string }> = {
  actiestatus: { nl: 'een status voor', en: 'a status for' },
  actiewijziging: { nl: 'een wijziging van', en: 'a change of' },
  actieintrekking: { nl: 'een intrekking van', en: 'a withdrawal of' },
};

function ignoredWhy(i: IgnoredEntry, lang: Lang): string {
  const ref = i.refersTo === null ? '' : ` ${shortId(i.refersTo)}`;
  const nl = lang === 'nl';
  const what = ACTION_CHANGE[i.kind] ?? ACTION_CHANGE.actiestatus!;
  switch (i.reason) {
    case 'not-opening': return nl ? 'een tweede openingsmelding; alleen de eerste opent het incident' : 'another opening entry; only the one the incident comes from opens it';
    case 'no-opening': return nl ? 'een wijziging die op de openingsmelding wacht' : 'a change waiting for the opening entry';
    case 'unknown-action': return nl ? `${what.nl} actie${ref}, die dit incident (nog) niet heeft` : `${what.en} action${ref}, which this incident does not hold (yet)`;
    case 'not-an-action': return nl ? `${what.nl}${ref}, dat geen actie is` : `${what.en}${ref}, which is not an action`;
    case 'unknown-target': return nl ? `een correctie van${ref}, dat dit incident (nog) niet heeft` : `a correction of${ref}, which this incident does not hold (yet)`;
    case 'unknown-knelpunt': return nl ? `een status voor knelpunt${ref}, dat dit incident (nog) niet heeft` : `a status for knelpunt${ref}, which this incident does not hold (yet)`;
    case 'not-a-knelpunt': return nl ? `een status voor${ref}, dat geen knelpunt is` : `a status for${ref}, which is not a knelpunt`;
    case 'device-entry': return nl ? 'een apparaatprofiel, dat niet bij een incident hoort' : 'a device profile, which belongs to no incident';
  }
}
