import type { EntryPageView, IncidentSummary, LogEntryView, logArea } from '../../../shared/contract/log.js';
import type { EntryFilterInput } from '../../../shared/contract/fields.js';
import { BakenError } from '../../../shared/contract/errors.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import { deriveIncidentState } from '../../../shared/domain/derive.js';
import { newerContent, type AnyEntry, type EntryCrypto } from '../../../shared/domain/entry.js';
import type { EntryKind } from '../../../shared/domain/kinds.js';
import type { LogStore } from '../store/index.js';
import { searchQuery, type EntryPage, type StoredEntry } from '../store/queries.js';
import type { EntryWriter } from './appender.js';
import { entryContexts } from './entry-context.js';
import { requireEntry, requireIncident, requireOpenIncident } from './lookups.js';

export interface LogHandlerDeps {
  store: Pick<
    LogStore,
    | 'author' | 'count' | 'authorHeads' | 'holdsIncident' | 'openingEntries' | 'incidentIds' | 'entry' | 'incidentEntries' | 'incidentHeaderEntries' | 'list' | 'search'
    | 'verify' | 'clockBehind'
  >;
  writer: EntryWriter;
  crypto: Pick<EntryCrypto, 'sha256'>;
  dataDir: string;
  now: () => number;
}

/** Incidents and their log. */
export function createLogHandlers({ store, writer, crypto, dataDir, now }: LogHandlerDeps): HandlersOf<typeof logArea> {
  const nowIso = () => new Date(now()).toISOString();
  const openIncident = (incident: string) => requireOpenIncident(store, incident, crypto);
  const existing = (id: string, what: string, kind?: EntryKind) => requireEntry(store, id, what, kind);

  const pageView = (page: EntryPage): EntryPageView => {
    const behind = store.clockBehind(page.entries);
    const contexts = entryContexts(store, page.entries);
    const view = (entry: StoredEntry): LogEntryView => ({ ...entry, behind: behind.get(entry.id) ?? null, newer: newerContent(entry), context: contexts.get(entry.id)! });
    return { entries: page.entries.map(view), nextCursor: page.nextCursor };
  };

  return {
    'device.info': () => ({
      author: store.author, dataDir, entries: store.count(),
      forkedAuthors: [...store.authorHeads()].filter(([, head]) => head.extra !== undefined).map(([author]) => author),
    }),
    'incident.create': ({ title, location, start, grip, classification }) => {
      const entry = writer.open({ title, location, start: start ?? nowIso(), grip }, classification);
      return { id: entry.incident, entry };
    },
    'incident.update': ({ incident, title, location, reason, classification }) => {
      openIncident(incident);
      return writer.append(incident, 'incidentwijziging', { title, location, reason }, classification);
    },
    'incident.list': () => listIncidents(store.incidentIds(), store.incidentHeaderEntries(), nowIso(), crypto),
    'incident.state': ({ incident }) => {
      requireIncident(store, incident);
      return deriveIncidentState(incident, store.incidentEntries(incident), nowIso(), crypto);
    },
    'log.add': ({ incident, kind, body, classification }) => {
      const content = writer.validBody(kind, body);
      openIncident(incident);
      const referenced = content.kind === 'actiestatus' ? existing(content.body.action, 'action', 'actie') : content.kind === 'correctie' ? existing(content.body.target, 'entry') : null;
      if (referenced && referenced.incident !== incident) throw new BakenError('invalid-input', `incident: the referenced entry belongs to incident ${referenced.incident}`, { field: 'incident' });
      return writer.append(incident, kind, body, classification);
    },
    'log.list': (input) => pageView(store.list(filterOf(input), pageOf(input))),
    'log.get': ({ id }) => pageView({ entries: [existing(id, 'entry')], nextCursor: null }).entries[0]!,
    'log.correct': ({ target, text, reason, classification }) => {
      const corrected = existing(target, 'entry');
      return writer.append(corrected.incident, 'correctie', { target, text, reason }, classification ?? corrected.classification);
    },
    'grip.set': ({ incident, level, reason, classification, force }) => {
      openIncident(incident);
      if (!force && deriveIncidentState(incident, store.incidentEntries(incident), nowIso(), crypto).grip.level === level) {
        throw new BakenError('conflict', `incident ${incident} is at GRIP ${level} already; confirm (force) to record GRIP ${level} again`, { field: 'level' });
      }
      return writer.append(incident, 'grip', { level, reason }, classification);
    },
    search: (input) => {
      const match = searchQuery(input.text);
      if (match === null) throw new BakenError('invalid-input', 'text: give at least one word to search for', { field: 'text' });
      return pageView(store.search(match, filterOf(input), pageOf(input)));
    },
    verify: () => store.verify(),
  };
}

function filterOf(input: EntryFilterInput) {
  return {
    incident: input.incident, kind: input.kind, author: input.author, classification: input.classification,
    fromMs: input.from === undefined ? undefined : Date.parse(input.from),
    toMs: input.to === undefined ? undefined : Date.parse(input.to),
  };
}

function pageOf(input: EntryFilterInput) {
  return { cursor: input.cursor, limit: input.limit, order: input.order };
}

function listIncidents(ids: string[], headers: AnyEntry[], nowIso: string, crypto: Pick<EntryCrypto, 'sha256'>): IncidentSummary[] {
  const byIncident = new Map<string, AnyEntry[]>();
  for (const e of headers) {
    const list = byIncident.get(e.incident);
    if (list) list.push(e);
    else byIncident.set(e.incident, [e]);
  }
  const summaries = ids.map((id): IncidentSummary => {
    const state = deriveIncidentState(id, byIncident.get(id) ?? [], nowIso, crypto);
    const header = state.incident;
    return {
      id, title: header?.title ?? null, location: header?.location ?? null, start: header?.start ?? null, grip: state.grip.level,
      openedBy: header?.openedBy ?? null, rule: header?.rule ?? null,
    };
  });
  // Incidents still waiting for their opening entry first (their entries deserve a look), then newest first.
  const key = (s: IncidentSummary) => s.start ?? '\uffff';
  return summaries.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : a.id < b.id ? -1 : 1));
}
