import type { CompactView, EntryPageView, IncidentSummary, LogEntryView, logArea } from '../../../shared/contract/log.js';
import type { EntryFilterInput } from '../../../shared/contract/fields.js';
import { BakenError } from '../../../shared/contract/errors.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import { deriveIncidentState, type IncidentState } from '../../../shared/domain/derive.js';
import { isKnownEntry, newerContent, type AnyEntry, type EntryCrypto } from '../../../shared/domain/entry.js';
import { isDeviceIncident } from '../../../shared/domain/incident.js';
import { referenceOf, type IncidentStatus } from '../../../shared/domain/kinds.js';
import type { Directory } from '../../../shared/domain/people.js';
import type { LogStore } from '../store/index.js';
import type { EntryPage, StoredEntry } from '../store/queries.js';
import type { EntryWriter } from './appender.js';
import { entryContexts } from './entry-context.js';
import { loadDirectory } from './people.js';
import type { Resolver } from './resolve.js';

export interface LogHandlerDeps {
  store: Pick<LogStore, 'incidentIds' | 'incidentStateEntries' | 'incidentHeaderEntries' | 'list' | 'search' | 'searchMatch' | 'verify' | 'compact' | 'clockBehind' | 'profileEntries' | 'entry' | 'correctionsIn' | 'activityByHour'>;
  writer: EntryWriter;
  resolve: Resolver;
  crypto: Pick<EntryCrypto, 'sha256'>;
  now: () => number;
}

