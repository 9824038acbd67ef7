import { behindOf, referencedIds, type Behind } from '../../../shared/domain/causal.js';
import type { AnyEntry, EntryCrypto } from '../../../shared/domain/entry.js';
import type { Hlc } from '../../../shared/domain/hlc.js';
import { mayOpen } from '../../../shared/domain/incident.js';
import type { SqliteDatabase } from './database.js';
import { IN_INCIDENTS, KIND_INDEX_CONDITION } from './kind-index.js';
import { authorKeyOf, ID_LOOKUP, idParams, type IdParams } from './rows.js';

type Stamp = { id: string; hlc: Hlc };

/**
 * Finds which of some entries are stamped more than `maxSkewMs` before an entry they follow that
 * this log holds (shared/domain/causal.ts). Worked out when entries are read rather than stored on
 * arrival, because the entry followed may arrive after the one that follows it, and stored rows
 * never change: so every device that holds both shows the flag, whatever the order they came in.
 * A few indexed lookups per entry; an incident's opening entry is looked up once per call.
 */
export function createBehindCheck(db: SqliteDatabase, crypto: Pick<EntryCrypto, 'sha256'>, maxSkewMs: number) {
  const stamp = db.prepare<[IdParams], { t: number; c: number }>(`SELECT hlc_t AS t, hlc_c AS c FROM entries WHERE ${ID_LOOKUP}`);
  // The entry before in the author's chain is found by (author, seq), a B-tree probe at a third of
  // the cost of the id index's full-text lookup; a page of 50 search hits makes 50 of them, all in
  // one statement (bind [author, seq, id] triples as a JSON array): 50 statements took 0.5 ms.
  const previous = db.prepare<[string], { id: string; t: number; c: number }>(`
    SELECT lower(hex(e.id)) AS id, e.hlc_t AS t, e.hlc_c AS c
    FROM json_each(?) AS j CROSS JOIN entries AS e
    WHERE e.author_no = (SELECT no FROM authors WHERE key = unhex(json_extract(j.value, '$[0]')))
      AND e.seq = json_extract(j.value, '$[1]') AND e.id = unhex(json_extract(j.value, '$[2]'))`);
  // The `incident` entries of all the incidents asked about (ids as a JSON array), in one read of the kind index.
  const openings = db.prepare<[string], { id: string; author: string; seq: number; incident: string; t: number; c: number }>(
    `SELECT lower(hex(id)) AS id, ${authorKeyOf()} AS author, seq, lower(hex(incident)) AS incident, hlc_t AS t, hlc_c AS c FROM entries WHERE kind = 'incident' AND ${KIND_INDEX_CONDITION} AND ${IN_INCIDENTS} ORDER BY pos`,
  );
  return (entries: readonly AnyEntry[]): Map<string, Behind> => {
    const openingOf = new Map<string, Stamp>();
    const incidents = [...new Set(entries.map((e) => e.incident))];
    if (incidents.length > 0) {
      for (const row of openings.all(JSON.stringify(incidents))) {
        if (!openingOf.has(row.incident) && mayOpen(row, crypto.sha256)) openingOf.set(row.incident, { id: row.id, hlc: { t: row.t, c: row.c } });
      }
    }
    const opening = (incident: string): Stamp | null => openingOf.get(incident) ?? null;
    const chained = entries.filter((e) => e.prev !== null).map((e) => [e.author, e.seq - 1, e.prev]);
    const before = new Map(chained.length === 0 ? [] : previous.all(JSON.stringify(chained)).map((row) => [row.id, { t: row.t, c: row.c }]));
    const flags = new Map<string, Behind>();
    for (const entry of entries) {
      const followed: Stamp[] = [];
      for (const id of referencedIds(entry)) {
        const row = id === entry.prev ? before.get(id) : stamp.get(idParams(id));
        if (row) followed.push({ id, hlc: { t: row.t, c: row.c } });
      }
      const opener = opening(entry.incident);
      if (opener && opener.id !== entry.id) followed.push(opener);
      const behind = behindOf(entry, followed, maxSkewMs);
      if (behind) flags.set(entry.id, behind);
    }
    return flags;
  };
}
