import { deriveActions, isOpen, type ActionState } from './derive-actions.js';
import { compareEntries, isKnownEntry, type AnyEntry, type EntryCrypto, type SignedEntry } from './entry.js';
import type { Hlc } from './hlc.js';
import { isDeviceIncident, mayOpen, openingRule, type OpeningRule } from './incident.js';
import type { EntryKind, IncidentStatus, KnelpuntStatus } from './kinds.js';
import { writtenOf, type Written } from './written.js';

export type { ActionEvent, ActionState, ActionViewStatus, StatusChange } from './derive-actions.js';

/**
 * State derived from an incident's set of entries. It is a pure function of the set: entries are
 * first put in the log's total order, so every device that holds the same entries shows the same
 * state, whatever order they arrived in. Entries of kinds this version does not know are left out
 * (forks among them still count), and fields a newer version added to a known kind are not read.
 */
export interface IncidentState {
  incidentId: string;
  /** Null while the entry that opens the incident has not arrived yet (its other entries are still derived). */
  incident: IncidentHeader | null;
  /** Closed or open: the latest `incidentstatus` in log order; open before any. */
  status: IncidentStatus;
  statusHistory: IncidentStatusChange[];
  grip: { level: number | null; history: GripChange[] };
  decisions: Decision[];
  actions: ActionState[];
  knelpunten: KnelpuntState[];
  /** The actions still to be done (open or in progress, not withdrawn), in log order. */
  openActions: string[];
  /** The knelpunten not resolved, in log order. */
  openKnelpunten: string[];
  /** Corrected entry id → ids of the entries that correct it, in log order. */
  corrections: Record<string, string[]>;
  /** Authors with two different entries at the same seq: their entries are kept as evidence. */
  forkedAuthors: string[];
  /**
   * Entries of this incident that the state above does not apply, in log order, each with why:
   * none is dropped without a trace. Most wait for an entry that has not arrived yet and apply once
   * it does; an opening entry that may not open the incident never will.
   */
  ignored: IgnoredEntry[];
}

export interface IncidentHeader {
  /** The title and location now: the opening entry's (its title as corrected), then each change in log order. */
  title: string;
  location: string | null;
  start: string;
  /** Opened as an exercise (oefening): reports and exports of it say so on every page. */
  exercise: boolean;
  openedBy: string;
  openedAt: Hlc;
  /** The person at the opening device's keyboard, where one was named. */
  operator: string | null;
  /** The opening entry. */
  entryId: string;
  /**
   * How the opening entry was chosen (shared/domain/incident.ts): 'bound', the incident's id is
   * derived from this entry's author and seq, so no other entry can open it; 'legacy', an incident
   * from before that rule, opened by its first opening entry in log order.
   */
  rule: OpeningRule;
  /** Explicit changes of title or location (`incidentwijziging` entries), in log order. */
  changes: IncidentChange[];
}

export type IncidentChange = {
  /** The new title, or null when this change left it as it was. */
  title: string | null;
  /** The new location, or null when this change left it as it was. */
  location: string | null;
  /** Title and location just before this change. */
  previous: { title: string; location: string | null };
  reason: string;
} & Written;

/**
 * Why an entry is not applied:
 * - `not-opening`: an `incident` entry that does not open this incident: a bound incident is opened
 *   only by the entry its id is derived from, a legacy one by its first opening entry in log order;
 * - `no-opening`: a change of title or location while the opening entry has not arrived;
 * - `unknown-action`: a status, change or withdrawal of an action this incident does not hold (not arrived yet, or another incident's);
 * - `not-an-action`: a status, change or withdrawal of an entry that is not an action;
 * - `unknown-knelpunt`, `not-a-knelpunt`: the same for a knelpunt's status;
 * - `unknown-target`: a correction of an entry this incident does not hold (not arrived yet, or another incident's);
 * - `device-entry`: a device's profile, which belongs under the reserved device incident and not in an incident.
 */
export type IgnoredReason =
  | 'not-opening' | 'no-opening' | 'unknown-action' | 'not-an-action' | 'unknown-knelpunt' | 'not-a-knelpunt' | 'unknown-target' | 'device-entry';

