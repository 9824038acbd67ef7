import { randomBytes } from 'node:crypto';
import type { EntryPageView, IncidentSummary, LogEntryView, logArea } from '../../../shared/contract/log.js';
import type { EntryFilterInput } from '../../../shared/contract/fields.js';
import { BakenError } from '../../../shared/contract/errors.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import { deriveIncidentState } from '../../../shared/domain/derive.js';
import { newerContent, type AnyEntry } from '../../../shared/domain/entry.js';
import type { EntryKind } from '../../../shared/domain/kinds.js';
import type { LogStore } from '../store/index.js';
import { searchQuery, type EntryPage, type StoredEntry } from '../store/queries.js';
import type { EntryWriter } from './appender.js';
import { requireEntry, requireIncident } from './lookups.js';

export interface LogHandlerDeps {
  store: Pick<LogStore, 'author' | 'count' | 'authorHeads' | 'hasIncident' | 'storedEntry' | 'incidentEntries' | 'incidentHeaderEntries' | 'list' | 'search' | 'verify'>;
  writer: EntryWriter;
  dataDir: string;
  now: () => number;
}

/** Incidents and their log. */
export function createLogHandlers({ store, writer, dataDir, now }: LogHandlerDeps): HandlersOf<typeof logArea> {
  const nowIso = () => new Date(now()).toISOString();
  const knownIncident = (incident: string) => requireIncident(store, incident);
  const existing = (id: string, what: string, kind?: EntryKind) => requireEntry(store, id, what, kind);

  return {
    'device.info': () => ({
      author: store.author, dataDir, entries: store.count(),
      forkedAuthors: [...store.authorHeads()].filter(([, head]) => head.extra !== undefined).map(([author]) => author),
    }),
    'incident.create': ({ title, location, start, grip, classification }) => {
      const id = randomBytes(16).toString('hex');
      const entry = writer.append(id, 'incident', { title, location, start: start ?? nowIso(), grip }, classification);
      return { id, entry };
    },
    'incident.list': () => listIncidents(store.incidentHeaderEntries(), nowIso()),
    'incident.state': ({ incident }) => {
      knownIncident(incident);
      return deriveIncidentState(incident, store.incidentEntries(incident), nowIso());
    },
    'log.add': ({ incident, kind, body, classification }) => {
      const content = writer.validBody(kind, body);
      knownIncident(incident);
      const referenced = content.kind === 'actiestatus' ? existing(content.body.action, 'action', 'actie') : content.kind === 'correctie' ? existing(content.body.target, 'entry') : null;
      if (referenced && referenced.incident !== incident) throw new BakenError('invalid-input', `incident: the referenced entry belongs to incident ${referenced.incident}`, { field: 'incident' });
      return writer.append(incident, kind, body, classification);
    },
    'log.list': (input) => pageView(store.list(filterOf(input), pageOf(input))),
    'log.get': ({ id }) => entryView(existing(id, 'entry')),
    'log.correct': ({ target, text, reason, classification }) => {
      const corrected = existing(target, 'entry');
      return writer.append(corrected.incident, 'correctie', { target, text, reason }, classification ?? corrected.classification);
    },
    'grip.set': ({ incident, level, reason, classification }) => {
      knownIncident(incident);
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

function entryView(entry: StoredEntry): LogEntryView {
  return { ...entry, newer: newerContent(entry) };
}

function pageView(page: EntryPage): EntryPageView {
  return { entries: page.entries.map(entryView), nextCursor: page.nextCursor };
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

function listIncidents(headers: AnyEntry[], nowIso: string): IncidentSummary[] {
  const ids = [...new Set(headers.filter((e) => e.kind === 'incident').map((e) => e.incident))];
  const summaries: IncidentSummary[] = [];
  for (const id of ids) {
    const state = deriveIncidentState(id, headers, nowIso);
    if (!state.incident) continue;
    summaries.push({ id, title: state.incident.title, location: state.incident.location, start: state.incident.start, grip: state.grip.level, openedBy: state.incident.openedBy });
  }
  return summaries.sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : 0));
}