/** Incidents and their log. */
export function createLogHandlers({ store, writer, resolve, crypto, now }: LogHandlerDeps): HandlersOf<typeof logArea> {
  const nowIso = () => new Date(now()).toISOString();
  const stateOf = (incident: string) => deriveIncidentState(incident, store.incidentStateEntries(incident), nowIso(), crypto);

  const pageView = (page: EntryPage): EntryPageView => {
    const behind = store.clockBehind(page.entries);
    const contexts = entryContexts(store, page.entries);
    const directory = loadDirectory(store);
    const view = (entry: StoredEntry): LogEntryView => {
      const { happenedAt, operator } = isKnownEntry(entry) ? entry.body : {};
      return {
        ...entry, behind: behind.get(entry.id) ?? null, newer: newerContent(entry), happenedAt: happenedAt ?? null, operator: operator ?? null,
        writer: directory.writer(entry.author, operator ?? null), context: contexts.get(entry.id)!,
      };
    };
    return { entries: page.entries.map(view), nextCursor: page.nextCursor };
  };

  const filterOf = (input: EntryFilterInput) => ({
    incident: input.incident === undefined ? undefined : resolve.incident(input.incident, 'incident', { device: true }),
    kind: input.kind, author: input.author === undefined ? undefined : resolve.author(input.author, 'author'), classification: input.classification,
    fromMs: input.from === undefined ? undefined : Date.parse(input.from),
    toMs: input.to === undefined ? undefined : Date.parse(input.to),
  });

  /** Closes or reopens; refuses what would change nothing, so a second close does not look like news. */
  const setStatus = (status: IncidentStatus, input: { incident: string; reason: string; classification: 'intern' | 'partner' | 'openbaar'; happenedAt?: string; operator?: string }) => {
    const incident = resolve.openIncident(input.incident, 'incident');
    if (stateOf(incident).status === status) throw new BakenError('conflict', `incident ${incident} is ${status === 'closed' ? 'closed already' : 'open already'}`, { field: 'incident' });
    return writer.append(incident, 'incidentstatus', { status, reason: input.reason }, input.classification, input);
  };

  const setKnelpunt = (status: 'open' | 'resolved', input: { knelpunt: string; reason: string; happenedAt?: string; operator?: string }) => {
    const knelpunt = resolve.entry(input.knelpunt, 'knelpunt', 'knelpunt', 'knelpunt');
    const current = stateOf(knelpunt.incident).knelpunten.find((k) => k.entryId === knelpunt.id)?.status ?? 'open';
    if (current === status) throw new BakenError('conflict', `knelpunt ${knelpunt.id.slice(0, 12)} is ${status === 'resolved' ? 'resolved already' : 'open already'}`, { field: 'knelpunt' });
    return writer.append(knelpunt.incident, 'knelpuntstatus', { knelpunt: knelpunt.id, status, reason: input.reason }, knelpunt.classification, input);
  };

  return {
    'incident.create': ({ title, location, start, grip, exercise, classification, happenedAt, operator }) => {
      const entry = writer.open({ title, location, start: start ?? happenedAt ?? nowIso(), grip, ...(exercise ? { exercise: true } : {}) }, classification, { happenedAt, operator });
      return { id: entry.incident, entry };
    },
    'incident.update': ({ incident, title, location, reason, classification, happenedAt, operator }) =>
      writer.append(resolve.openIncident(incident, 'incident'), 'incidentwijziging', { title, location, reason }, classification, { happenedAt, operator }),
    'incident.close': (input) => setStatus('closed', input),
    'incident.reopen': (input) => setStatus('open', input),
    'incident.list': ({ all }) => {
      const summaries = listIncidents(store.incidentIds().filter((id) => !isDeviceIncident(id)), store.incidentHeaderEntries(), nowIso(), crypto);
      return all ? summaries : summaries.filter((s) => s.status === 'open');
    },
    'incident.state': ({ incident }) => {
      const state = stateOf(resolve.incident(incident, 'incident'));
      return { ...state, labels: labelsOf(state, loadDirectory(store)) };
    },
    'incident.activity': ({ incident }) => {
      const hours = new Map<number, Record<string, number>>();
      for (const { hour, kind, entries } of store.activityByHour(resolve.incident(incident, 'incident'))) {
        const kinds = hours.get(hour) ?? {};
        kinds[kind] = entries;
        hours.set(hour, kinds);
      }
      return { hours: [...hours].map(([hour, kinds]) => ({ start: new Date(hour * 3_600_000).toISOString(), kinds })) };
    },
    'log.add': ({ incident, kind, body, classification, happenedAt, operator }) => {
      const id = resolve.openIncident(incident, 'incident');
      const resolved = { ...body };
      // The entry it refers to may be typed as a start of its id, as everywhere else.
      for (const field of ['action', 'target', 'knelpunt'] as const) {
        const ref = resolved[field];
        if (typeof ref === 'string' && /^[0-9a-fA-F]{6,63}$/.test(ref.trim())) resolved[field] = resolve.entry(ref.trim().toLowerCase(), `body.${field}`, 'entry').id;
      }
      // Validated once, who and when included: the reference is checked on what will be written.
      const content = writer.prepare(kind, resolved, { happenedAt, operator });
      const reference = referenceOf(content);
      if (reference) {
        const referenced = resolve.entry(reference.id, `body.${reference.field}`, reference.kind === 'actie' ? 'action' : (reference.kind ?? 'entry'), reference.kind ?? undefined);
        if (referenced.incident !== id) throw new BakenError('invalid-input', `incident: the referenced entry belongs to incident ${referenced.incident}`, { field: 'incident' });
      }
      return writer.appendPrepared(id, content, classification);
    },
    'log.list': (input) => pageView(store.list(filterOf(input), pageOf(input))),
    'log.get': ({ id }) => pageView({ entries: [resolve.entry(id, 'id', 'entry')], nextCursor: null }).entries[0]!,
    'log.correct': ({ target, text, reason, classification, happenedAt, operator }) => {
      const corrected = resolve.entry(target, 'target', 'entry');
      return writer.append(corrected.incident, 'correctie', { target: corrected.id, text, reason }, classification ?? corrected.classification, { happenedAt, operator });
    },
    'grip.set': ({ incident, level, reason, classification, force, happenedAt, operator }) => {
      const id = resolve.openIncident(incident, 'incident');
      if (!force && stateOf(id).grip.level === level) {
        throw new BakenError('conflict', `incident ${id} is at GRIP ${level} already; confirm (force) to record GRIP ${level} again`, { field: 'level' });
      }
      return writer.append(id, 'grip', { level, reason }, classification, { happenedAt, operator });
    },
    'knelpunt.resolve': (input) => setKnelpunt('resolved', input),
    'knelpunt.reopen': (input) => setKnelpunt('open', input),
    search: (input) => {
      const match = store.searchMatch(input.text);
      if (match === null) throw new BakenError('invalid-input', 'text: give at least one word to search for', { field: 'text' });
      return pageView(store.search(match, filterOf(input), pageOf(input)));
    },
    verify: () => store.verify(),
    'log.compact': () => {
      const { outcome, before, after, ms } = store.compact();
      if (outcome === 'in-use') {
        throw new BakenError('conflict', 'another program has this log open (the Baken window, baken serve or another baken command): close it and try again; nothing was changed');
      }
      if (outcome === 'failed') {
        const mb = Math.ceil((before.pages * before.pageSize) / 1_000_000);
        throw new BakenError('storage', `the log could not be rewritten, most likely for lack of room: the copy needs up to ${mb} MB free beside it; nothing was changed`);
      }
      const view: CompactView = { outcome, before, after, ms };
      return view;
    },
  };
}

function pageOf(input: EntryFilterInput) {
  return { cursor: input.cursor, limit: input.limit, order: input.order };
}

/** A label for every device key the state names, so a user interface shows names without asking again. */
function labelsOf(state: IncidentState, directory: Directory): Record<string, string> {
  const authors = new Set<string>();
  const add = (author: string | undefined) => author !== undefined && authors.add(author);
  add(state.incident?.openedBy);
  for (const c of state.incident?.changes ?? []) add(c.author);
  for (const x of [...state.statusHistory, ...state.grip.history, ...state.decisions, ...state.knelpunten, ...state.knelpunten.flatMap((k) => k.statusHistory), ...state.ignored]) add(x.author);
  for (const a of state.actions) {
    for (const x of [a, ...a.history]) add(x.author);
    add(a.ownerParty?.author);
    add(a.issuerParty?.author);
  }
  return Object.fromEntries([...authors].sort().map((author) => [author, directory.label(author)]));
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
      openedBy: header?.openedBy ?? null, rule: header?.rule ?? null, status: state.status, exercise: header?.exercise ?? false,
    };
  });
  // Incidents still waiting for their opening entry first (their entries deserve a look), then newest first.
  const key = (s: IncidentSummary) => s.start ?? '\uffff';
  return summaries.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : a.id < b.id ? -1 : 1));
}
