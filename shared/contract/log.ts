import { z } from 'zod';
import type { IncidentState } from '../domain/derive.js';
import type { OpeningRule } from '../domain/incident.js';
import type { Behind } from '../domain/causal.js';
import type { AnyEntry, NewerContent } from '../domain/entry.js';
import { ENTRY_KINDS, isoInstantSchema, type Classification, type IncidentStatus } from '../domain/kinds.js';
import { classification, entryFilterSchema, entryRef, gripLevel, incidentRef, line, text, whoWhen } from './fields.js';
import { method } from './method.js';

/** Incidents and their log: open, change, close and reopen them, write, read, search, verify. */
export const logArea = {
  'incident.create': method(
    z.strictObject({
      title: line,
      location: line.optional(),
      /** When it started; default: when it happened (happenedAt), else now. */
      start: isoInstantSchema.optional(),
      grip: gripLevel.optional(),
      /** An exercise (oefening): every report and export of it says so on every page. Set only here, when it is opened. */
      exercise: z.boolean().default(false),
      classification: classification.default('intern'),
      ...whoWhen,
    }),
  ).returns<{ id: string; entry: AppendedView }>(),
  /** A change of an incident's title or location: a signed entry that its history shows, never an edit. */
  'incident.update': method(
    z
      .strictObject({ incident: incidentRef, title: line.optional(), location: line.optional(), reason: text, classification: classification.default('intern'), ...whoWhen })
      .refine((b) => b.title !== undefined || b.location !== undefined, { message: 'give a new title, a new location or both', path: ['title'] }),
  ).returns<AppendedView>(),
  /** Closes an incident, with why: it leaves incident.list (unless `all`); its log stays, and can still be written to. */
  'incident.close': method(z.strictObject({ incident: incidentRef, reason: text, classification: classification.default('intern'), ...whoWhen })).returns<AppendedView>(),
  'incident.reopen': method(z.strictObject({ incident: incidentRef, reason: text, classification: classification.default('intern'), ...whoWhen })).returns<AppendedView>(),
  /**
   * The incidents this log holds entries of, those whose opening entry has not arrived yet first,
   * then the newest first; closed ones only with `all`.
   */
  'incident.list': method(z.strictObject({ all: z.boolean().default(false) })).returns<IncidentSummary[]>(),
  'incident.state': method(z.strictObject({ incident: incidentRef })).returns<IncidentStateView>(),
  /** Entries per hour and kind, for the overview's chart: counted in the store, so a 100k-entry incident costs one scan, not its derived state. */
  'incident.activity': method(z.strictObject({ incident: incidentRef })).returns<IncidentActivityView>(),
  /**
   * Any kind an incident holds (not its opening entry, a device's profile, nor a report's template,
   * draft change or approval, which the sitrep methods check); the body is validated against the kind's schema.
   */
  'log.add': method(
    z.strictObject({
      incident: incidentRef,
      kind: z.enum(ENTRY_KINDS).exclude(['incident', 'profiel', 'rapportsjabloon', 'rapportbewerking', 'rapport']),
      body: z.record(z.string(), z.unknown()),
      classification: classification.default('intern'),
      ...whoWhen,
    }),
  ).returns<AppendedView>(),
  'log.list': method(entryFilterSchema).returns<EntryPageView>(),
  'log.get': method(z.strictObject({ id: entryRef })).returns<LogEntryView>(),
  'log.correct': method(
    z.strictObject({ target: entryRef, text, reason: text.optional(), classification: classification.optional(), ...whoWhen }),
  ).returns<AppendedView>(),
  /** Refused (conflict, field `level`) when the incident is at that level already, unless `force`: most likely a slip. */
  'grip.set': method(
    z.strictObject({ incident: incidentRef, level: gripLevel, reason: text.optional(), classification: classification.default('intern'), force: z.boolean().default(false), ...whoWhen }),
  ).returns<AppendedView>(),
  /** Marks a knelpunt (bottleneck) resolved, with why; its classification is the knelpunt's. */
  'knelpunt.resolve': method(z.strictObject({ knelpunt: entryRef, reason: text, ...whoWhen })).returns<AppendedView>(),
  /** Marks a resolved knelpunt open again, with why. */
  'knelpunt.reopen': method(z.strictObject({ knelpunt: entryRef, reason: text, ...whoWhen })).returns<AppendedView>(),
  search: method(entryFilterSchema.extend({ text: z.string().trim().min(1, 'must not be empty').max(500) })).returns<EntryPageView>(),
  verify: method(z.strictObject({})).returns<VerifyView>(),
  /**
   * Rewrites the log file with the page size a new log gets and without the pages nothing uses any
   * more (a log too large to be rewritten when opened keeps its old pages until then). Needs the file
   * to itself: refused (conflict) while another program has it open, and nothing changes when there
   * is no room for the copy (storage).
   */
  'log.compact': method(z.strictObject({})).returns<CompactView>(),
};

