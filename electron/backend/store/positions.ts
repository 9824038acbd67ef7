import { MAX_HLC_TIME, type Hlc } from '../../../shared/domain/hlc.js';
import type { SqliteDatabase } from './database.js';

/**
 * An entry's `pos` is its HLC packed into one 63-bit integer: milliseconds (43 bits, to the year
 * 2248), the counter (12 bits, capped at 4095) and 8 bits that separate entries stamped with the
 * very same HLC. Entries that arrive late still land at their place in time, so every query orders
 * and pages by `pos` alone and full-text hits come back already newest first. Entries with an
 * identical HLC keep arrival order in queries (derived state orders them by author and seq).
 * JavaScript numbers cannot hold 63 bits, so positions are BigInt here and text in cursors.
 */
const COUNTER_BITS = 12n;
const SLOT_BITS = 8n;
const SLOTS = 1n << SLOT_BITS;
export const MAX_POSITION_MS = MAX_HLC_TIME;
/** SQLite's largest integer. */
const MAX_POSITION = (1n << 63n) - 1n;

export function basePosition(hlc: Hlc): bigint {
  const counter = BigInt(Math.min(hlc.c, 2 ** Number(COUNTER_BITS) - 1));
  return ((BigInt(Math.min(hlc.t, MAX_POSITION_MS)) << COUNTER_BITS) | counter) << SLOT_BITS;
}

/** First position of a millisecond, for time-range queries. */
export function positionAtMs(ms: number): bigint {
  return BigInt(Math.max(0, Math.min(Math.floor(ms), MAX_POSITION_MS))) << (COUNTER_BITS + SLOT_BITS);
}

export function parsePositionCursor(cursor: string): bigint | null {
  return /^[0-9]{1,19}$/.test(cursor) ? BigInt(cursor) : null;
}

export function createPositionAllocator(db: SqliteDatabase): (hlc: Hlc) => bigint {
  const taken = db.prepare('SELECT 1 FROM entries WHERE pos = ?').pluck();
  const highest = db.prepare('SELECT max(pos) FROM entries WHERE pos BETWEEN ? AND ?').pluck().safeIntegers(true);
  const lowest = db.prepare('SELECT min(pos) FROM entries WHERE pos BETWEEN ? AND ?').pluck().safeIntegers(true);
  // Above the top HLC's slots there is no next position: binding one makes SQLite refuse the
  // statement, which rolled back a whole received batch (a peer's entries stamped there blocked
  // the sync for good). Those take the slot before the lowest one in use below their base instead,
  // looked up as the slots above are: they sort a little before entries stamped just under them,
  // an order slightly off only at the year 2248 end of the range.
  const freeBelow = (base: bigint): bigint => {
    let from = base;
    for (;;) {
      const bottom = (lowest.get(from - SLOTS + 1n, from) as bigint | null) ?? from + 1n;
      const candidate = bottom - 1n;
      if (candidate < 0n) throw new Error('no free position left in the log');
      if (!taken.get(candidate)) return candidate;
      from = candidate;
    }
  };
  return (hlc) => {
    const base = basePosition(hlc);
    if (!taken.get(base)) return base;
    // That HLC is already stored: take the slot after the highest one in use.
    let from = base;
    for (;;) {
      const top = (highest.get(from, from + SLOTS - 1n) as bigint | null) ?? from - 1n;
      const candidate = top + 1n;
      if (candidate > MAX_POSITION) return freeBelow(base);
      if (!taken.get(candidate)) return candidate;
      from = candidate;
    }
  };
}
