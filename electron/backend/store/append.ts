import { signEntryEncoded, type EntryCrypto, type EntryEnvelope, type EntrySigner, type SignedEntry, type UnsignedEntry, type UnsignedEntryOf } from '../../../shared/domain/entry.js';
import type { HlcClock } from '../../../shared/domain/hlc.js';
import { incidentIdFor } from '../../../shared/domain/incident.js';
import type { Classification, EntryContentOf, EntryKind } from '../../../shared/domain/kinds.js';
import { storageError } from '../errors.js';
import type { SqliteDatabase } from './database.js';
import { AUTHOR_NO, createEntryWriter } from './rows.js';

/**
 * An entry this device is about to write: its kind and body (already validated against the kind's
 * schema), where and for whom. An `incident` entry names no incident: it opens a new one, whose id
 * the appender derives from the entry's author and seq (shared/domain/incident.ts), so this device
 * can only ever open incidents of its own.
 */
export type EntryDraft = EntryDraftOf<Exclude<EntryKind, 'incident'>> | (EntryContentOf<'incident'> & { classification: Classification });
type EntryDraftOf<K extends EntryKind> = EntryContentOf<K> & { incident: string; classification: Classification };

/**
 * Appends this device's entries. Chain position, timestamp, signature and insert happen in one
 * IMMEDIATE transaction, and with synchronous=FULL the commit is on disk before this returns:
 * an entry reported as added is never lost.
 */
export function createAppender(db: SqliteDatabase, signer: EntrySigner, crypto: EntryCrypto, clock: HlcClock, now: () => number) {
  // The highest seq first, then the lowest id at it: two seeks in the chain index (author_no, seq, id).
  // "ORDER BY seq DESC, id" read the same rows but sorted the last term in a temporary B-tree,
  // a third of this query's time on every append (measured: 17 → 11 µs). skew_ms comes from the
  // row this reads anyway, for free.
  const head = db.prepare<[string, string], { id: string; seq: number; t: number; c: number; skewed: number }>(
    `SELECT lower(hex(id)) AS id, seq, hlc_t AS t, hlc_c AS c, skew_ms IS NOT NULL AS skewed FROM entries
      WHERE author_no = ${AUTHOR_NO} AND seq = (SELECT max(seq) FROM entries WHERE author_no = ${AUTHOR_NO}) ORDER BY entries.id LIMIT 1`,
  );
  // Only when the head is flagged: down the chain index from it to the first unflagged entry. Paid
  // once per flagged run, since the append that follows becomes an unflagged head.
  const lastUnflagged = db.prepare<[string, number], { t: number; c: number }>(
    `SELECT hlc_t AS t, hlc_c AS c FROM entries WHERE author_no = ${AUTHOR_NO} AND seq <= ? AND skew_ms IS NULL ORDER BY seq DESC LIMIT 1`,
  );
  // Its text and id go into the search indexes with the next pass, not in this commit (migration 6),
  // which finds it above this device's search mark (migration 9). The mark is written once, by the
  // first append that finds none (everything before it was indexed or waits in search_backlog);
  // for every later append this is a lookup that writes nothing.
  const write = createEntryWriter(db, { later: 'text-and-id' });
  const markOnce = db.prepare(`INSERT OR IGNORE INTO search_marks (author_no, seq) VALUES (${AUTHOR_NO}, ?)`);
  const appendInTransaction = db.transaction((draft: EntryDraft): SignedEntry => {
    const last = head.get(signer.publicKeyHex, signer.publicKeyHex);
    // Another process on this data directory (the CLI beside `baken serve`) may have appended since
    // this clock last ticked: this device's entries must still get increasing timestamps. But an
    // entry flagged as skewed came from another holder of this key (a restored backup) with a clock
    // too far ahead: witnessing it would stamp this append just as far ahead, unflagged, and
    // latestTrustedHlc would keep the clock there after a restart. The append is then stamped
    // before its predecessor, which the chain rules allow and clockBehind shows (store/behind.ts).
    const witnessed = !last ? undefined : !last.skewed ? last : lastUnflagged.get(signer.publicKeyHex, last.seq);
    if (witnessed) clock.witness({ t: witnessed.t, c: witnessed.c });
    const header = { v: 1 as const, author: signer.publicKeyHex, seq: (last?.seq ?? 0) + 1, prev: last?.id ?? null, hlc: clock.tick() };
    // The body is encoded once, for the signature and for the row.
    const { entry, bodyJson } = signEntryEncoded(unsignedEntry(draft, header, crypto), signer, crypto);
    write(entry, now(), null, bodyJson);
    markOnce.run(entry.author, entry.seq - 1);
    return entry;
  });
  // Commits under the connection's default checkpoint threshold, an append's (database.ts).
  return (draft: EntryDraft): SignedEntry => {
    try {
      return appendInTransaction.immediate(draft);
    } catch (error) {
      throw storageError(error, 'saving the entry');
    }
  };
}

type Header = Omit<EntryEnvelope, 'incident' | 'classification'>;

// The fields are copied one by one: a caller's extra property must not ride along into the entry
// that is sent to other devices.
function unsignedEntry(draft: EntryDraft, header: Header, crypto: EntryCrypto): UnsignedEntry {
  if (draft.kind === 'incident') {
    return { ...header, incident: incidentIdFor(header.author, header.seq, crypto.sha256), kind: draft.kind, body: draft.body, classification: draft.classification };
  }
  return inIncident(draft, header);
}

// Generic in K so that the draft's body stays paired with its kind (reading draft.kind and draft.body
// from the union separately would pair any kind with any body).
function inIncident<K extends EntryKind>(draft: EntryDraftOf<K>, header: Header): UnsignedEntryOf<K> {
  return { ...header, incident: draft.incident, kind: draft.kind, body: draft.body, classification: draft.classification };
}
