import { BakenError } from '../../../shared/contract/errors.js';
import type { EntryKind } from '../../../shared/domain/kinds.js';
import type { LogStore } from '../store/index.js';
import type { StoredEntry } from '../store/queries.js';

/** Refuses a command on an incident this log does not hold (yet: its opening entry may still be on its way). */
export function requireIncident(store: Pick<LogStore, 'hasIncident'>, incident: string): void {
  if (!store.hasIncident(incident)) throw new BakenError('not-found', `no incident ${incident} in this log`);
}

/** The entry with this id (of this kind, when given), or a not-found naming what was asked for. */
export function requireEntry(store: Pick<LogStore, 'storedEntry'>, id: string, what: string, kind?: EntryKind): StoredEntry {
  const entry = store.storedEntry(id);
  if (!entry || (kind && entry.kind !== kind)) throw new BakenError('not-found', `no ${what} ${id} in this log`);
  return entry;
}
