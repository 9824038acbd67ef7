import { deriveIncidentState, type IncidentState } from '../domain/derive.js';
import { isOpen } from '../domain/derive-actions.js';
import { compareEntries, isKnownEntry, type AnyEntry, type EntryCrypto, type SignedEntry, type SignedEntryOf } from '../domain/entry.js';
import type { Classification, EntryBody } from '../domain/kinds.js';
import type { Person } from '../domain/people.js';
import type { ItemChange } from './model.js';
import { compareReports, nextNumber, nextVersion, reportLabels, type NumberedReport } from './numbering.js';
import { activeTemplate, type TemplateSection } from './template.js';

/** What composing a report reads: the incident's entries, the templates, the people directory and the time. */
export interface ReportInputs {
  incidentId: string;
  /** Every entry of the incident this device holds. */
  entries: readonly AnyEntry[];
  /** `rapportsjabloon` entries of the team (device incident) and of this incident. */
  templates: readonly AnyEntry[];
  people: readonly Person[];
  nowIso: string;
  crypto: Pick<EntryCrypto, 'sha256'>;
}

export interface ComposedItem { entryId: string; change: ItemChange }

export interface ComposedSection {
  key: string;
  /** The template's section (for titles in either language), or null for a discipline section. */
  template: TemplateSection | null;
  /** The heading frozen in an approved report, else null (then the template gives it). */
  frozenTitle: string | null;
  /** For a discipline section, its LCMS code. */
  discipline: string | null;
  text: string | null;
  textClassification: Classification;
  /** The section's own text was written or changed since the previous approved report. */
  textChanged: boolean;
  items: ComposedItem[];
}

/** A report before it is cut down to an audience: ids of what it says, and where each goes. */
export interface ComposedReport {
  incidentId: string;
  state: 'draft' | 'approved';
  id: string | null;
  number: number;
  version: number;
  label: string;
  revises: string | null;
  previous: string | null;
  pictureAt: string;
  nextDue: string | null;
  grip: number | null;
  authorKey: string;
  operator: string | null;
  approvedAt: string | null;
  sections: ComposedSection[];
  actions: ComposedItem[];
  /** Entries whose content went in beyond items and actions: corrections used, status changes, GRIP and title changes. */
  also: string[];
  /** The draft edits taken in. */
  edits: string[];
  /** State derived from exactly what the report may say: every entry for a draft, the cited ones for an approved report. */
  incidentState: IncidentState;
  entries: ReadonlyMap<string, SignedEntry>;
  /**
   * The same state derived from only the entries `keep` lets through: an audience outside the team
   * sees an action's owner, deadline and status, a knelpunt's status, the GRIP level and the title as
   * the entries it may see make them, never as an internal change made them.
   */
  stateOf(keep: (entry: SignedEntry) => boolean): IncidentState;
}

export interface ApprovedReport extends NumberedReport { label: string; entry: SignedEntryOf<'rapport'> }

/** The incident's approved reports, in reading order, with their labels (shared/report/numbering.ts). */
export function approvedReports(entries: Iterable<AnyEntry>): ApprovedReport[] {
  const reports = [...entries].filter((e): e is SignedEntryOf<'rapport'> => isKnownEntry(e) && e.kind === 'rapport');
  const numbered = reports.map((entry) => ({ id: entry.id, number: entry.body.number, version: entry.body.version, hlc: entry.hlc, entry }));
  const labels = reportLabels(numbered);
  return numbered.map((r) => ({ ...r, label: labels.get(r.id)! })).sort(compareReports);
}

function citesOf(body: EntryBody<'rapport'>): string[] {
  return [...body.sections.flatMap((s) => s.items), ...body.actions, ...body.also];
}

/** Same cap as deriveIncidentState's textOf, so a chain is followed exactly as far as the state's texts are. */
const MAX_CORRECTION_DEPTH = 64;

/**
 * The corrections that make an entry's effective text: its latest correction, that correction's
 * latest correction, and so on (docs/DATA-MODEL.md, "Corrections"; deriveIncidentState's textOf
 * follows the same chain). `usable` leaves out corrections an audience may not see.
 */
export function correctionChain(corrections: Readonly<Record<string, readonly string[]>>, id: string, usable: (id: string) => boolean = () => true): string[] {
  const chain: string[] = [];
  let at = id;
  while (chain.length < MAX_CORRECTION_DEPTH) {
    const latest = (corrections[at] ?? []).filter(usable).at(-1);
    if (latest === undefined || chain.includes(latest)) break;
    chain.push(latest);
    at = latest;
  }
  return chain;
}

