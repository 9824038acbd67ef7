import { signEntry, type EntryCrypto, type EntrySigner, type SignedEntry } from '../../../shared/domain/entry.js';
import type { HlcClock } from '../../../shared/domain/hlc.js';
import type { Classification, EntryKind } from '../../../shared/domain/kinds.js';
import { storageError } from '../errors.js';
import type { SqliteDatabase } from './database.js';
import { createEntryWriter } from './rows.js';

export interface EntryDraft {
  incident: string;
  kind: EntryKind;
  /** Already validated against the kind's schema. */
  body: Record<string, unknown>;
  classification: Classification;
}

/**
 * Appends this device's entries. Chain position, timestamp, signature and insert happen in one
 * IMMEDIATE transaction, and with synchronous=FULL the commit is on disk before this returns:
 * an entry reported as added is never lost.
 */
export function createAppender(db: SqliteDatabase, signer: EntrySigner, crypto: EntryCrypto, clock: HlcClock, now: () => number) {
  const head = db.prepare<[string], { id: string; seq: number; t: number; c: number }>(
    'SELECT id, seq, hlc_t AS t, hlc_c AS c FROM entries WHERE author = ? ORDER BY seq DESC, id LIMIT 1',
  );
  const write = createEntryWriter(db);
  const appendInTransaction = db.transaction((draft: EntryDraft): SignedEntry => {
    const last = head.get(signer.publicKeyHex);
    // Another process on this data directory (the CLI beside `baken serve`) may have appended since
    // this clock last ticked: this device's entries must still get increasing timestamps.
    if (last) clock.witness({ t: last.t, c: last.c });
    const entry = signEntry(
      {
        v: 1, author: signer.publicKeyHex, seq: (last?.seq ?? 0) + 1, prev: last?.id ?? null, hlc: clock.tick(),
        incident: draft.incident, kind: draft.kind, body: draft.body, classification: draft.classification,
      },
      signer,
      crypto,
    );
    write(entry, now(), null);
    return entry;
  });
  return (draft: EntryDraft): SignedEntry => {
    try {
      return appendInTransaction.immediate(draft);
    } catch (error) {
      throw storageError(error, 'saving the entry');
    }
  };
}
