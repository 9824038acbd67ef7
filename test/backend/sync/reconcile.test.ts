import { describe, expect, it } from 'vitest';
import { buildClockIndex, successor } from '../../../electron/backend/sync/clock-index.js';
import { createReconciler } from '../../../electron/backend/sync/reconcile.js';
import type { AuthorHead } from '../../../electron/backend/replica/replica.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { seededRandom } from '../../support/random.js';
import { useTempDirs } from '../../support/temp.js';
import { Simulator } from './simulator.js';

const sha256 = nodeCrypto.sha256;
const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';

/** A clock of `n` made-up authors (random keys from a seeded generator). */
function clock(n: number, seed = 1): Map<string, AuthorHead> {
  const random = seededRandom(seed);
  const hex = () => Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');
  return new Map(Array.from({ length: n }, () => [hex(), { seq: 1 + Math.floor(random() * 50), head: hex() }] as const));
}

describe('clock index', () => {
  it('gives equal summaries for equal clocks and different ones for any change of seq, head or fork evidence', () => {
    const heads = clock(500);
    const base = buildClockIndex(heads, sha256).summary('');
    expect(buildClockIndex(new Map([...heads].reverse()), sha256).summary('')).toEqual(base);
    const [author, head] = [...heads][17]!;
    for (const changed of [{ ...head, seq: head.seq + 1 }, { ...head, head: 'f'.repeat(64) }, { ...head, extra: 1 }]) {
      const other = buildClockIndex(new Map(heads).set(author, changed), sha256);
      expect(other.summary('')).not.toEqual(base);
      // Only the ranges that hold the author change.
      expect(other.summary(author.slice(0, 1)).fp).not.toBe(buildClockIndex(heads, sha256).summary(author.slice(0, 1)).fp);
      const elsewhere = author[0] === '0' ? '1' : '0';
      expect(other.summary(elsewhere)).toEqual(buildClockIndex(heads, sha256).summary(elsewhere));
    }
    const fewer = new Map(heads);
    fewer.delete(author);
    expect(buildClockIndex(fewer, sha256).summary('').authors).toBe(499);
  });

  it('computes fingerprints as docs/PROTOCOL.md defines them (sum of SHA-256 digests mod 2^256, then SHA-256 with the count)', () => {
    const heads = clock(40, 3);
    heads.set([...heads.keys()][0]!, { seq: 3, head: 'a'.repeat(64), extra: 2 });
    const digest = (a: string, h: AuthorHead) => BigInt(`0x${Buffer.from(sha256(new TextEncoder().encode(`${a} ${h.seq} ${h.head} ${h.extra ?? 0}`))).toString('hex')}`);
    const expected = (prefix: string) => {
      const inRange = [...heads].filter(([a]) => a.startsWith(prefix));
      const sum = inRange.reduce((acc, [a, h]) => (acc + digest(a, h)) % (1n << 256n), 0n);
      const bytes = Buffer.concat([Buffer.from(sum.toString(16).padStart(64, '0'), 'hex'), Buffer.alloc(8)]);
      bytes.writeBigUInt64BE(BigInt(inRange.length), 32);
      return { authors: inRange.length, fp: Buffer.from(sha256(bytes)).subarray(0, 16).toString('hex') };
    };
    const index = buildClockIndex(heads, sha256);
    for (const prefix of ['', '0', '7', 'a', 'f', 'ff']) expect(index.summary(prefix), prefix).toEqual(expected(prefix));
  });

  it('answers a small range with its heads and a large one with its non-empty sub-ranges', () => {
    const index = buildClockIndex(clock(300), sha256);
    const whole = index.part('', 64);
    expect(whole.heads).toBeUndefined();
    expect(whole.children!.map((c) => c.prefix)).toEqual([...'0123456789abcdef'].filter((d) => index.summary(d).authors > 0));
    expect(whole.children!.reduce((n, c) => n + c.authors, 0)).toBe(300);
    const small = index.part('a', 64);
    expect(Object.keys(small.heads!)).toEqual(index.range('a').map(([a]) => a));
    expect(Object.keys(small.heads!).every((a) => a.startsWith('a'))).toBe(true);
    const author = index.range('a')[0]![0];
    expect(index.part(author, 0).heads).toEqual({ [author]: index.head(author) });
  });

  it('names the range after a prefix', () => {
    expect(successor('')).toBeNull();
    expect(successor('fff')).toBeNull();
    expect(successor('3')).toBe('4');
    expect(successor('9')).toBe('a');
    expect(successor('a7f')).toBe('a8');
  });
});