/**
 * Every entry that changed what an item or action says: its correction chain, an action's status
 * changes, reassignments and withdrawal, a knelpunt's status changes. A draft and an approved report
 * both mark an item changed by these, so it reads the same before and after approval.
 */
function updatesIn(state: IncidentState): (id: string) => string[] {
  const actions = new Map(state.actions.map((a) => [a.entryId, a]));
  const knelpunten = new Map(state.knelpunten.map((k) => [k.entryId, k]));
  return (id) => [
    ...correctionChain(state.corrections, id),
    ...(actions.get(id)?.history.map((h) => h.entryId) ?? []),
    ...(knelpunten.get(id)?.statusHistory.map((h) => h.entryId) ?? []),
  ];
}

/**
 * The approved reports a report of `number`/`version` follows: every lower number, and the earlier
 * versions of the same report (the one it revises, and so on back). A concurrent report with the same
 * number is not one of them: its laptop never saw it, and its arrival must not change what an
 * approved report says.
 */
function reportsBefore(approved: readonly ApprovedReport[], number: number, version: number, revises: string | undefined): ApprovedReport[] {
  const byId = new Map(approved.map((r) => [r.id, r]));
  const same = new Set<string>();
  let r = revises === undefined ? undefined : byId.get(revises);
  while (r && r.number === number && r.version < version && !same.has(r.id)) {
    same.add(r.id);
    version = r.version;
    r = r.entry.body.revises === undefined ? undefined : byId.get(r.entry.body.revises);
  }
  return approved.filter((x) => x.number < number || same.has(x.id));
}

/**
 * The next report's draft as this device sees it: what the log holds that no approved report
 * cites yet (new), what a report cited but was corrected or changed since (changed), open
 * knelpunten and open actions (unchanged), with the team's edits applied. "Since the previous
 * report" is by what reports cite, not by time, so an entry synced in late after an approval is
 * still proposed for the next one.
 */
