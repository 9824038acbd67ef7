import { compareEntries, isKnownEntry, type AnyEntry, type SignedEntry } from './entry.js';
import type { Hlc } from './hlc.js';
import type { ActionStatus, Priority } from './kinds.js';

/**
 * State derived from an incident's set of entries. It is a pure function of the set: entries are
 * first put in the log's total order, so every device that holds the same entries shows the same
 * state, whatever order they arrived in. Entries of kinds this version does not know are left out
 * (forks among them still count), and fields a newer version added to a known kind are not read.
 */
export interface IncidentState {
  incidentId: string;
  /** Null while the entry that opened the incident has not arrived yet. */
  incident: { title: string; location: string | null; start: string; openedBy: string; openedAt: Hlc; entryId: string } | null;
  grip: { level: number | null; history: GripChange[] };
  decisions: Decision[];
  actions: ActionState[];
  /** Corrected entry id → ids of the entries that correct it, in log order. */
  corrections: Record<string, string[]>;
  /** Authors with two different entries at the same seq: their entries are kept as evidence. */
  forkedAuthors: string[];
}

export interface GripChange { level: number; reason: string | null; at: Hlc; author: string; entryId: string }
export interface Decision { entryId: string; text: string; decidedBy: string | null; at: Hlc; author: string; corrected: boolean }
export interface StatusChange { status: ActionStatus; reason: string | null; at: Hlc; author: string; entryId: string }
export interface ActionState {
  entryId: string;
  text: string;
  owner: string;
  issuer: string;
  priority: Priority;
  deadline: string | null;
  status: ActionStatus;
  /** Reason given with the latest status, reported back to the issuer (required for not_done). */
  statusReason: string | null;
  statusHistory: StatusChange[];
  overdue: boolean;
  at: Hlc;
  author: string;
  corrected: boolean;
}

const MAX_CORRECTION_DEPTH = 64;

export function deriveIncidentState(incidentId: string, entries: Iterable<AnyEntry>, nowIso: string): IncidentState {
  const all = new Map<string, AnyEntry>();
  for (const e of entries) if (e.incident === incidentId) all.set(e.id, e);
  const byId = new Map<string, SignedEntry>();
  for (const e of all.values()) if (isKnownEntry(e)) byId.set(e.id, e);
  const ordered = [...byId.values()].sort(compareEntries);
  const corrections: Record<string, string[]> = {};
  for (const e of ordered) {
    if (e.kind !== 'correctie') continue;
    const target = e.body.target;
    if (byId.has(target)) (corrections[target] ??= []).push(e.id);
  }
  const textOf = (e: SignedEntry, depth = 0): string => {
    const fixes = corrections[e.id];
    const latest = fixes && byId.get(fixes[fixes.length - 1]!);
    if (latest && depth < MAX_CORRECTION_DEPTH) return textOf(latest, depth + 1);
    return ownText(e);
  };

  const state: IncidentState = {
    incidentId, incident: null, grip: { level: null, history: [] }, decisions: [], actions: [], corrections, forkedAuthors: forkedAuthors(all.values()),
  };
  const actions = new Map<string, ActionState>();
  for (const e of ordered) {
    const at = e.hlc;
    switch (e.kind) {
      case 'incident': {
        if (state.incident) break; // a second opening entry (only possible in a fork) does not reopen the incident
        state.incident = { title: textOf(e), location: e.body.location ?? null, start: e.body.start, openedBy: e.author, openedAt: at, entryId: e.id };
        if (e.body.grip !== undefined) state.grip.history.push({ level: e.body.grip, reason: null, at, author: e.author, entryId: e.id });
        break;
      }
      case 'grip':
        state.grip.history.push({ level: e.body.level, reason: e.body.reason ?? null, at, author: e.author, entryId: e.id });
        break;
      case 'besluit':
        state.decisions.push({ entryId: e.id, text: textOf(e), decidedBy: e.body.decidedBy ?? null, at, author: e.author, corrected: e.id in corrections });
        break;
      case 'actie':
        actions.set(e.id, {
          entryId: e.id, text: textOf(e), owner: e.body.owner, issuer: e.body.issuer ?? e.author.slice(0, 12),
          priority: e.body.priority, deadline: e.body.deadline ?? null,
          status: 'open', statusReason: null, statusHistory: [], overdue: false, at, author: e.author, corrected: e.id in corrections,
        });
        break;
      default:
        break;
    }
  }
  // Statuses after all actions: a status may sort before its action when the action's author had a
  // clock running ahead (its stamp is not allowed to drag other clocks along).
  for (const e of ordered) {
    if (e.kind !== 'actiestatus') continue;
    const action = actions.get(e.body.action);
    if (!action) continue; // status for an action not (yet) in this incident's set
    const change: StatusChange = { status: e.body.status, reason: e.body.reason ?? null, at: e.hlc, author: e.author, entryId: e.id };
    action.statusHistory.push(change);
    action.status = change.status;
    action.statusReason = change.reason;
  }
  state.grip.level = state.grip.history.at(-1)?.level ?? null;
  state.actions = [...actions.values()].map((a) => ({
    ...a,
    overdue: a.deadline !== null && a.deadline < nowIso && (a.status === 'open' || a.status === 'in_progress'),
  }));
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
  return 'text' in e.body ? e.body.text : '';
}
