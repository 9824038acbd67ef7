import type { SqliteDatabase } from './database.js';

/** An author's seq at which the log holds two or more entries: a fork. */
export interface ForkedSeat {
  author: string;
  seq: number;
}

/**
 * The log's forked seats, kept in memory for the incident state (store/state-entries.ts). Finding
 * them in SQL read every row of an incident (not the body, about 1 µs each: 100 ms of a 0.5 s
 * incident.state at 100k entries) on every call. Forks are rare and come only from received
 * entries, so the seats are found once with a scan of the chain index (about 25 ms per 100k
 * entries), then this connection's ingests add the forks they report, and a commit by another
 * process (PRAGMA data_version) makes the next read scan again. A seat noted by an ingest whose
 * transaction then failed is harmless: reading the entries at a seat finds only what is there.
 */
export function createForkedSeats(db: SqliteDatabase) {
  // The chain index holds (author_no, seq) in order: no table row is read, no sort is needed.
  const scan = db.prepare<[], ForkedSeat>(
    'SELECT (SELECT lower(hex(key)) FROM authors WHERE no = author_no) AS author, seq FROM entries INDEXED BY entries_author_seq GROUP BY author_no, seq HAVING count(*) > 1',
  );
  const dataVersion = () => db.pragma('data_version', { simple: true }) as number;
  let known: { version: number; seats: Map<string, ForkedSeat> } | null = null;
  const keyOf = (author: string, seq: number) => `${author}:${seq}`;
  return {
    all(): ForkedSeat[] {
      const version = dataVersion();
      if (known === null || known.version !== version) {
        known = { version, seats: new Map(scan.all().map((seat) => [keyOf(seat.author, seat.seq), seat])) };
      }
      return [...known.seats.values()];
    },
    /** Forks this connection's ingest just stored (its report's `forks`). */
    note(forks: readonly ForkedSeat[]): void {
      if (known === null) return;
      for (const { author, seq } of forks) known.seats.set(keyOf(author, seq), { author, seq });
    },
  };
}

export type ForkedSeats = ReturnType<typeof createForkedSeats>;
