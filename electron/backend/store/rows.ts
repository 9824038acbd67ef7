import { canonicalJson } from '../../../shared/domain/canonical.js';
import type { SignedEntry } from '../../../shared/domain/entry.js';
import { entryText, type Classification, type EntryKind } from '../../../shared/domain/kinds.js';
import type { SqliteDatabase } from './database.js';

export interface EntryRow {
  id: string;
  v: number;
  author: string;
  seq: number;
  prev: string | null;
  hlc_t: number;
  hlc_c: number;
  incident: string;
  kind: string;
  classification: string;
  body: string;
  sig: string;
  skew_ms: number | null;
}

export const ENTRY_COLUMNS = 'id, v, author, seq, prev, hlc_t, hlc_c, incident, kind, classification, body, sig, skew_ms';

export function rowToEntry(row: EntryRow): SignedEntry {
  return {
    id: row.id,
    v: row.v as 1,
    author: row.author,
    seq: row.seq,
    prev: row.prev,
    hlc: { t: row.hlc_t, c: row.hlc_c },
    incident: row.incident,
    kind: row.kind as EntryKind,
    body: JSON.parse(row.body) as Record<string, unknown>,
    classification: row.classification as Classification,
    sig: row.sig,
  };
}

/** Writes one entry row and its search text; the caller holds the transaction. */
export function createEntryWriter(db: SqliteDatabase) {
  const insertEntry = db.prepare(`INSERT INTO entries (pos, ${ENTRY_COLUMNS}, received_at)
    VALUES (@pos, @id, @v, @author, @seq, @prev, @hlc_t, @hlc_c, @incident, @kind, @classification, @body, @sig, @skew_ms, @received_at)`);
  const insertText = db.prepare('INSERT INTO entry_text (rowid, text) VALUES (?, ?)');
  return (entry: SignedEntry, pos: bigint, receivedAt: number, skewMs: number | null): void => {
    insertEntry.run({
      pos, id: entry.id, v: entry.v, author: entry.author, seq: entry.seq, prev: entry.prev, hlc_t: entry.hlc.t, hlc_c: entry.hlc.c,
      incident: entry.incident, kind: entry.kind, classification: entry.classification, body: canonicalJson(entry.body),
      sig: entry.sig, skew_ms: skewMs, received_at: receivedAt,
    });
    insertText.run(pos, entryText(entry.kind, entry.body));
  };
}
