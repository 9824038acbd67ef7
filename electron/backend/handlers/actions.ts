import type { actionsArea, ActionView } from '../../../shared/contract/actions.js';
import { BakenError } from '../../../shared/contract/errors.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import { deriveIncidentState } from '../../../shared/domain/derive.js';
import type { AnyEntry, EntryCrypto } from '../../../shared/domain/entry.js';
import { isDeviceIncident } from '../../../shared/domain/incident.js';
import type { LogStore } from '../store/index.js';
import { actionViews, matchesFilter, partyFrom } from './action-views.js';
import type { EntryWriter } from './appender.js';
import { loadDirectory } from './people.js';
import type { Resolver } from './resolve.js';

export interface ActionHandlerDeps {
  store: Pick<LogStore, 'incidentStateEntries' | 'actionStateEntries' | 'profileEntries'>;
  writer: EntryWriter;
  resolve: Resolver;
  crypto: Pick<EntryCrypto, 'sha256'>;
  now: () => number;
}

/** Actions: issued with an owner, a priority and maybe a deadline; their status reported back; reassigned, given a new deadline or withdrawn, with why. */
export function createActionHandlers({ store, writer, resolve, crypto, now }: ActionHandlerDeps): HandlersOf<typeof actionsArea> {
  const nowIso = () => new Date(now()).toISOString();
  const stateOf = (incident: string, entries: Iterable<AnyEntry> = store.incidentStateEntries(incident)) => deriveIncidentState(incident, entries, nowIso(), crypto);

  /** The action `ref` names and its state now; refuses one that was withdrawn, which is no longer to be done. */
  const liveAction = (ref: string) => {
    const entry = resolve.entry(ref, 'action', 'action', 'actie');
    const state = stateOf(entry.incident).actions.find((a) => a.entryId === entry.id)!;
    if (state.status === 'withdrawn') throw new BakenError('conflict', `action ${entry.id.slice(0, 12)} was withdrawn (${state.statusReason}); it is no longer to be done`, { field: 'action' });
    return { entry, state };
  };

  return {
    'action.add': ({ incident, text, owner, ownerParty, issuer, issuerParty, priority, deadline, classification, force, happenedAt, operator }) => {
      const id = resolve.openIncident(incident, 'incident');
      // Within the current minute is not past: people type deadlines to the minute.
      if (!force && deadline !== undefined && Date.parse(deadline) < now() - 60_000) {
        throw new BakenError('conflict', `the deadline ${deadline} has passed already (it is ${new Date(now()).toISOString()}); confirm (force) to record it anyway`, { field: 'deadline' });
      }
      const directory = loadDirectory(store);
      const ownerAs = ownerParty && partyFrom(ownerParty, 'ownerParty', resolve, directory);
      const issuerAs = issuerParty && partyFrom(issuerParty, 'issuerParty', resolve, directory);
      return writer.append(
        id, 'actie',
        { text, owner: owner ?? ownerAs?.text, ownerParty: ownerAs?.party, issuer: issuer ?? issuerAs?.text, issuerParty: issuerAs?.party, priority, deadline },
        classification, { happenedAt, operator },
      );
    },
    'action.status': ({ action, status, reason, happenedAt, operator }) => {
      const { entry } = liveAction(action);
      return writer.append(entry.incident, 'actiestatus', { action: entry.id, status, reason }, entry.classification, { happenedAt, operator });
    },
    'action.reassign': ({ action, owner, ownerParty, reason, happenedAt, operator }) => {
      const { entry } = liveAction(action);
      const ownerAs = ownerParty && partyFrom(ownerParty, 'ownerParty', resolve, loadDirectory(store));
      return writer.append(entry.incident, 'actiewijziging', { action: entry.id, owner: owner ?? ownerAs?.text, ownerParty: ownerAs?.party, reason }, entry.classification, { happenedAt, operator });
    },
    'action.deadline': ({ action, deadline, reason, happenedAt, operator }) => {
      const { entry, state } = liveAction(action);
      if (state.deadline === deadline) throw new BakenError('conflict', `action ${entry.id.slice(0, 12)} has that deadline already`, { field: 'deadline' });
      return writer.append(entry.incident, 'actiewijziging', { action: entry.id, deadline, reason }, entry.classification, { happenedAt, operator });
    },
    'action.withdraw': ({ action, reason, happenedAt, operator }) => {
      const { entry } = liveAction(action);
      return writer.append(entry.incident, 'actieintrekking', { action: entry.id, reason }, entry.classification, { happenedAt, operator });
    },
    'action.list': ({ incident, owner, status, overdue }) => {
      const directory = loadDirectory(store);
      const states = incident === undefined ? everyIncident(store.actionStateEntries()).map(([id, entries]) => stateOf(id, entries)) : [stateOf(resolve.incident(incident, 'incident'))];
      const views: ActionView[] = states.flatMap((state) => actionViews(state, directory));
      return views.filter((view) => matchesFilter(view, { owner, status, overdue }));
    },
  };
}

/** Entries grouped by incident (the device incident holds no actions), incidents in id order. */
function everyIncident(entries: AnyEntry[]): [string, AnyEntry[]][] {
  const byIncident = new Map<string, AnyEntry[]>();
  for (const e of entries) {
    if (isDeviceIncident(e.incident)) continue;
    const list = byIncident.get(e.incident);
    if (list) list.push(e);
    else byIncident.set(e.incident, [e]);
  }
  return [...byIncident].sort(([a], [b]) => (a < b ? -1 : 1));
}
