import { z } from 'zod';
import type { IncidentState } from '../domain/derive.js';
import type { OpeningRule } from '../domain/incident.js';
import type { Behind } from '../domain/causal.js';
import type { AnyEntry, NewerContent } from '../domain/entry.js';
import { ENTRY_KINDS, entryIdSchema, incidentIdSchema, isoInstantSchema, type Classification } from '../domain/kinds.js';
import { classification, entryFilterSchema, gripLevel, line, text } from './fields.js';
import { method } from './method.js';

/** Incidents and their log: create, write, read, search, verify. */
export const logArea = {
  'device.info': method(z.strictObject({})).returns<DeviceView>(),
  'incident.create': method(
    z.strictObject({
      title: line,
      location: line.optional(),
      start: isoInstantSchema.optional(),
      grip: gripLevel.optional(),
      classification: classification.default('intern'),
    }),
  ).returns<{ id: string; entry: AppendedView }>(),
  /** A change of an incident's title or location: a signed entry that its history shows, never an edit. */
  'incident.update': method(
    z
      .strictObject({ incident: incidentIdSchema, title: line.optional(), location: line.optional(), reason: text, classification: classification.default('intern') })
      .refine((b) => b.title !== undefined || b.location !== undefined, { message: 'give a new title, a new location or both', path: ['title'] }),
  ).returns<AppendedView>(),
  /** Every incident this log holds entries of, those whose opening entry has not arrived yet first, then the newest first. */
  'incident.list': method(z.strictObject({})).returns<IncidentSummary[]>(),
  'incident.state': method(z.strictObject({ incident: incidentIdSchema })).returns<IncidentState>(),
  /** Any kind except 'incident'; the body is validated against the kind's schema. */
  'log.add': method(
    z.strictObject({
      incident: incidentIdSchema,
      kind: z.enum(ENTRY_KINDS).exclude(['incident']),
      body: z.record(z.string(), z.unknown()),
      classification: classification.default('intern'),
    }),
  ).returns<AppendedView>(),
  'log.list': method(entryFilterSchema).returns<EntryPageView>(),
  'log.get': method(z.strictObject({ id: entryIdSchema })).returns<LogEntryView>(),
  'log.correct': method(
    z.strictObject({ target: entryIdSchema, text, reason: text.optional(), classification: classification.optional() }),
  ).returns<AppendedView>(),
  /** Refused (conflict, field `level`) when the incident is at that level already, unless `force`: most likely a slip. */
  'grip.set': method(
    z.strictObject({ incident: incidentIdSchema, level: gripLevel, reason: text.optional(), classification: classification.default('intern'), force: z.boolean().default(false) }),
  ).returns<AppendedView>(),
  search: method(entryFilterSchema.extend({ text: z.string().trim().min(1, 'must not be empty').max(500) })).returns<EntryPageView>(),
  verify: method(z.strictObject({})).returns<VerifyView>(),
};

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
}
export interface AppendedView { id: string; seq: number; incident: string; classification: Classification }
export interface VerifyView {
  ok: boolean;
  entries: number;
  problems: { entry: string | null; problem: string }[];
  warnings: { entry: string | null; problem: string }[];
}
export interface DeviceView { author: string; dataDir: string; entries: number; forkedAuthors: string[] }
