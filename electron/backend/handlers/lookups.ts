import { BakenError } from '../../../shared/contract/errors.js';
import type { EntryCrypto } from '../../../shared/domain/entry.js';
import { mayOpen } from '../../../shared/domain/incident.js';
import type { EntryKind } from '../../../shared/domain/kinds.js';
import type { LogStore } from '../store/index.js';
import type { StoredEntry } from '../store/queries.js';

/** Refuses to show an incident this log holds no entry of. */
export function requireIncident(store: Pick<LogStore, 'holdsIncident'>, incident: string): void {
  if (!store.holdsIncident(incident)) throw new BakenError('not-found', `no incident ${incident} in this log`);
}

/**
 * Refuses to write to an incident whose opening entry this log does not hold: entries must belong
 * to an incident someone really opened, and a bound incident's opening entry is the only one that
 * counts (docs/DATA-MODEL.md, "Incident").
 */
export function requireOpenIncident(store: Pick<LogStore, 'holdsIncident' | 'openingEntries'>, incident: string, crypto: Pick<EntryCrypto, 'sha256'>): void {
  requireIncident(store, incident);
  if (!store.openingEntries(incident).some((e) => mayOpen(e, crypto.sha256))) {
    throw new BakenError('not-found', `incident ${incident} is not open in this log: its opening entry has not arrived (yet)`);
  }
}

/** The entry with this id (of this kind, when given), or a not-found naming what was asked for. */
export function requireEntry(store: Pick<LogStore, 'entry'>, id: string, what: string, kind?: EntryKind): StoredEntry {
  const entry = store.entry(id);
  if (!entry || (kind && entry.kind !== kind)) throw new BakenError('not-found', `no ${what} ${id} in this log`);
  return entry;
}
