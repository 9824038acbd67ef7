import { randomBytes } from 'node:crypto';
import type { ApiHandlers, ApiOutputs, AppendedView, IncidentSummary } from '../../shared/contract/api.js';
import { canonicalJson, CanonicalEncodingError } from '../../shared/domain/canonical.js';
import { deriveIncidentState } from '../../shared/domain/derive.js';
import { parseBody, type SignedEntry } from '../../shared/domain/entry.js';
import type { Classification, EntryContentOf, EntryKind } from '../../shared/domain/kinds.js';
import { BakenError } from '../../shared/contract/errors.js';
import type { LogStore } from './store/index.js';
import { searchQuery } from './store/queries.js';
import type { SyncMethods } from './sync/handlers.js';

export interface HandlerContext {
  store: LogStore;
  dataDir: string;
  now: () => number;
  /** Called after every durable append, so sync and the UI can react. */
  onAppended: (entry: SignedEntry) => void;
}

export function createHandlers({ store, dataDir, now, onAppended }: HandlerContext): Omit<ApiHandlers, SyncMethods> {
  const validBody = <K extends EntryKind>(kind: K, body: Record<string, unknown>): EntryContentOf<K> => {
    const parsed = parseBody(kind, trimStrings(body));
    if (!parsed.ok) throw new BakenError('invalid-input', parsed.problems.join('; '));
    try {
      canonicalJson(parsed.body);
    } catch (error) {
      if (error instanceof CanonicalEncodingError) throw new BakenError('invalid-input', `body.${error.message}`);
      throw error;
    }
    return { kind, body: parsed.body };
  };
  const append = (incident: string, kind: EntryKind, body: Record<string, unknown>, classification: Classification): AppendedView => {
    const entry = store.append({ incident, ...validBody(kind, body), classification });
    onAppended(entry);
    return { id: entry.id, seq: entry.seq, incident: entry.incident, classification: entry.classification };
  };
  const knownIncident = (incident: string): void => {
    if (!store.hasIncident(incident)) {
      throw new BakenError('not-found', `no incident ${incident} in this log`);
    }
  };
  const existing = (id: string, what: string, kind?: EntryKind) => {
    const entry = store.entry(id);
    if (!entry || (kind && entry.kind !== kind)) throw new BakenError('not-found', `no ${what} ${id} in this log`);
    return entry;
  };
  const nowIso = () => new Date(now()).toISOString();

  return {
    'device.info': () => ({
      author: store.author, dataDir, entries: store.count(),
      forkedAuthors: [...store.authorHeads()].filter(([, head]) => head.extra !== undefined).map(([author]) => author),
    }),
    'incident.create': ({ title, location, start, grip, classification }) => {
      const id = randomBytes(16).toString('hex');
      const entry = append(id, 'incident', { title, location, start: start ?? nowIso(), grip }, classification);
      return { id, entry };
    },
    'incident.list': () => listIncidents(store.incidentHeaderEntries(), nowIso()),
    'incident.state': ({ incident }) => {
      knownIncident(incident);
      return deriveIncidentState(incident, store.incidentEntries(incident), nowIso());
    },
    'log.add': ({ incident, kind, body, classification }) => {
      const content = validBody(kind, body);
      knownIncident(incident);
      const referenced = content.kind === 'actiestatus' ? existing(content.body.action, 'action', 'actie') : content.kind === 'correctie' ? existing(content.body.target, 'entry') : null;
      if (referenced && referenced.incident !== incident) throw new BakenError('invalid-input', `incident: the referenced entry belongs to incident ${referenced.incident}`);
      return append(incident, kind, body, classification);
    },
    'log.list': (input) => store.list(filterOf(input), pageOf(input)),
    'log.get': ({ id }) => existing(id, 'entry'),
    'log.correct': ({ target, text, reason, classification }) => {
      const corrected = existing(target, 'entry');
      return append(corrected.incident, 'correctie', { target, text, reason }, classification ?? corrected.classification);
    },
    'grip.set': ({ incident, level, reason, classification }) => {
      knownIncident(incident);
      return append(incident, 'grip', { level, reason }, classification);
    },
    'action.add': ({ incident, text, owner, issuer, priority, deadline, classification }) => {
      knownIncident(incident);
      return append(incident, 'actie', { text, owner, issuer, priority, deadline }, classification);
    },
    'action.status': ({ action, status, reason }) => {
      const actionEntry = existing(action, 'action', 'actie');
      return append(actionEntry.incident, 'actiestatus', { action, status, reason }, actionEntry.classification);
    },
    'action.list': ({ incident }) => {
      knownIncident(incident);
      return deriveIncidentState(incident, store.incidentEntries(incident), nowIso()).actions.map((a) => ({
        id: a.entryId, text: a.text, owner: a.owner, issuer: a.issuer, priority: a.priority, deadline: a.deadline,
        status: a.status, statusReason: a.statusReason, overdue: a.overdue, corrected: a.corrected,
      }));
    },
    search: (input) => {
      const match = searchQuery(input.text);
      if (match === null) throw new BakenError('invalid-input', 'text: give at least one word to search for');
      return store.search(match, filterOf(input), pageOf(input));
    },
    verify: () => store.verify(),
  };
}

type FilterInput = { incident?: string; kind?: string; author?: string; classification?: string; from?: string; to?: string; cursor?: string; limit: number; order: 'newest' | 'oldest' };

function filterOf(input: FilterInput) {
  return {
    incident: input.incident, kind: input.kind, author: input.author, classification: input.classification,
    fromMs: input.from === undefined ? undefined : Date.parse(input.from),
    toMs: input.to === undefined ? undefined : Date.parse(input.to),
  };
}

function pageOf(input: FilterInput) {
  return { cursor: input.cursor, limit: input.limit, order: input.order };
}

function listIncidents(headers: SignedEntry[], nowIso: string): ApiOutputs['incident.list'] {
  const ids = [...new Set(headers.filter((e) => e.kind === 'incident').map((e) => e.incident))];
  const summaries: IncidentSummary[] = [];
  for (const id of ids) {
    const state = deriveIncidentState(id, headers, nowIso);
    if (!state.incident) continue;
    summaries.push({ id, title: state.incident.title, location: state.incident.location, start: state.incident.start, grip: state.grip.level, openedBy: state.incident.openedBy });
  }
  return summaries.sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : 0));
}

/** People type spaces around words; a body keeps what they meant. Undefined fields are left out. */
function trimStrings(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? value.trim() : value;
  }
  return out;
}
