import { describe, expect, it } from 'vitest';
import type { AnyEntry } from '../../../shared/domain/entry.js';
import { createChainMerge } from '../../../electron/backend/replica/chain-merge.js';
import { createMemoryReplica } from '../../../electron/backend/replica/memory-replica.js';
import { AFTER_ALL } from '../../../electron/backend/replica/replica.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';

const T0 = 1_790_000_000_000;
const INCIDENT = 'a1'.repeat(16);
const WHOLE = { seq: 0, id: AFTER_ALL };

/** A replica holding three authors' chains over the same minutes (their entries alternate in time). */
function threeAuthors(length = 10) {
  const replica = createMemoryReplica({ author: makeSigner().publicKeyHex, crypto: nodeCrypto, now: () => T0 + 3_600_000 });
  const chains = [0, 1, 2].map((k) => makeChain(makeSigner(), INCIDENT, length, { t0: T0 + k * 3 }));
  for (const chain of chains) expect(replica.ingest(chain).added).toHaveLength(length);
  return { replica, authors: chains.map((c) => c[0]!.author) };
}

function takeAll(merge: ReturnType<typeof createChainMerge>, page: number): AnyEntry[] {
  const out: AnyEntry[] = [];
  for (let taken = merge.take(page, () => true); taken.length > 0; taken = merge.take(page, () => true)) out.push(...taken);
  return out;
}

function expectChainsInOrder(entries: readonly AnyEntry[]): void {
  const last = new Map<string, number>();
  for (const entry of entries) {
    expect(entry.seq).toBe((last.get(entry.author) ?? 0) + 1);
    last.set(entry.author, entry.seq);
  }
}

describe('chain merge', () => {
  it('reads several chains out in time order, each chain in its own order, across pages and read-ahead refills', () => {
    const { replica, authors } = threeAuthors();
    const merge = createChainMerge(replica, { readAhead: 3 });
    for (const author of authors) merge.queue(author, WHOLE);
    const entries = takeAll(merge, 4);
    expect(entries).toHaveLength(30);
    expectChainsInOrder(entries);
    const times = entries.map((e) => e.hlc.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(entries.slice(0, 6).map((e) => e.author)).size).toBeGreaterThan(1);
    expect(merge.size).toBe(0);
  });

  it('with more authors than it reads side by side, still gives every chain whole and in order', () => {
    const { replica, authors } = threeAuthors();
    const merge = createChainMerge(replica, { activeAuthors: 2, readAhead: 4 });
    for (const author of authors) merge.queue(author, WHOLE);
    const entries = takeAll(merge, 7);
    expect(entries).toHaveLength(30);
    expectChainsInOrder(entries);
  });

  it('leaves an entry the caller refuses for the next take, and a lowered cursor sends that chain again from there', () => {
    const { replica, authors } = threeAuthors();
    const merge = createChainMerge(replica);
    for (const author of authors) merge.queue(author, WHOLE);
    const first = merge.take(10, (_entry, taken) => taken < 5);
    expect(first).toHaveLength(5);
    const [next] = merge.take(1, () => true);
    expect(next!.hlc.t).toBeGreaterThanOrEqual(first[4]!.hlc.t);
    expect(merge.cursors().get(next!.author)).toEqual({ seq: next!.seq, id: next!.id });

    merge.queue(authors[0]!, { seq: 1, id: AFTER_ALL }); // the peer lost all but the first entry
    merge.queue(authors[1]!, { seq: 9, id: AFTER_ALL }); // later than what is held: changes nothing
    const rest = takeAll(merge, 100);
    const again = rest.filter((e) => e.author === authors[0]);
    expect(again.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([...first, next!, ...rest].filter((e) => e.author === authors[1]).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('takes entries stored after a chain ran out once that author is queued again', () => {
    const signer = makeSigner();
    const replica = createMemoryReplica({ author: makeSigner().publicKeyHex, crypto: nodeCrypto, now: () => T0 + 3_600_000 });
    const chain = makeChain(signer, INCIDENT, 6);
    replica.ingest(chain.slice(0, 3));
    const merge = createChainMerge(replica);
    merge.queue(signer.publicKeyHex, WHOLE);
    expect(takeAll(merge, 10).map((e) => e.seq)).toEqual([1, 2, 3]);
    replica.ingest(chain.slice(3));
    merge.queue(signer.publicKeyHex, { seq: 3, id: AFTER_ALL });
    expect(takeAll(merge, 10).map((e) => e.seq)).toEqual([4, 5, 6]);
  });
});
