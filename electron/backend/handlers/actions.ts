import type { actionsArea } from '../../../shared/contract/actions.js';
import { BakenError } from '../../../shared/contract/errors.js';
import type { HandlersOf } from '../../../shared/contract/method.js';
import { deriveIncidentState } from '../../../shared/domain/derive.js';
import type { EntryCrypto } from '../../../shared/domain/entry.js';
import type { LogStore } from '../store/index.js';
import type { EntryWriter } from './appender.js';
import { requireEntry, requireIncident, requireOpenIncident } from './lookups.js';

export interface ActionHandlerDeps {
  store: Pick<LogStore, 'holdsIncident' | 'openingEntries' | 'entry' | 'incidentEntries'>;
  writer: EntryWriter;
  crypto: Pick<EntryCrypto, 'sha256'>;
  now: () => number;
}

/** Actions: issued with an owner, a priority and maybe a deadline; their status reported back. */
export function createActionHandlers({ store, writer, crypto, now }: ActionHandlerDeps): HandlersOf<typeof actionsArea> {
  return {
    'action.add': ({ incident, text, owner, issuer, priority, deadline, classification, force }) => {
      requireOpenIncident(store, incident, crypto);
      // Within the current minute is not past: people type deadlines to the minute.
      if (!force && deadline !== undefined && Date.parse(deadline) < now() - 60_000) {
        throw new BakenError('conflict', `the deadline ${deadline} has passed already (it is ${new Date(now()).toISOString()}); confirm (force) to record it anyway`, { field: 'deadline' });
      }
      return writer.append(incident, 'actie', { text, owner, issuer, priority, deadline }, classification);
    },
    'action.status': ({ action, status, reason }) => {
      const actionEntry = requireEntry(store, action, 'action', 'actie');
      return writer.append(actionEntry.incident, 'actiestatus', { action, status, reason }, actionEntry.classification);
    },
    'action.list': ({ incident }) => {
      requireIncident(store, incident);
      return deriveIncidentState(incident, store.incidentEntries(incident), new Date(now()).toISOString(), crypto).actions.map((a) => ({
        id: a.entryId, text: a.text, owner: a.owner, issuer: a.issuer, priority: a.priority, deadline: a.deadline,
        status: a.status, statusReason: a.statusReason, overdue: a.overdue, corrected: a.corrected,
      }));
    },
  };
}
