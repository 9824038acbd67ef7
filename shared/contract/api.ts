import { z } from 'zod';
import type { IncidentState } from '../domain/derive.js';
import type { SignedEntry } from '../domain/entry.js';
import {
  ACTION_STATUSES, CLASSIFICATIONS, ENTRY_KINDS, MAX_LINE, MAX_TEXT, PRIORITIES, entryIdSchema, incidentIdSchema, isoInstantSchema,
  type ActionStatus, type Classification, type Priority,
} from '../domain/kinds.js';

/**
 * The whole surface between a user interface (CLI, Electron window, headless host) and the backend:
 * one method name → one zod input schema and one output type. The backend validates every input
 * against these schemas, whatever carried it.
 */
const text = z.string().trim().min(1, 'must not be empty').max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);
const line = z.string().trim().min(1, 'must not be empty').max(MAX_LINE, `must be at most ${MAX_LINE} characters`);
const gripLevel = z.number().int('must be a whole number').min(0, 'must be 0 to 5').max(5, 'must be 0 to 5');
const classification = z.enum(CLASSIFICATIONS);
const pageLimit = z.number().int().min(1).max(1000).default(100);

export const entryFilterSchema = z.strictObject({
  incident: incidentIdSchema.optional(),
  kind: z.enum(ENTRY_KINDS).optional(),
  author: z.string().regex(/^[0-9a-f]{64}$/, 'must be an author key (64 hex characters)').optional(),
  classification: classification.optional(),
  from: isoInstantSchema.optional(),
  to: isoInstantSchema.optional(),
  cursor: z.string().regex(/^[0-9]{1,19}$/, 'is not a cursor from a previous page').optional(),
  limit: pageLimit,
  order: z.enum(['newest', 'oldest']).default('newest'),
});