export interface IgnoredEntry {
  entryId: string;
  kind: EntryKind;
  author: string;
  at: Hlc;
  reason: IgnoredReason;
  /** The entry it refers to (the action, the corrected entry), when it refers to one. */
  refersTo: string | null;
}

export type GripChange = { level: number; reason: string | null } & Written;
export type Decision = { text: string; decidedBy: string | null; corrected: boolean } & Written;
export type IncidentStatusChange = { status: IncidentStatus; reason: string } & Written;
export type KnelpuntStatusChange = { status: KnelpuntStatus; reason: string } & Written;
export type KnelpuntState = {
  text: string;
  /** The latest `knelpuntstatus` in log order; open before any. */
  status: KnelpuntStatus;
  /** The reason given with that status. */
  statusReason: string | null;
  statusHistory: KnelpuntStatusChange[];
  corrected: boolean;
} & Written;

const MAX_CORRECTION_DEPTH = 64;

/**
 * The entry this one points at as deriveIncidentState reads it, or null: a correction's target, a
 * knelpunt status's knelpunt, an action's status, change or withdrawal's action. Of the entries
 * that do nothing else in the state (meldingen, beelden: most of a log), the state reads only
 * whether they are held, when one of these points at them, and whether two share an author's seq
 * (forkedAuthors). A store can therefore hand it the other kinds, the entries these point at, and
 * the entries at forked seqs, and get the same state (store/state-entries.ts; a test compares).
 */
export function stateReference(entry: AnyEntry): string | null {
  if (!isKnownEntry(entry)) return null;
  switch (entry.kind) {
    case 'correctie':
      return entry.body.target;
    case 'knelpuntstatus':
      return entry.body.knelpunt;
    case 'actiestatus':
    case 'actiewijziging':
    case 'actieintrekking':
      return entry.body.action;
    default:
      return null;
  }
}

/**
 * `crypto.sha256` tells which `incident` entry may open the incident (its id is derived from the
 * opening entry; shared/domain/incident.ts); it is injected because `shared/` has no hashing of its own.
 */
