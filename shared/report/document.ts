import type { IncidentState } from '../domain/derive.js';
import type { SignedEntry } from '../domain/entry.js';
import type { Classification, Party } from '../domain/kinds.js';
import { directoryOf, type Directory, type Person } from '../domain/people.js';
import type { Lang } from '../present/words.js';
import { correctionChain, type ComposedReport, type ComposedSection } from './compose.js';
import { visibleTo, type Generator, type PartyView, type ReportAction, type ReportDocument, type ReportIncident, type ReportItem, type ReportSection } from './model.js';
import { DISCIPLINE_NAMES, sectionTitle } from './template.js';

export interface DocumentOptions {
  audience: Classification;
  lang: Lang;
  generator: Generator;
  people: readonly Person[];
}

/**
 * A composed report cut down to one audience: an item, an action, a GRIP change, a section's own
 * text or the incident's title appears only when its entry's classification may go to that
 * audience; a corrected text shows the latest correction the audience may see. What is withheld
 * leaves no trace but an empty section, so a partner copy never hints at internal content.
 */
export function reportDocument(c: ComposedReport, options: DocumentOptions): ReportDocument {
  const { audience, lang, generator } = options;
  const directory = directoryOf(options.people);
  const profiles = new Map(options.people.map((p) => [p.author, p.profile]));
  const visible = (e: SignedEntry | undefined): e is SignedEntry => e !== undefined && visibleTo(e.classification, audience);
  const state = audience === 'intern' ? c.incidentState : c.stateOf(visible);
  const currentText = (e: SignedEntry): { text: string; corrected: boolean } => {
    const latest = effectiveCorrection(c, state, visible, e.id);
    return { text: latest ? ownText(latest) : ownText(e), corrected: latest !== undefined };
  };
  const knelpunten = new Map(state.knelpunten.map((k) => [k.entryId, k]));
  const item = (id: string, change: ReportItem['change']): ReportItem | null => {
    const e = c.entries.get(id);
    if (!visible(e)) return null;
    const { text, corrected } = currentText(e);
    const knelpunt = knelpunten.get(id);
    const resolved = knelpunt?.status === 'resolved' ? (lang === 'nl' ? ' [opgelost]' : ' [resolved]') : '';
    return {
      entryId: id, kind: e.kind, text: text + resolved, at: new Date(e.hlc.t).toISOString(), happenedAt: e.body.happenedAt ?? null,
      who: directory.writer(e.author, e.body.operator ?? null), classification: e.classification, change, corrected, discipline: profiles.get(e.author)?.discipline ?? null,
    };
  };
  const sections = c.sections.map((s): ReportSection => {
    const items = s.items.map((i) => item(i.entryId, i.change)).filter((i) => i !== null);
    const textVisible = s.text !== null && visibleTo(s.textClassification, audience);
    return {
      key: s.key, title: titleOf(s, lang), text: textVisible ? s.text : null, classification: s.textClassification, discipline: s.discipline, items,
      changed: (textVisible && s.textChanged) || items.some((i) => i.change !== 'unchanged'),
    };
  });
  const actions = c.actions
    .map((a): ReportAction | null => {
      const action = state.actions.find((x) => x.entryId === a.entryId);
      const e = c.entries.get(a.entryId);
      if (!action || !visible(e)) return null;
      const { text } = currentText(e);
      const issuer = action.issuedByWriter ? personParty(directory, profiles, action.author, action.operator) : partyView(directory, profiles, action.issuerParty, action.issuer);
      return {
        entryId: a.entryId, summary: summaryOf(text), description: text, priority: action.priority, status: action.status,
        owner: partyView(directory, profiles, action.ownerParty, action.owner), issuer, deadline: action.deadline, overdue: action.overdue, classification: e.classification, change: a.change,
      };
    })
    .filter((a) => a !== null);
  const author = profiles.get(c.authorKey) ?? null;
  return {
    lang, audience, exercise: isExercise(c), generator,
    incident: incidentOf(c, state, visible, directory),
    report: {
      state: c.state, id: c.id, number: c.number, version: c.version, label: c.label, pictureAt: c.pictureAt, nextDueAt: c.nextDue,
      overdue: c.nextDue !== null && c.nextDue < generator.generatedAt, author: directory.writer(c.authorKey, c.operator), authorKey: c.authorKey,
      approvedAt: c.approvedAt, team: author?.team ?? author?.organisation ?? null, previous: c.previous,
    },
    sections, actions,
  };
}

