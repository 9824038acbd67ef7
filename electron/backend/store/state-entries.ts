import { stateReference } from '../../../shared/domain/derive.js';
import type { AnyEntry } from '../../../shared/domain/entry.js';
import type { SqliteDatabase } from './database.js';
import { KIND_INDEX_CONDITION, kindIndexIncident } from './kind-index.js';
import type { ForkedSeats } from './forked-seats.js';
import { arrayToEntry, AUTHOR_NO, ENTRY_COLUMNS, ID_LOOKUP, idParams, prepareEntryArrays, rowToEntry, type EntryRow, type IdParams } from './rows.js';

/**
 * What an incident's derived state is computed from (shared/domain/derive.ts, stateReference): its
 * entries of every kind the kind index holds, the entries those point at, and its entries at an
 * author's seq that holds two (a fork). Meldingen and beelden are most of a log and change nothing
 * else in the state, so a large incident's state no longer reads and parses all of them: at 100k
 * entries (80 % of them meldingen and beelden) this took incident.state from 1.3 s to about a third.
 */
export function createStateEntries(db: SqliteDatabase, forkedSeats: Pick<ForkedSeats, 'all'>) {
  // Every key of the kind index, the incident checked in the key. In no order (the state sorts):
  // asked for them in pos order, SQLite read the whole table in that order instead (measured, 100k
  // rows for 20k entries), and INDEXED BY keeps it from choosing that again.
  // Thousands of rows for a large incident: read as arrays (rows.ts, arrayToEntry).
  const indexedKinds = prepareEntryArrays<[string]>(db, `FROM entries INDEXED BY entries_kind WHERE ${KIND_INDEX_CONDITION} AND ${kindIndexIncident()}`);
  // Forks are rare, and known in memory (store/forked-seats.ts); a seat may be another incident's.
  const atSeat = db.prepare<[string, number, string], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE author_no = ${AUTHOR_NO} AND seq = ? AND +incident = unhex(?)`);
  const byId = db.prepare<[IdParams], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE ${ID_LOOKUP}`);

  return (incident: string): AnyEntry[] => {
    const held = new Map<string, AnyEntry>();
    for (const row of indexedKinds.all(incident)) held.set(row[0], arrayToEntry(row));
    for (const { author, seq } of forkedSeats.all()) {
      for (const row of atSeat.all(author, seq, incident)) if (!held.has(row.id)) held.set(row.id, rowToEntry(row));
    }
    for (const entry of [...held.values()]) {
      const target = stateReference(entry);
      if (target === null || held.has(target)) continue;
      const row = byId.get(idParams(target));
      if (row && row.incident === incident) held.set(row.id, rowToEntry(row));
    }
    return [...held.values()];
  };
}