export const apiInputs = {
  'device.info': z.strictObject({}),
  'incident.create': z.strictObject({
    title: line,
    location: line.optional(),
    start: isoInstantSchema.optional(),
    grip: gripLevel.optional(),
    classification: classification.default('intern'),
  }),
  'incident.list': z.strictObject({}),
  'incident.state': z.strictObject({ incident: incidentIdSchema }),
  /** Any kind except 'incident'; the body is validated against the kind's schema. */
  'log.add': z.strictObject({
    incident: incidentIdSchema,
    kind: z.enum(ENTRY_KINDS).exclude(['incident']),
    body: z.record(z.string(), z.unknown()),
    classification: classification.default('intern'),
  }),
  'log.list': entryFilterSchema,
  'log.get': z.strictObject({ id: entryIdSchema }),
  'log.correct': z.strictObject({ target: entryIdSchema, text, reason: text.optional(), classification: classification.optional() }),
  'grip.set': z.strictObject({ incident: incidentIdSchema, level: gripLevel, reason: text.optional(), classification: classification.default('intern') }),
  'action.add': z.strictObject({
    incident: incidentIdSchema,
    text,
    owner: line,
    issuer: line.optional(),
    priority: z.enum(PRIORITIES).default('AVERAGE'),
    deadline: isoInstantSchema.optional(),
    classification: classification.default('intern'),
  }),
  'action.status': z
    .strictObject({ action: entryIdSchema, status: z.enum(ACTION_STATUSES), reason: text.optional() })
    .refine((b) => b.status !== 'not_done' || b.reason !== undefined, {
      message: 'a reason is required when an action is not done, so the issuer learns why',
      path: ['reason'],
    }),
  'action.list': z.strictObject({ incident: incidentIdSchema }),
  search: entryFilterSchema.extend({ text: z.string().trim().min(1, 'must not be empty').max(500) }),
  verify: z.strictObject({}),
  'team.create': z.strictObject({ name: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters') }),
  'team.invite': z.strictObject({}),
  'team.join': z.strictObject({ code: z.string().trim().min(1, 'must not be empty').max(4000, 'is far too long for an invite code') }),
  'peer.add': z.strictObject({ address: z.string().trim().min(1, 'must not be empty').max(300) }),
  'sync.status': z.strictObject({}),
  'bundle.export': z.strictObject({ out: z.string().min(1), since: z.string().min(1).optional() }),
  'bundle.import': z.strictObject({ file: z.string().min(1), anyTeam: z.boolean().default(false) }),
  'bundle.clock': z.strictObject({ out: z.string().min(1) }),
} as const;

export type ApiMethod = keyof typeof apiInputs;
export type ApiInput<M extends ApiMethod> = z.input<(typeof apiInputs)[M]>;
export type ApiParsedInput<M extends ApiMethod> = z.output<(typeof apiInputs)[M]>;

export type LogEntryView = SignedEntry & {
  /** How far ahead of this device's clock the entry was stamped, when beyond the allowed skew. */
  skewMs: number | null;
};
export interface EntryPageView { entries: LogEntryView[]; nextCursor: string | null }
export interface IncidentSummary {
  id: string;
  title: string;
  location: string | null;
  start: string;
  grip: number | null;
  openedBy: string;
}
export interface ActionView {
  id: string;
  text: string;
  owner: string;
  issuer: string;
  priority: Priority;
  deadline: string | null;
  status: ActionStatus;
  statusReason: string | null;
  overdue: boolean;
  corrected: boolean;
}
export interface AppendedView { id: string; seq: number; incident: string; classification: Classification }
export interface VerifyView {
  ok: boolean;
  entries: number;
  problems: { entry: string | null; problem: string }[];
  warnings: { entry: string | null; problem: string }[];
}
export interface DeviceView { author: string; dataDir: string; entries: number; forkedAuthors: string[] }

export interface TeamView { id: string; name: string }
export interface PeerView {
  id: string | null;
  address: string | null;
  connected: boolean;
  lastSync: string | null;
  /** Entries the peer has that this device lacks, and the reverse (null until they have talked). */
  behind: number | null;
  ahead: number | null;
  /** The peer's clock minus this device's, from their last hello. */
  skewMs: number | null;
  /** In plain words, when it is not connected ("not reachable, or not in this team"). */
  problem: string | null;
}
export interface SyncStatusView {
  device: string;
  team: TeamView | null;
  /** Whether a node (this process or `baken serve`) is running on this data directory. */
  serving: boolean;
  peerId: string | null;
  listen: string[];
  peers: PeerView[];
}
export interface BundleExportView { file: string; entries: number; bytes: number }
export interface BundleImportView {
  /** Entry lines read (everything between the header and the end marker, complete lines only). */
  entries: number;
  /** Entries now in the log that were not before (including earlier waiting entries this import completed). */
  added: number;
  /** Entries this device already had. */
  known: number;
  /** Entries from this bundle still waiting outside the log for a predecessor this device lacks. */
  pending: number;
  /** Lines whose entry was refused; line is the 1-based line number (0: an entry waiting from before this import). */
  rejected: { id: string | null; line: number; reason: string }[];
  /** The file was read whole, as written: header, every entry line, end marker with matching count and checksum. */
  complete: boolean;
  /** Why the bundle is not complete (truncated, changed, damaged header or end marker, a read error). */
  problems: string[];
}

export interface ApiOutputs {
  'device.info': DeviceView;
  'incident.create': { id: string; entry: AppendedView };
  'incident.list': IncidentSummary[];
  'incident.state': IncidentState;
  'log.add': AppendedView;
  'log.list': EntryPageView;
  'log.get': LogEntryView;
  'log.correct': AppendedView;
  'grip.set': AppendedView;
  'action.add': AppendedView;
  'action.status': AppendedView;
  'action.list': ActionView[];
  search: EntryPageView;
  verify: VerifyView;
  'team.create': TeamView;
  'team.invite': { code: string; team: TeamView; addresses: string[] };
  'team.join': TeamView & { peersAdded: number };
  'peer.add': { address: string };
  'sync.status': SyncStatusView;
  'bundle.export': BundleExportView;
  'bundle.import': BundleImportView;
  'bundle.clock': { file: string; authors: number };
}

/** What a backend implements: every method, with its parsed input. A missing handler is a compile error. */
export type ApiHandlers = { [M in ApiMethod]: (input: ApiParsedInput<M>) => ApiOutputs[M] | Promise<ApiOutputs[M]> };

/** What a client calls: raw input in, validated by the backend. */
export type ApiClient = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutputs[M]> };

export const API_METHODS = Object.keys(apiInputs) as ApiMethod[];