export function deriveIncidentState(incidentId: string, entries: Iterable<AnyEntry>, nowIso: string, crypto: Pick<EntryCrypto, 'sha256'>): IncidentState {
  const all = new Map<string, AnyEntry>();
  for (const e of entries) if (e.incident === incidentId) all.set(e.id, e);
  const byId = new Map<string, SignedEntry>();
  for (const e of all.values()) if (isKnownEntry(e)) byId.set(e.id, e);
  const ordered = [...byId.values()].sort(compareEntries);
  const ignored: { entry: SignedEntry; reason: IgnoredReason; refersTo: string | null }[] = [];
  const ignore = (entry: SignedEntry, reason: IgnoredReason, refersTo: string | null = null) => ignored.push({ entry, reason, refersTo });

  const corrections: Record<string, string[]> = {};
  for (const e of ordered) {
    if (e.kind !== 'correctie') continue;
    const target = e.body.target;
    if (byId.has(target)) (corrections[target] ??= []).push(e.id);
    else ignore(e, 'unknown-target', target);
  }
  const textOf = (e: SignedEntry, depth = 0): string => {
    const fixes = corrections[e.id];
    const latest = fixes && byId.get(fixes[fixes.length - 1]!);
    if (latest && depth < MAX_CORRECTION_DEPTH) return textOf(latest, depth + 1);
    return ownText(e);
  };
  const isCorrected = (id: string) => id in corrections;

  const state: IncidentState = {
    incidentId, incident: null, status: 'open', statusHistory: [], grip: { level: null, history: [] }, decisions: [], actions: [], knelpunten: [],
    openActions: [], openKnelpunten: [], corrections, forkedAuthors: forkedAuthors(all.values()), ignored: [],
  };
  // A bound incident's own opening entry may sort after someone else's back-dated one: only it
  // opens, and so only its GRIP level starts the history. (Two that may open: a fork; the first opens.)
  const opening = isDeviceIncident(incidentId) ? undefined : ordered.find((e) => e.kind === 'incident' && mayOpen(e, crypto.sha256));
  const knelpunten = new Map<string, KnelpuntState>();
  for (const e of ordered) {
    const written = writtenOf(e);
    switch (e.kind) {
      case 'incident': {
        if (e !== opening) {
          ignore(e, 'not-opening', opening?.id ?? null);
          break;
        }
        state.incident = {
          title: textOf(e), location: e.body.location ?? null, start: e.body.start, exercise: e.body.exercise === true, openedBy: e.author, openedAt: e.hlc, operator: written.operator, entryId: e.id,
          rule: openingRule(incidentId), changes: [],
        };
        if (e.body.grip !== undefined) state.grip.history.push({ level: e.body.grip, reason: null, ...written });
        break;
      }
      case 'grip':
        state.grip.history.push({ level: e.body.level, reason: e.body.reason ?? null, ...written });
        break;
      case 'incidentstatus':
        state.statusHistory.push({ status: e.body.status, reason: e.body.reason, ...written });
        break;
      case 'besluit':
        state.decisions.push({ text: textOf(e), decidedBy: e.body.decidedBy ?? null, corrected: isCorrected(e.id), ...written });
        break;
      case 'knelpunt':
        knelpunten.set(e.id, { text: textOf(e), status: 'open', statusReason: null, statusHistory: [], corrected: isCorrected(e.id), ...written });
        break;
      case 'profiel':
        ignore(e, 'device-entry');
        break;
      default:
        break;
    }
  }
  // Changes after the entries they change: one may sort before its opening entry, action or
  // knelpunt when that entry's author had a clock running ahead (its stamp is not allowed to drag
  // other clocks along).
  const header = state.incident;
  for (const e of ordered) {
    if (e.kind === 'incidentwijziging') {
      if (!header) {
        ignore(e, 'no-opening');
        continue;
      }
      const previous = { title: header.title, location: header.location };
      header.changes.push({ title: e.body.title ?? null, location: e.body.location ?? null, previous, reason: e.body.reason, ...writtenOf(e) });
      header.title = e.body.title ?? header.title;
      header.location = e.body.location ?? header.location;
    } else if (e.kind === 'knelpuntstatus') {
      const knelpunt = knelpunten.get(e.body.knelpunt);
      if (!knelpunt) {
        ignore(e, byId.has(e.body.knelpunt) ? 'not-a-knelpunt' : 'unknown-knelpunt', e.body.knelpunt);
        continue;
      }
      knelpunt.statusHistory.push({ status: e.body.status, reason: e.body.reason, ...writtenOf(e) });
      knelpunt.status = e.body.status;
      knelpunt.statusReason = e.body.reason;
    }
  }
  state.actions = deriveActions(ordered, textOf, (id) => byId.has(id), isCorrected, nowIso, ignore);
  state.knelpunten = [...knelpunten.values()];
  state.openActions = state.actions.filter((a) => isOpen(a.status)).map((a) => a.entryId);
  state.openKnelpunten = state.knelpunten.filter((k) => k.status === 'open').map((k) => k.entryId);
  state.status = state.statusHistory.at(-1)?.status ?? 'open';
  state.grip.level = state.grip.history.at(-1)?.level ?? null;
  state.ignored = ignored
    .sort((a, b) => compareEntries(a.entry, b.entry))
    .map(({ entry, reason, refersTo }) => ({ entryId: entry.id, kind: entry.kind, author: entry.author, at: entry.hlc, reason, refersTo }));
  return state;
}

export function forkedAuthors(entries: Iterable<AnyEntry>): string[] {
  const seen = new Map<string, string>();
  const forked = new Set<string>();
  for (const e of entries) {
    const key = `${e.author}:${e.seq}`;
    const other = seen.get(key);
    if (other === undefined) seen.set(key, e.id);
    else if (other !== e.id) forked.add(e.author);
  }
  return [...forked].sort();
}

/** An entry's own text, before any correction: an incident's title, or the body's text where the kind has one. */
function ownText(e: SignedEntry): string {
  if (e.kind === 'incident') return e.body.title;
  return 'text' in e.body && typeof e.body.text === 'string' ? e.body.text : '';
}