export function composeDraft(inputs: ReportInputs, authorKey: string, revises: ApprovedReport | null = null): ComposedReport {
  const known = knownEntries(inputs.entries);
  const approved = approvedReports(inputs.entries);
  const version = revises ? nextVersion(approved, revises.number) : 1;
  // A revision is judged against the reports it follows, so it marks what changed since the version it revises.
  const before = revises ? reportsBefore(approved, revises.number, version, revises.id) : approved;
  const cited = new Set(before.flatMap((r) => citesOf(r.entry.body)));
  // A revision re-issues the revised report: its items and actions, as they read now. What no report
  // cites yet belongs to the next report, not to an earlier one.
  const revisedItems = revises ? new Set([...revises.entry.body.sections.flatMap((s) => s.items), ...revises.entry.body.actions]) : null;
  const consumed = new Set(approved.flatMap((r) => r.entry.body.edits));
  const allEdits = [...known.values()].filter((e): e is SignedEntryOf<'rapportbewerking'> => e.kind === 'rapportbewerking').sort(compareEntries);
  const edits = allEdits.filter((e) => !consumed.has(e.id));
  const state = deriveIncidentState(inputs.incidentId, known.values(), inputs.nowIso, inputs.crypto);

  const texts = new Map<string, { text: string | null; classification: Classification; edited: boolean }>();
  const dropped = new Set<string>();
  let nextDue: string | null = null;
  for (const e of edits) {
    const b = e.body;
    if (b.section !== undefined) {
      const current = texts.get(b.section) ?? { text: null, classification: 'intern', edited: false };
      texts.set(b.section, {
        text: b.clearText ? null : (b.text ?? current.text),
        classification: b.textClassification ?? current.classification,
        edited: true,
      });
    }
    if (b.nextDue !== undefined) nextDue = b.nextDue;
  }
  // What was left out stays out of later reports too, until someone puts it back.
  for (const e of allEdits) {
    for (const id of e.body.drop ?? []) dropped.add(id);
    for (const id of e.body.restore ?? []) dropped.delete(id);
  }
  // A revision starts from the report it revises: its texts stay unless edited since.
  if (revises) {
    for (const s of revises.entry.body.sections) {
      if (s.text !== undefined && !texts.has(s.key)) texts.set(s.key, { text: s.text, classification: s.textClassification ?? 'intern', edited: false });
    }
    nextDue ??= revises.entry.body.nextDue ?? null;
  }

  const updatesOf = updatesIn(state);
  const also = new Set<string>();
  const changeOf = (id: string, updates: readonly string[], stillOpen: boolean): ItemChange | null => {
    if (!cited.has(id)) return 'new';
    if (updates.some((u) => !cited.has(u))) return 'changed';
    return stillOpen || revisedItems !== null ? 'unchanged' : null;
  };

  const template = activeTemplate(inputs.incidentId, inputs.templates).sections;
  const sources = new Set(template.map((s) => s.source));
  const disciplineOf = new Map(inputs.people.map((p) => [p.author, p.profile?.discipline ?? null]));
  const bySource = new Map<string, ComposedItem[]>();
  const byDiscipline = new Map<string, ComposedItem[]>();
  const knelpunten = new Map(state.knelpunten.map((k) => [k.entryId, k]));
  for (const e of [...known.values()].sort(compareEntries)) {
    let source = SOURCE_OF_KIND[e.kind];
    if (source === undefined || dropped.has(e.id) || (revisedItems !== null && !revisedItems.has(e.id))) continue;
    const discipline = disciplineOf.get(e.author) ?? null;
    if (source === 'picture' && e.kind === 'beeld' && discipline !== null && discipline !== 'MULTI' && sources.has('disciplines')) source = 'disciplines';
    if (!sources.has(source)) continue;
    const knelpunt = knelpunten.get(e.id);
    const updates = updatesOf(e.id);
    const change = changeOf(e.id, updates, knelpunt?.status === 'open');
    if (change === null) continue;
    updates.forEach((u) => also.add(u));
    const item = { entryId: e.id, change };
    if (source === 'disciplines') push(byDiscipline, discipline!, item);
    else push(bySource, source, item);
  }
  const actions: ComposedItem[] = [];
  if (sources.has('actions')) {
    for (const a of state.actions) {
      if (dropped.has(a.entryId) || (revisedItems !== null && !revisedItems.has(a.entryId))) continue;
      const updates = updatesOf(a.entryId);
      const change = changeOf(a.entryId, updates, isOpen(a.status));
      if (change === null) continue;
      updates.forEach((u) => also.add(u));
      actions.push({ entryId: a.entryId, change });
    }
  }
  for (const g of state.grip.history) if (g.entryId !== state.incident?.entryId) also.add(g.entryId);
  for (const c of state.incident?.changes ?? []) also.add(c.entryId);
  // The title is the opening entry's text as corrected: without its corrections an approved report shows the old title.
  if (state.incident) for (const c of correctionChain(state.corrections, state.incident.entryId)) also.add(c);

  const sections: ComposedSection[] = [];
  // Two sections of one source (a team's template may repeat one) would cite every entry twice; the
  // first is filled, a later one keeps its heading and own text.
  const filled = new Set<string>();
  for (const t of template) {
    const own = (key: string, discipline: string | null, items: ComposedItem[]): ComposedSection => {
      const text = texts.get(key);
      return { key, template: discipline === null ? t : null, frozenTitle: null, discipline, text: text?.text ?? null, textClassification: text?.classification ?? 'intern', textChanged: text?.edited ?? false, items };
    };
    const first = !filled.has(t.source);
    filled.add(t.source);
    if (t.source === 'disciplines' && byDiscipline.size > 0 && first) {
      for (const code of [...byDiscipline.keys()].sort()) sections.push(own(`discipline-${code.toLowerCase()}`, code, byDiscipline.get(code)!));
    } else {
      sections.push(own(t.key, null, first ? (bySource.get(t.source) ?? []) : []));
    }
  }
  const previous = before.at(-1) ?? null;
  return {
    incidentId: inputs.incidentId, state: 'draft', id: null,
    number: revises ? revises.number : nextNumber(approved), version,
    label: revises ? `${revises.number} v${version}` : String(nextNumber(approved)),
    revises: revises?.id ?? null, previous: previous?.label ?? null, pictureAt: inputs.nowIso, nextDue, grip: state.grip.level,
    authorKey, operator: null, approvedAt: null, sections, actions, also: [...also].sort(), edits: edits.map((e) => e.id), incidentState: state, entries: known,
    stateOf: (keep) => deriveIncidentState(inputs.incidentId, [...known.values()].filter(keep), inputs.nowIso, inputs.crypto),
  };
}

