import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signEntry, type AnyEntry, type EntrySigner } from '../../../shared/domain/entry.js';
import { MAX_HLC_TIME, type Hlc } from '../../../shared/domain/hlc.js';
import { openLogDatabase, type SqliteDatabase } from '../../../electron/backend/store/database.js';
import { createLogStore } from '../../../electron/backend/store/index.js';
import { basePosition } from '../../../electron/backend/store/positions.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { useTempDirs } from '../../support/temp.js';

const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
const NOW = 1_790_000_000_000 + 86_400_000;
const MAX_POSITION = 2n ** 63n - 1n;
const tempDir = useTempDirs();
const opened: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** `count` linked entries of one author, every one stamped with the very same HLC. */
function sameStampChain(signer: EntrySigner, hlc: Hlc, count: number): AnyEntry[] {
  const out: AnyEntry[] = [];
  let prev: string | null = null;
  for (let seq = 1; seq <= count; seq++) {
    const entry: AnyEntry = signEntry({ v: 1, author: signer.publicKeyHex, seq, prev, hlc, incident: INCIDENT, kind: 'melding', body: { text: `melding ${seq}` }, classification: 'intern' }, signer, nodeCrypto);
    out.push(entry);
    prev = entry.id;
  }
  return out;
}

describe('positions at the very top of the range', () => {
  it('stores every entry stamped with the latest HLC there is, past the 256 slots it has, and the honest entries beside them', () => {
    const db = openLogDatabase(join(tempDir(), 'log.db'));
    opened.push(db);
    const store = createLogStore({ db, signer: makeSigner(), crypto: nodeCrypto, now: () => NOW });
    // Counters above 4095 share the position of 4095: all of these want the top 256 positions, and
    // the other author's the 256 just below them.
    const top = sameStampChain(makeSigner(), { t: MAX_HLC_TIME, c: 65_535 }, 259);
    const below = sameStampChain(makeSigner(), { t: MAX_HLC_TIME, c: 4094 }, 257);
    expect(basePosition(top[0]!.hlc)).toBe(MAX_POSITION - 255n);
    expect(basePosition(below[0]!.hlc)).toBe(MAX_POSITION - 511n);
    const first = store.ingest([...top.slice(0, 256), ...below.slice(0, 256)]);
    expect([first.added.length, first.rejected]).toEqual([512, []]);

    // Every slot from the second-highest HLC up is taken now; one honest entry in the same batch.
    const [honest] = makeChain(makeSigner(), INCIDENT, 1);
    const batch = [...top.slice(256), honest!, below[256]!];
    const report = store.ingest(batch);
    expect(report.added.sort()).toEqual(batch.map((e) => e.id).sort());
    expect(report.rejected).toEqual([]);
    expect(store.count()).toBe(517);
    expect(store.ingest(batch)).toMatchObject({ added: [], known: batch.length });

    // The overflow took the free positions right below: no gap, none taken twice, nothing past 2^63-1.
    const positions = db.prepare('SELECT pos FROM entries WHERE hlc_t = ? ORDER BY pos').pluck().safeIntegers(true).all(MAX_HLC_TIME) as bigint[];
    expect(positions).toHaveLength(516);
    expect(positions[0]).toBe(MAX_POSITION - 515n);
    expect(positions[515]).toBe(MAX_POSITION);
    positions.forEach((pos, i) => expect(pos).toBe(positions[0]! + BigInt(i)));
    expect(store.entry(honest!.id)).toMatchObject({ id: honest!.id });
    expect(store.verify()).toMatchObject({ ok: true, entries: 517 });
  });
});