function incidentOf(c: ComposedReport, state: IncidentState, visible: (e: SignedEntry | undefined) => e is SignedEntry, directory: Directory): ReportIncident {
  const header = state.incident;
  const opening = header ? c.entries.get(header.entryId) : undefined;
  let title: string | null = null;
  let location: string | null = null;
  if (header && visible(opening) && opening.kind === 'incident') {
    const corrected = effectiveCorrection(c, state, visible, opening.id);
    title = corrected ? ownText(corrected) : opening.body.title;
    location = opening.body.location ?? null;
    for (const change of header.changes) {
      if (!visible(c.entries.get(change.entryId))) continue;
      title = change.title ?? title;
      location = change.location ?? location;
    }
  }
  const gripHistory = state.grip.history
    .filter((g) => visible(c.entries.get(g.entryId)))
    .map((g) => ({ level: g.level, at: g.when, who: directory.writer(g.author, g.operator), reason: g.reason }));
  return {
    id: c.incidentId, title, location, start: header?.start ?? c.pictureAt, status: state.status,
    gripLevel: gripHistory.at(-1)?.level ?? null, gripHistory,
  };
}

/** The correction whose text an entry shows: the end of its chain of corrections the audience may see (a correction may itself be corrected). */
function effectiveCorrection(c: ComposedReport, state: IncidentState, visible: (e: SignedEntry | undefined) => e is SignedEntry, id: string): SignedEntry | undefined {
  const last = correctionChain(state.corrections, id, (f) => visible(c.entries.get(f))).at(-1);
  return last === undefined ? undefined : c.entries.get(last);
}

function isExercise(c: ComposedReport): boolean {
  const header = c.incidentState.incident;
  const opening = header ? c.entries.get(header.entryId) : undefined;
  return opening?.kind === 'incident' && opening.body.exercise === true;
}

function titleOf(s: ComposedSection, lang: Lang): string {
  if (s.discipline !== null) return DISCIPLINE_NAMES[lang][s.discipline] ?? s.discipline;
  if (lang === 'en' && s.template?.titleEn !== undefined) return s.template.titleEn;
  return s.frozenTitle ?? (s.template ? sectionTitle(s.template, lang) : s.key);
}

type Profiles = ReadonlyMap<string, Person['profile']>;

function partyView(directory: Directory, profiles: Profiles, party: Party | null, text: string): PartyView {
  if (party?.author !== undefined) return personParty(directory, profiles, party.author, party.person ?? null);
  return { label: directory.party(party, text), organisation: party?.organisation ?? null, team: party?.team ?? null, discipline: party?.discipline ?? null, function: party?.function ?? null };
}

function personParty(directory: Directory, profiles: Profiles, author: string, operator: string | null): PartyView {
  const profile = profiles.get(author) ?? null;
  return {
    label: directory.writer(author, operator), organisation: profile?.organisation ?? null, team: profile?.team ?? null, discipline: profile?.discipline ?? null, function: profile?.function ?? null,
  };
}

function summaryOf(text: string): string {
  const first = text.split(/\r?\n/, 1)[0]!.trim();
  return first.length > 120 ? `${first.slice(0, 119)}…` : first;
}

function ownText(e: SignedEntry): string {
  if (e.kind === 'incident') return e.body.title;
  return 'text' in e.body && typeof e.body.text === 'string' ? e.body.text : '';
}
