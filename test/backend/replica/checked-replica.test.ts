import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCandidates, decodeCheckedBatch, encodeCheckedBatch, type CheckedBatch } from '../../../electron/backend/replica/checked-batch.js';
import { WAITING_ROOM_CAPS } from '../../../electron/backend/replica/waiting-room.js';
import { AFTER_ALL, type Replica } from '../../../electron/backend/replica/replica.js';
import { openLogDatabase, type SqliteDatabase } from '../../../electron/backend/store/database.js';
import { createLogStore } from '../../../electron/backend/store/index.js';
import { makeChain, makeNewerChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { useTempDirs } from '../../support/temp.js';
import { describeReplica } from './replica-suite.js';

const tempDir = useTempDirs();
const opened: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

type Setup = Parameters<Parameters<typeof describeReplica>[1]>[0];
const openStore = ({ signer, now, maxSkewMs, waitingRoom }: Setup) => {
  const db = openLogDatabase(join(tempDir(), 'log.db'));
  opened.push(db);
  return createLogStore({ db, signer, crypto: nodeCrypto, now, maxSkewMs, waitingRoom });
};

/** What the entry check thread does to a batch, its way back to the main thread included. */
const checkedAhead = (candidates: readonly unknown[]): CheckedBatch =>
  decodeCheckedBatch(encodeCheckedBatch(checkCandidates(candidates, nodeCrypto, { signatures: true })), candidates.length);

// The whole Replica suite, every entry checked ahead as on the entry check thread and only stored
// by the store: the same entries stored, refused and waiting, for the same reasons, as store.ingest.
describeReplica('SQLite store, entries checked ahead', (setup): Replica => {
  const store = openStore(setup);
  return { ...store, authorHeads: () => store.authorHeads(), ingest: (candidates, options) => store.ingest.checked(checkedAhead(candidates), options) };
});

describe('SQLite store: entries checked ahead', () => {
  const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
  const setup = (): Setup => ({ signer: makeSigner(), now: () => 1_790_000_000_000 + 86_400_000, maxSkewMs: 300_000, waitingRoom: WAITING_ROOM_CAPS });

  it('still checks the signature of an entry whose run the store shortened, when the check verified only the run\'s last', () => {
    const author = makeSigner();
    const chain = makeChain(author, INCIDENT, 5);
    // Entry 3's content with a signature that is not its author's: the id (its hash) stays the same.
    const badSig = { ...chain[2]!, sig: chain[4]!.sig };
    const batches = [chain.slice(3), [chain[0]!, chain[1]!, badSig, chain[3]!, chain[4]!]];
    const today = openStore(setup());
    const ahead = openStore(setup());
    for (const batch of batches) {
      const expected = today.ingest(batch);
      expect(ahead.ingest.checked(checkedAhead(batch))).toEqual(expected);
    }
    expect(ahead.count()).toBe(2);
    expect(ahead.count()).toBe(today.count());
  });

  it('stores the signed copy of an id sent twice with different signatures, as store.ingest does, verifying none of them again', () => {
    const author = makeSigner();
    const [e1, e2, e3] = makeChain(author, INCIDENT, 3);
    const damaged = (entry: typeof e1) => ({ ...entry!, sig: entry!.sig.replace(/^./, (c) => (c === '0' ? '1' : '0')) });
    const batches = [
      [e1, damaged(e2), e2],
      [e1, e2, damaged(e2)],
      [e1, damaged(e2), e2, e3],
      [e1, damaged(e2), { ...e2!, sig: e1!.sig }],
      [damaged(e3), e3],
    ];
    for (const batch of batches) {
      const today = openStore(setup());
      let verified = 0;
      const counting = { ...nodeCrypto, verify: (...args: Parameters<typeof nodeCrypto.verify>) => (verified++, nodeCrypto.verify(...args)) };
      const db = openLogDatabase(join(tempDir(), 'log.db'));
      opened.push(db);
      const ahead = createLogStore({ db, signer: makeSigner(), crypto: counting, now: setup().now, maxSkewMs: 300_000 });
      const expected = today.ingest(batch);
      expect(ahead.ingest.checked(checkedAhead(batch))).toEqual(expected);
      expect(verified).toBe(0);
      expect(ahead.chainAfter(author.publicKeyHex, 0, AFTER_ALL, 10)).toEqual(today.chainAfter(author.publicKeyHex, 0, AFTER_ALL, 10));
      if (expected.added.includes(e2!.id)) expect(ahead.entry(e2!.id)!.sig).toBe(e2!.sig);
    }
  });

  it('takes no batch that the entry checks did not make, and stores nothing of it', () => {
    const store = openStore(setup());
    const [entry] = makeChain(makeSigner(), INCIDENT, 1);
    const forged = { ...entry!, body: { text: 'vervalst' } };
    const handMade = { items: [{ entry: forged, bodyJson: JSON.stringify(forged.body), signature: true }] };
    expect(() => store.ingest.checked(handMade)).toThrow(/checked entries only from the entry checks/);
    expect(store.count()).toBe(0);
    expect(store.ingest.checked(checkedAhead([forged])).rejected).toEqual([{ id: entry!.id, reason: expect.stringMatching(/^hash-mismatch: /) }]);
    expect(store.count()).toBe(0);
  });

  it('carries a checked batch between threads unchanged: entries of known and unknown kinds, verdicts where made, refusals', () => {
    const author = makeSigner();
    const chain = makeChain(author, INCIDENT, 3);
    const newer = makeNewerChain(author, INCIDENT, [{ kind: 'nieuw-soort', body: { z: 1, a: { lijst: ['é', null, true] } } }], { startSeq: 4, prev: chain[2]!.id });
    const candidates = [...chain, ...newer, { ...chain[0]!, seq: 'een' }, { ...chain[1]!, body: { text: 'vervalst' } }];
    const batch = checkCandidates(candidates, nodeCrypto, { signatures: true });
    expect(batch.items.filter((item) => 'entry' in item && item.signature === undefined)).toHaveLength(3);
    const carried = decodeCheckedBatch(encodeCheckedBatch(batch), candidates.length);
    expect(carried.items).toEqual(batch.items);
    // Absent verdicts stay absent (the store verifies those itself), not false.
    expect(carried.items.map((item) => 'signature' in item)).toEqual(batch.items.map((item) => 'signature' in item));
    expect(() => decodeCheckedBatch(encodeCheckedBatch(batch), candidates.length + 1)).toThrow(/answered for 6 entries instead of 7/);
  });
});
