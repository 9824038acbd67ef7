import type { Classification, Priority } from '../domain/kinds.js';
import type { ActionViewStatus } from '../domain/derive-actions.js';
import type { Lang } from '../present/words.js';

/**
 * What every export is built from: a situation report (draft or approved) already cut down to one
 * audience, with names instead of keys and instants as UTC ISO strings plus the zone to show them
 * in. Builders (LCMS, paste, CAP, EDXL-DE, CSV, PDF) are pure functions of this and of nothing
 * else, so the same document gives the same bytes (golden files), and the window can preview them.
 */
export interface ReportDocument {
  lang: Lang;
  /** Who this copy is for; content classified below it has already been removed. */
  audience: Classification;
  /** An exercise (oefening): every page and every export says so. */
  exercise: boolean;
  generator: Generator;
  incident: ReportIncident;
  report: ReportHeader;
  /** In the team's template order; a section with nothing for this audience is kept, empty, so headings stay stable. */
  sections: ReportSection[];
  /** Every action of the incident the audience may see, also listed in the section with key `actions`. */
  actions: ReportAction[];
}

export interface Generator {
  app: 'Baken';
  version: string;
  team: string | null;
  /** The device that generated the export, by name ("Anna de Vries (IM, ROT Brabant-Noord)"). */
  device: string;
  deviceKey: string;
  /** UTC ISO instant; part of what makes an export deterministic. */
  generatedAt: string;
  /** IANA zone all local times are shown in, e.g. Europe/Amsterdam. */
  timeZone: string;
}

export interface ReportIncident {
  /** 32 hex characters. */
  id: string;
  /** Null when the incident's opening entry is classified above this audience (its title is then not shared). */
  title: string | null;
  location: string | null;
  start: string;
  status: 'open' | 'closed';
  gripLevel: number | null;
  /** GRIP changes visible to this audience, oldest first. */
  gripHistory: { level: number; at: string; who: string; reason: string | null }[];
}

export interface ReportHeader {
  state: 'draft' | 'approved';
  /** The approval entry's id (64 hex), the one to check a printed copy against; null for a draft. */
  id: string | null;
  /** 1, 2, …; for a draft, the number it would get. */
  number: number;
  version: number;
  /** What people read as the number: "3", "3 v2", or "3A" when two devices approved a number 3 at once. */
  label: string;
  /** The time of the picture: when the report was drafted or approved. */
  pictureAt: string;
  nextDueAt: string | null;
  /** Next report due has passed at generation time. */
  overdue: boolean;
  /** The information manager who approved it (or is drafting it), by name. */
  author: string;
  authorKey: string;
  approvedAt: string | null;
  /** The team the author belongs to, from the author's profile. */
  team: string | null;
  /** The approved report this one follows (its label), if any. */
  previous: string | null;
}

export type ItemChange = 'new' | 'changed' | 'unchanged';

export interface ReportSection {
  /** Stable key from the template: summary, picture, judgement, forecast, decisions, actions, disciplines, communication, annexes, or a team's own. */
  key: string;
  title: string;
  /** Text the information manager wrote for this section (null when none, or when classified above the audience). */
  text: string | null;
  /** Classification of `text`. */
  classification: Classification;
  /** For discipline sections: the LCMS discipline code (BRW, GZ, …), else null. */
  discipline: string | null;
  items: ReportItem[];
  /** Something in this section is new or changed since the previous approved report. */
  changed: boolean;
}

export interface ReportItem {
  /** The log entry this item is taken from (64 hex). */
  entryId: string;
  /** The entry's kind (melding, beeld, …; a newer version's kind name as it is). */
  kind: string;
  /** The current text (after corrections). */
  text: string;
  /** When it was logged (UTC ISO). */
  at: string;
  /** When it happened, where the entry says so. */
  happenedAt: string | null;
  /** Who wrote it, by name. */
  who: string;
  classification: Classification;
  change: ItemChange;
  /** The text was corrected (the original is in the log). */
  corrected: boolean;
  /** For discipline pictures: the writer's discipline code, else null. */
  discipline: string | null;
}

export interface ReportAction {
  entryId: string;
  /** First line of the text, at most 120 characters. */
  summary: string;
  description: string;
  priority: Priority;
  status: ActionViewStatus;
  /** Who carries it out: a name, and the LCMS address where known. */
  owner: PartyView;
  issuer: PartyView | null;
  deadline: string | null;
  overdue: boolean;
  classification: Classification;
  change: ItemChange;
}

export interface PartyView {
  label: string;
  organisation: string | null;
  team: string | null;
  discipline: string | null;
  function: string | null;
}

/**
 * A printable log extract (log-pdf, csv): rows in log order with the corrections that apply to
 * them, already cut down to the audience.
 */
export interface LogExtract {
  lang: Lang;
  audience: Classification;
  exercise: boolean;
  generator: Generator;
  incident: ReportIncident;
  /** The time range asked for (UTC ISO), null for open ends. */
  from: string | null;
  to: string | null;
  rows: LogRow[];
}

export interface LogRow {
  entryId: string;
  at: string;
  happenedAt: string | null;
  who: string;
  authorKey: string;
  kind: string;
  /** What the row says in words (as `baken log list` shows it, without terminal escapes). */
  text: string;
  classification: Classification;
  /** Corrections of this row, oldest first; the last one counts. */
  corrections: { entryId: string; text: string; at: string; who: string }[];
}

const RANK: Record<Classification, number> = { openbaar: 0, partner: 1, intern: 2 };

/** May content with this classification go to this audience? Intern goes only to intern; partner to partner and intern. */
export function visibleTo(content: Classification, audience: Classification): boolean {
  return RANK[content] <= RANK[audience];
}