describe('reconciler', () => {
  const limits = { maxPrefixesPerQuery: 16, maxHeadsPerPart: 64, window: 4 };
  it('is done at once when the summaries match, and asks about the whole range when they do not', () => {
    const index = buildClockIndex(clock(100), sha256);
    const same = createReconciler(index, limits);
    expect(same.begin(index.summary(''))).toEqual([]);
    expect(same.done()).toBe(true);
    const other = createReconciler(index, limits);
    other.begin(buildClockIndex(clock(100, 2), sha256).summary(''));
    expect(other.nextQuery()).toEqual(['']);
    expect(other.unsettled(index.range('')[0]![0])).toBe(true);
    expect(createReconciler(index, limits).begin({ authors: 0, fp: '0'.repeat(32) })).toEqual([{ kind: 'none', prefix: '' }]);
  });

  it('refuses a reply that does not answer its query, or lists authors outside the range or too many', () => {
    const index = buildClockIndex(clock(100), sha256);
    const start = () => {
      const r = createReconciler(index, limits);
      r.begin({ authors: 5, fp: '1'.repeat(32) });
      r.nextQuery();
      return r;
    };
    expect(() => createReconciler(index, limits).onReply([{ prefix: '', heads: {} }])).toThrow(/without a clock-query/);
    expect(() => start().onReply([{ prefix: 'a', heads: {} }])).toThrow(/does not answer/);
    expect(() => start().onReply([{ prefix: '', heads: {}, children: [] }])).toThrow(/either heads or children/);
    const outside = { prefix: 'a', authors: 1, fp: '0'.repeat(32) };
    expect(() => start().onReply([{ prefix: '', children: [outside, outside] }])).toThrow(/invalid sub-range/);
    const many = Object.fromEntries([...clock(65)].map(([a, h]) => [a, h]));
    expect(() => start().onReply([{ prefix: '', heads: many }])).toThrow(/lists 65 heads/);
  });
});

describe('reconciliation between real logs', () => {
  const tempDir = useTempDirs();

  it('converges many authors through deep range trees, and peers in sync exchange only their hellos', async () => {
    const random = seededRandom(21);
    // Tiny parts and queries, so a few hundred authors make trees four and five levels deep.
    const sim = new Simulator(random, { now: 1_790_000_000_000 }, { maxHeadsPerPart: 3, maxPrefixesPerQuery: 2, window: 2, maxEntriesPerFrame: 7 });
    const names = ['a', 'b', 'c', 'd'];
    for (const n of names) sim.addPeer(n, tempDir());
    // 400 other authors, each known to one or two peers, some with longer chains on one side.
    for (let i = 0; i < 400; i++) {
      const chain = makeChain(makeSigner(), INCIDENT, 1 + Math.floor(random() * 4));
      const holders = names.filter(() => random() < 0.4);
      for (const [k, n] of (holders.length ? holders : ['a']).entries()) sim.peers.get(n)!.backend.store.ingest(chain.slice(0, k === 0 ? chain.length : 1));
    }
    for (let round = 0; round < 6; round++) {
      for (const n of names) for (const m of names) if (n < m && random() < 0.5) (sim.connected(n, m) ? sim.disconnect(n, m) : sim.connect(n, m));
      for (let s = Math.floor(random() * 400); s > 0 && sim.step(); s--);
    }
    for (const n of names) for (const m of names) if (n < m && !sim.connected(n, m)) sim.connect(n, m);
    sim.runUntilQuiet();
    const heads = (n: string) => sim.peers.get(n)!.backend.store.authorHeads();
    expect(heads('a').size).toBe(400);
    for (const n of names) expect(heads(n), n).toEqual(heads('a'));
    expect(sim.traffic.byType['clock-query']).toBeGreaterThan(50);

    // Reconnecting peers that hold the same log: two hellos, nothing else.
    for (const n of names) for (const m of names) if (n < m) sim.disconnect(n, m);
    const before = { ...sim.traffic.byType };
    sim.connect('a', 'b');
    sim.runUntilQuiet();
    expect(Object.fromEntries(Object.entries(sim.traffic.byType).map(([t, c]) => [t, c - (before[t] ?? 0)]).filter(([, c]) => c !== 0))).toEqual({ hello: 2 });
    sim.close();
  });

  it('keeps every frame far below the limit for a log of 10 000 authors, where a whole clock would not fit', async () => {
    const sim = new Simulator(seededRandom(5), { now: 1_790_000_000_000 });
    sim.addPeer('a', tempDir());
    sim.addPeer('b', tempDir());
    const chains = Array.from({ length: 10_000 }, () => makeChain(makeSigner(), INCIDENT, 1));
    for (let i = 0; i < chains.length; i += 1000) sim.peers.get('a')!.backend.store.ingest(chains.slice(i, i + 1000).flat());
    // B already holds half of them.
    for (let i = 0; i < 5000; i += 1000) sim.peers.get('b')!.backend.store.ingest(chains.slice(i, i + 1000).flat());
    sim.connect('a', 'b');
    sim.runUntilQuiet();
    expect(sim.peers.get('b')!.backend.store.count()).toBe(10_000);
    // A whole clock of 10 000 authors is about 1.4 MB of JSON: more than one frame may carry.
    expect(sim.traffic.largestFrame).toBeLessThan(800 * 1024);
    sim.close();
  }, 120_000);
});

describe('clock index after changes', () => {
  it('equals an index built from scratch, whatever changed, was added or went away', () => {
    const random = seededRandom(8);
    let heads = clock(200, 4);
    let index = buildClockIndex(heads, sha256);
    for (let round = 0; round < 20; round++) {
      const changes = new Map<string, AuthorHead | undefined>();
      for (const [author, head] of heads) if (random() < 0.05) changes.set(author, random() < 0.2 ? undefined : { ...head, seq: head.seq + 1 });
      for (const [author, head] of clock(1 + Math.floor(random() * 5), 100 + round)) changes.set(author, head);
      const next = new Map(heads);
      for (const [author, head] of changes) if (head) next.set(author, head); else next.delete(author);
      heads = next;
      index = index.withChanges(changes);
      const fresh = buildClockIndex(heads, sha256);
      for (const prefix of ['', '0', '5', 'a', 'f', '3c']) expect(index.summary(prefix), `round ${round}, ${prefix}`).toEqual(fresh.summary(prefix));
      expect(index.range('')).toEqual(fresh.range(''));
    }
  });
});