/** The body of the `rapport` entry that freezes a draft. */
export function approvalBody(draft: ComposedReport): EntryBody<'rapport'> {
  return {
    number: draft.number,
    version: draft.version,
    ...(draft.revises ? { revises: draft.revises } : {}),
    pictureAt: draft.pictureAt,
    ...(draft.nextDue ? { nextDue: draft.nextDue } : {}),
    ...(draft.grip !== null ? { grip: draft.grip } : {}),
    sections: draft.sections.map((s) => ({
      key: s.key, title: s.frozenTitle ?? s.template?.title ?? s.key,
      ...(s.text !== null ? { text: s.text, textClassification: s.textClassification } : {}),
      items: s.items.map((i) => i.entryId),
    })),
    actions: draft.actions.map((a) => a.entryId),
    also: draft.also,
    edits: draft.edits,
  };
}

/**
 * An approved report as it was approved: its state is derived from the entries it cites (and the
 * incident's opening), so a correction written after approval does not change it. Items are marked
 * new or changed against the reports before it.
 */
export function composeApproved(inputs: ReportInputs, report: ApprovedReport): ComposedReport {
  const known = knownEntries(inputs.entries);
  const approved = approvedReports(inputs.entries);
  const body = report.entry.body;
  const before = reportsBefore(approved, body.number, body.version, body.revises);
  const citedBefore = new Set(before.flatMap((r) => citesOf(r.entry.body)));
  const subset = new Map<string, SignedEntry>();
  for (const id of citesOf(body)) {
    const e = known.get(id);
    if (e) subset.set(id, e);
  }
  const opening = [...known.values()].find((e) => e.kind === 'incident' && e.incident === inputs.incidentId);
  const fullState = deriveIncidentState(inputs.incidentId, known.values(), inputs.nowIso, inputs.crypto);
  const openingEntry = fullState.incident ? known.get(fullState.incident.entryId) : opening;
  if (openingEntry) subset.set(openingEntry.id, openingEntry);
  const state = deriveIncidentState(inputs.incidentId, subset.values(), inputs.nowIso, inputs.crypto);
  const updatesOf = updatesIn(state);
  const changeOf = (id: string): ItemChange => {
    if (!citedBefore.has(id)) return 'new';
    return updatesOf(id).some((u) => !citedBefore.has(u)) ? 'changed' : 'unchanged';
  };
  const template = activeTemplate(inputs.incidentId, inputs.templates).sections;
  const sections = body.sections.map((s): ComposedSection => {
    const code = /^discipline-([a-z]{2,12})$/.exec(s.key)?.[1]?.toUpperCase() ?? null;
    return {
      key: s.key, template: template.find((t) => t.key === s.key) ?? null, frozenTitle: s.title, discipline: code,
      text: s.text ?? null, textClassification: s.textClassification ?? 'intern', textChanged: false, items: s.items.map((id) => ({ entryId: id, change: changeOf(id) })),
    };
  });
  return {
    incidentId: inputs.incidentId, state: 'approved', id: report.id, number: body.number, version: body.version, label: report.label,
    revises: body.revises ?? null, previous: before.at(-1)?.label ?? null, pictureAt: body.pictureAt, nextDue: body.nextDue ?? null, grip: body.grip ?? null,
    authorKey: report.entry.author, operator: body.operator ?? null, approvedAt: new Date(report.entry.hlc.t).toISOString(),
    sections, actions: body.actions.map((id) => ({ entryId: id, change: changeOf(id) })), also: body.also, edits: body.edits, incidentState: state, entries: subset,
    stateOf: (keep) => deriveIncidentState(inputs.incidentId, [...subset.values()].filter(keep), inputs.nowIso, inputs.crypto),
  };
}

const SOURCE_OF_KIND: Partial<Record<string, string>> = {
  melding: 'picture', beeld: 'picture', knelpunt: 'judgement', oordeel: 'judgement', besluit: 'decisions', communicatie: 'communication',
};

function knownEntries(entries: readonly AnyEntry[]): Map<string, SignedEntry> {
  const map = new Map<string, SignedEntry>();
  for (const e of entries) if (isKnownEntry(e)) map.set(e.id, e);
  return map;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