/** The log file's size as SQLite counts it: pages of `pageSize` bytes, `freePages` of them unused. */
export interface LogFileView {
  pageSize: number;
  pages: number;
  freePages: number;
}

export interface CompactView {
  /** 'already': the log had the page size and no free page, and was left as it was. */
  outcome: 'rewritten' | 'already';
  before: LogFileView;
  after: LogFileView;
  /** How long the rewrite held the log. */
  ms: number;
}

/**
 * An entry as the log shows it. It may be of a kind this version does not know (written by a newer
 * version): narrow it with isKnownEntry before reading its body, and show `newer` when it is set.
 */
export type LogEntryView = AnyEntry & {
  /**
   * Clock skew ahead: how far ahead of this device's clock the entry was stamped when it arrived,
   * when beyond the allowed skew (always positive; noted on arrival, so devices may differ).
   */
  skewMs: number | null;
  /**
   * Clock skew behind: set when the entry is stamped more than the allowed skew before an entry it
   * follows (its author's previous entry, what it corrects or reports on, its incident's opening
   * entry); the same on every device that holds both (shared/domain/causal.ts).
   */
  behind: Behind | null;
  /** What of it a newer version wrote that this one cannot read (its kind, or body fields); null when nothing. */
  newer: NewerContent | null;
  /** What its neighbours say of it: its corrections (the last one's text is its text now), what it refers to, the GRIP level before it. */
  context: EntryContext;
  /** When it happened, as its writer said (body.happenedAt); null when not said. It is ordered by `hlc`, when it was logged, all the same. */
  happenedAt: string | null;
  /** The person named at the keyboard (body.operator), on a shared laptop; null when none was. */
  operator: string | null;
  /** Who wrote it, as a person reads it: the operator and the device's name from the people directory, never a bare key. */
  writer: string;
};
/** What an entry's neighbours say about it, which a list needs to show it in words (the backend adds it to each view). */
export interface EntryContext {
  /** Entries correcting this one, in log order: the last one's text is this entry's text now. */
  corrections: { id: string; author: string; t: number; text: string }[];
  /** What it refers to (the action a status reports on, the entry a correction corrects), in a few words. */
  refersTo: { id: string; kind: string; text: string } | null;
  /** For a `grip` entry: the incident's level just before it, in log order (null: none before). */
  gripBefore: number | null;
}
export interface EntryPageView { entries: LogEntryView[]; nextCursor: string | null }
export interface IncidentSummary {
  id: string;
  /** Null, like location, start and openedBy, while the opening entry has not arrived: the incident's other entries are listed all the same. */
  title: string | null;
  location: string | null;
  start: string | null;
  grip: number | null;
  openedBy: string | null;
  /** How its opening entry is chosen (see IncidentState); null while it has not arrived. */
  rule: OpeningRule | null;
  /** Closed incidents leave incident.list unless it is asked for all. */
  status: IncidentStatus;
  /** Opened as an exercise (oefening); false while the opening entry has not arrived. */
  exercise: boolean;
}
/** An incident's derived state, with a label (from the people directory) for every device key it names. */
export type IncidentStateView = IncidentState & { labels: Record<string, string> };
export interface IncidentActivityView {
  /** Hours with entries, oldest first (hours without any are left out): the hour's start, and its entries by kind. */
  hours: { start: string; kinds: Record<string, number> }[];
}
export interface AppendedView { id: string; seq: number; incident: string; classification: Classification }
export interface VerifyView {
  ok: boolean;
  entries: number;
  problems: { entry: string | null; problem: string }[];
  warnings: { entry: string | null; problem: string }[];
}
