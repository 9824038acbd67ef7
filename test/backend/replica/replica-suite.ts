import { describe, expect, it } from 'vitest';
import { signEntry, type AnyEntry, type EntryEnvelope, type EntrySigner, type SignedEntry, type UnsignedEntry } from '../../../shared/domain/entry.js';
import { DEFAULT_MAX_SKEW_MS } from '../../../shared/domain/hlc.js';
import { AFTER_ALL, type IngestReport, type Replica } from '../../../electron/backend/replica/replica.js';
import { WAITING_ROOM_CAPS, waitingForm, type WaitingRoomCaps } from '../../../electron/backend/replica/waiting-room.js';
import { makeChain, makeNewerChain, makeSigner, nodeCrypto } from '../../support/entries.js';

/** What the suite decides about the replica it gets. */
export interface ReplicaSetup {
  /** The device the replica belongs to. */
  signer: EntrySigner;
  now: () => number;
  maxSkewMs: number;
  waitingRoom: WaitingRoomCaps;
}

/** makeChain stamps its entries from this time on; the replica's clock runs a day later. */
const CHAIN_T0 = 1_790_000_000_000;
const NOW = CHAIN_T0 + 86_400_000;
const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';
const EMPTY: IngestReport = { added: [], known: 0, pending: [], forks: [], rejected: [], skewed: [], waitingRoomFull: [] };

const sorted = (ids: readonly string[]) => [...ids].sort();
const idsOf = (entries: readonly AnyEntry[]) => entries.map((e) => e.id);

/** The same entry with some fields changed, signed again by its author: authentic, but another entry. */
function resigned(entry: SignedEntry, signer: EntrySigner, changes: Partial<EntryEnvelope> & { body?: unknown }): SignedEntry {
  const { id: _id, sig: _sig, ...unsigned } = entry;
  // Some cases sign a body their kind does not allow, to see it refused: hence the cast.
  return signEntry({ ...unsigned, ...changes } as UnsignedEntry, signer, nodeCrypto);
}

/** Two entries at seq 4 on top of one shared chain of 3, in id order. */
function forkedChain(signer: EntrySigner) {
  const base = makeChain(signer, INCIDENT, 3);
  const last = base[2]!;
  const sides = ['versie A', 'versie B'].map((text, i) => resigned(last, signer, { seq: 4, prev: last.id, hlc: { t: last.hlc.t + 10 + i, c: 0 }, body: { text } }));
  const [low, high] = sides.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { base, low: low!, high: high! };
}

/**
 * The promises of the Replica interface (electron/backend/replica/replica.ts), registered as one
 * describe block; every implementation runs all of it (test/backend/replica/*.test.ts).
 */
export function describeReplica(name: string, create: (setup: ReplicaSetup) => Replica): void {
  const replica = (setup: Partial<Omit<ReplicaSetup, 'waitingRoom'>> & { waitingRoom?: Partial<WaitingRoomCaps> } = {}) => {
    const signer = setup.signer ?? makeSigner();
    return create({ signer, now: () => NOW, maxSkewMs: DEFAULT_MAX_SKEW_MS, ...setup, waitingRoom: { ...WAITING_ROOM_CAPS, ...setup.waitingRoom } });
  };

  describe(`Replica: ${name}`, () => {
    it('starts empty and belongs to its device', () => {
      const signer = makeSigner();
      const r = replica({ signer });
      expect(r.author).toBe(signer.publicKeyHex);
      expect(r.authorHeads()).toEqual(new Map());
      expect(r.chainAfter(signer.publicKeyHex, 0, AFTER_ALL, 10)).toEqual([]);
      expect(r.idsAtSeq(signer.publicKeyHex, 1)).toEqual([]);
    });

    it('stores whole chains, its own device\'s too, and reports each author\'s head in author order', () => {
      const signer = makeSigner();
      const r = replica({ signer });
      const own = makeChain(signer, INCIDENT, 3);
      const others = [makeChain(makeSigner(), INCIDENT, 5), makeChain(makeSigner(), INCIDENT, 1)];
      // Authors in descending key order, each chain newest first: a replica orders what it is given.
      const chains = [own, ...others].sort((a, b) => (a[0]!.author < b[0]!.author ? 1 : -1));
      const all = chains.flatMap((chain) => [...chain].reverse());
      const report = r.ingest(all);
      expect(sorted(report.added)).toEqual(sorted(idsOf(all)));
      expect({ ...report, added: [] }).toEqual(EMPTY);

      const heads = r.authorHeads();
      expect([...heads.keys()]).toEqual(chains.map((chain) => chain[0]!.author).reverse());
      for (const chain of chains) {
        const last = chain[chain.length - 1]!;
        expect(heads.get(last.author)).toEqual({ seq: last.seq, head: last.id });
        expect(r.authorHead(last.author)).toEqual({ seq: last.seq, head: last.id });
      }
      expect(r.authorHead(makeSigner().publicKeyHex)).toBeUndefined();
    });

    it('gives one author\'s chain in order after a (seq, id) cursor, at most `limit` entries', () => {
      const r = replica();
      const chain = makeChain(makeSigner(), INCIDENT, 5);
      r.ingest(chain);
      const author = chain[0]!.author;
      expect(r.chainAfter(author, 0, AFTER_ALL, 10)).toEqual(chain);
      expect(r.chainAfter(author, 0, AFTER_ALL, 2)).toEqual(chain.slice(0, 2));
      expect(r.chainAfter(author, 0, AFTER_ALL, 0)).toEqual([]);
      expect(r.chainAfter(author, 2, AFTER_ALL, 10)).toEqual(chain.slice(2));
      expect(r.chainAfter(author, 2, chain[1]!.id, 10)).toEqual(chain.slice(2));
      // An id before every id ('' sorts first) includes the entry at that seq.
      expect(r.chainAfter(author, 2, '', 10)).toEqual(chain.slice(1));
      expect(r.chainAfter(author, 5, AFTER_ALL, 10)).toEqual([]);
      expect(r.chainAfter(makeSigner().publicKeyHex, 0, AFTER_ALL, 10)).toEqual([]);
      expect(r.idsAtSeq(author, 3)).toEqual([chain[2]!.id]);
    });

    it('keeps both sides of a fork as evidence, counts them in `extra` and lists them in id order', () => {
      const rogue = makeSigner();
      const { base, low, high } = forkedChain(rogue);
      const r = replica();
      expect(r.ingest([...base, high]).forks).toEqual([]);
      const second = r.ingest([low]);
      expect(second).toEqual({ ...EMPTY, added: [low.id], forks: [{ author: rogue.publicKeyHex, seq: 4, id: low.id }] });

      expect(r.authorHeads().get(rogue.publicKeyHex)).toEqual({ seq: 4, head: low.id, extra: 1 });
      expect(r.authorHead(rogue.publicKeyHex)).toEqual({ seq: 4, head: low.id, extra: 1 });
      expect(r.idsAtSeq(rogue.publicKeyHex, 4)).toEqual([low.id, high.id]);
      expect(r.chainAfter(rogue.publicKeyHex, 3, AFTER_ALL, 10)).toEqual([low, high]);
      expect(r.chainAfter(rogue.publicKeyHex, 4, low.id, 10)).toEqual([high]);
      expect(r.chainAfter(rogue.publicKeyHex, 0, AFTER_ALL, 10)).toEqual([...base, low, high]);
    });

    it('sees a fork whose two sides arrive in one batch', () => {
      const rogue = makeSigner();
      const { base, low, high } = forkedChain(rogue);
      const report = replica().ingest([high, ...base, low]);
      expect(sorted(report.added)).toEqual(sorted(idsOf([...base, low, high])));
      expect(report.forks).toEqual([{ author: rogue.publicKeyHex, seq: 4, id: high.id }]);
    });

    it('keeps an authentic entry whose predecessor is missing waiting, and stores it when the gap is filled', () => {
      const r = replica();
      const chain = makeChain(makeSigner(), INCIDENT, 6);
      const author = chain[0]!.author;
      const early = r.ingest(chain.slice(3));
      expect(early).toEqual({ ...EMPTY, pending: early.pending });
      expect(sorted(early.pending)).toEqual(sorted(idsOf(chain.slice(3))));
      expect(r.authorHeads()).toEqual(new Map());
      expect(r.chainAfter(author, 0, AFTER_ALL, 10)).toEqual([]);

      // Waiting entries are known; only the batch that parks an entry lists it as pending.
      expect(r.ingest([chain[4]!])).toEqual({ ...EMPTY, known: 1 });

      const filled = r.ingest(chain.slice(0, 3));
      expect(sorted(filled.added)).toEqual(sorted(idsOf(chain)));
      expect({ ...filled, added: [] }).toEqual(EMPTY);
      expect(r.chainAfter(author, 0, AFTER_ALL, 10)).toEqual(chain);
      expect(r.authorHeads().get(author)).toEqual({ seq: 6, head: chain[5]!.id });
    });

    it('rejects a forged id, a forged signature and malformed input by reason, storing none of them', () => {
      const r = replica();
      const signer = makeSigner();
      const [first, second] = makeChain(signer, INCIDENT, 2);
      const forgedHash = { ...first!, body: { text: 'iets anders' } };
      const forgedSig = { ...first!, sig: second!.sig };
      const noPrev = resigned(second!, signer, { prev: null });
      const badBody = resigned(first!, signer, { body: { text: 42 } });
      const report = r.ingest([forgedHash, forgedSig, null, { id: 'x'.repeat(80), seq: 1 }, noPrev, badBody]);
      expect(report).toEqual({
        ...EMPTY,
        rejected: [
          { id: first!.id, reason: expect.stringMatching(/^hash-mismatch: /) },
          { id: null, reason: expect.stringMatching(/^malformed: /) },
          { id: 'x'.repeat(64), reason: expect.stringMatching(/^malformed: /) },
          { id: noPrev.id, reason: 'malformed: prev must be null exactly when seq is 1' },
          { id: badBody.id, reason: expect.stringMatching(/^invalid body: body\.text: /) },
          { id: first!.id, reason: expect.stringMatching(/^bad-signature: /) },
        ],
      });
      expect(r.authorHeads()).toEqual(new Map());
      expect(r.chainAfter(signer.publicKeyHex, 0, AFTER_ALL, 10)).toEqual([]);
    });

    it('stores and relays unchanged what a newer version wrote: a kind it does not know, and known kinds with fields it does not know', () => {
      const r = replica();
      const newer = makeSigner();
      const chain = makeNewerChain(newer, INCIDENT, [
        { kind: 'melding', body: { text: 'gewoon een melding' } },
        { kind: 'sitrap', body: { samenvatting: 'Situatie stabiel', onderdelen: [{ kop: 'Beeld', tekst: 'rustig', nummer: 1 }], definitief: false, bijlage: null } },
        { kind: 'grip', body: { level: 2, reason: 'opschaling', bron: { team: 'ROT', functie: 'informatiemanager' } } },
        { kind: 'x', body: {} },
      ]);
      expect(r.ingest(chain)).toEqual({ ...EMPTY, added: idsOf(chain) });
      expect(r.chainAfter(newer.publicKeyHex, 0, AFTER_ALL, 10)).toEqual(chain);

      // What this version does know of a known kind is still checked, extra fields or not.
      const other = makeSigner();
      const [tooHigh] = makeNewerChain(other, INCIDENT, [{ kind: 'grip', body: { level: 9, bron: { team: 'ROT' } } }]);
      const [badName] = makeNewerChain(other, INCIDENT, [{ kind: 'Sitrap', body: {} }]);
      expect(r.ingest([tooHigh, badName])).toEqual({
        ...EMPTY,
        rejected: [
          { id: tooHigh!.id, reason: expect.stringMatching(/^invalid body: body\.level: /) },
          { id: badName!.id, reason: expect.stringMatching(/^malformed: kind: /) },
        ],
      });
      expect(r.idsAtSeq(other.publicKeyHex, 1)).toEqual([]);
    });

    it('does not let a forged copy hide or replace the genuine entry in the same batch', () => {
      const r = replica();
      const [entry] = makeChain(makeSigner(), INCIDENT, 1);
      const forged = { ...entry!, body: { text: 'vervalst' } };
      const report = r.ingest([forged, entry]);
      expect(report).toEqual({ ...EMPTY, added: [entry!.id], rejected: [{ id: entry!.id, reason: expect.stringMatching(/^hash-mismatch: /) }] });
      expect(r.chainAfter(entry!.author, 0, AFTER_ALL, 10)).toEqual([entry]);
    });

    it('stores the copy whose signature checks when one batch holds an id with several signatures, whichever comes first', () => {
      const [e1, e2] = makeChain(makeSigner(), INCIDENT, 2) as [SignedEntry, SignedEntry];
      // The id is the hash of everything but the signature: a copy with a damaged one has the genuine id.
      const damaged = { ...e2, sig: e2.sig.replace(/^./, (c) => (c === '0' ? '1' : '0')) };
      for (const batch of [[e1, damaged, e2], [e1, e2, damaged]]) {
        const r = replica();
        expect(r.ingest(batch)).toEqual({ ...EMPTY, added: [e1.id, e2.id] });
        expect(r.chainAfter(e1.author, 0, AFTER_ALL, 10)).toEqual([e1, e2]);
      }
    });

    it('takes an entry whose own signature fails when a later signed entry links to it; else rejects it, and what follows waits', () => {
      const signer = makeSigner();
      const chain = makeChain(signer, INCIDENT, 4);
      const unsigned = (i: number) => ({ ...chain[i]!, sig: chain[0]!.sig });
      const covered = replica();
      expect(sorted(covered.ingest([chain[0], unsigned(1), chain[2]]).added)).toEqual(sorted(idsOf(chain.slice(0, 3))));

      // The last signature fails, so each entry is checked on its own: the signed one after a rejected
      // entry waits for a genuine copy of it.
      const r = replica();
      const report = r.ingest([chain[0], unsigned(1), chain[2], unsigned(3)]);
      expect(report).toEqual({
        ...EMPTY,
        added: [chain[0]!.id],
        pending: [chain[2]!.id],
        rejected: [1, 3].map((i) => ({ id: chain[i]!.id, reason: expect.stringMatching(/^bad-signature: /) })),
      });
      expect(r.ingest([chain[1]])).toEqual({ ...EMPTY, added: [chain[1]!.id, chain[2]!.id] });
    });

    it('rejects an entry whose prev is a known entry other than its author\'s previous one, now or when it was waiting', () => {
      const signer = makeSigner();
      const chain = makeChain(signer, INCIDENT, 3);
      const skipping = resigned(chain[2]!, signer, { prev: chain[0]!.id });
      const r = replica();
      r.ingest(chain.slice(0, 2));
      expect(r.ingest([skipping])).toEqual({ ...EMPTY, rejected: [{ id: skipping.id, reason: expect.stringMatching(/^broken-chain: /) }] });

      // An entry that names another author's entry as its prev waits for it, and is rejected when it comes.
      const other = makeChain(makeSigner(), INCIDENT, 1)[0]!;
      const borrowing = resigned(chain[1]!, signer, { prev: other.id });
      const later = replica();
      later.ingest([chain[0]]);
      expect(later.ingest([borrowing])).toEqual({ ...EMPTY, pending: [borrowing.id] });
      expect(later.ingest([other])).toEqual({ ...EMPTY, added: [other.id], rejected: [{ id: borrowing.id, reason: expect.stringMatching(/^broken-chain: /) }] });
      expect(later.authorHeads().get(signer.publicKeyHex)).toEqual({ seq: 1, head: chain[0]!.id });
      // The same within one batch: it waits, then is rejected, and is not reported as waiting.
      const together = replica();
      together.ingest([chain[0]]);
      expect(together.ingest([borrowing, other])).toEqual({ ...EMPTY, added: [other.id], rejected: [{ id: borrowing.id, reason: expect.stringMatching(/^broken-chain: /) }] });
    });

    it('rejects entries beyond the waiting limit as missing-predecessor', () => {
      const r = replica({ waitingRoom: { entries: 2 } });
      const chain = makeChain(makeSigner(), INCIDENT, 6);
      const report = r.ingest(chain.slice(2));
      expect(report).toEqual({
        ...EMPTY,
        pending: report.pending,
        rejected: chain.slice(4).map((e) => ({ id: e.id, reason: expect.stringMatching(/^missing-predecessor: /) })),
        waitingRoomFull: chain.slice(4).map((e) => ({ id: e.id, author: e.author, cap: 'entries' })),
      });
      expect(sorted(report.pending)).toEqual(sorted(idsOf(chain.slice(2, 4))));
      // The two that wait still move in when the gap is filled.
      expect(sorted(r.ingest(chain.slice(0, 2)).added)).toEqual(sorted(idsOf(chain.slice(0, 4))));
    });

    it('caps the entries waiting per author: another author\'s still wait, and the capped ones come again later', () => {
      const r = replica({ waitingRoom: { perAuthor: 2 } });
      const flooding = makeChain(makeSigner(), INCIDENT, 6);
      const other = makeChain(makeSigner(), INCIDENT, 3);
      const report = r.ingest([...flooding.slice(2), ...other.slice(1)], { from: 'peer-a' });
      const refused = flooding.slice(4);
      expect(report).toEqual({
        ...EMPTY,
        pending: report.pending,
        rejected: refused.map((e) => ({ id: e.id, reason: expect.stringMatching(/^missing-predecessor: too many entries of this author /) })),
        waitingRoomFull: refused.map((e) => ({ id: e.id, author: e.author, cap: 'author' })),
      });
      expect(sorted(report.pending)).toEqual(sorted(idsOf([...flooding.slice(2, 4), ...other.slice(1)])));
      // The author's share is the author's, whoever sends: another source is refused too.
      expect(r.ingest([flooding[5]!], { from: 'peer-b' }).waitingRoomFull).toEqual([{ id: flooding[5]!.id, author: flooding[0]!.author, cap: 'author' }]);
      // Filling the gap moves the waiting ones in and frees the author's share; the refused ones are simply sent again.
      expect(sorted(r.ingest(flooding.slice(0, 2)).added)).toEqual(sorted(idsOf(flooding.slice(0, 4))));
      expect(r.ingest(refused, { from: 'peer-a' })).toEqual({ ...EMPTY, added: idsOf(refused) });
      expect(r.chainAfter(flooding[0]!.author, 0, AFTER_ALL, 10)).toEqual(flooding);
    });

    it('caps the entries waiting per source: another source, or none named, still finds room', () => {
      const r = replica({ waitingRoom: { perSource: 3 } });
      const chains = [0, 1, 2].map(() => makeChain(makeSigner(), INCIDENT, 3));
      const gapped = chains.flatMap((chain) => chain.slice(1));
      const report = r.ingest(gapped.slice(0, 4), { from: 'peer-a' });
      const refused = gapped[3]!;
      expect(report.pending).toHaveLength(3);
      expect(report.rejected).toEqual([{ id: refused.id, reason: expect.stringMatching(/^missing-predecessor: too many entries from this source /) }]);
      expect(report.waitingRoomFull).toEqual([{ id: refused.id, author: refused.author, cap: 'source' }]);
      expect(r.ingest([gapped[4]!], { from: 'peer-a' }).waitingRoomFull).toEqual([{ id: gapped[4]!.id, author: gapped[4]!.author, cap: 'source' }]);
      expect(r.ingest([gapped[4]!], { from: 'bundle:/media/usb/noord.baken' })).toEqual({ ...EMPTY, pending: [gapped[4]!.id] });
      expect(r.ingest([gapped[5]!])).toEqual({ ...EMPTY, pending: [gapped[5]!.id] });
      // Entries that move into the log free their source's share at once, within the same batch:
      // the first entry is refused (the share is full), the second fills a gap, the third then fits.
      const late = makeChain(makeSigner(), INCIDENT, 2)[1]!;
      expect(r.ingest([late, chains[0]![0]!, refused], { from: 'peer-a' })).toEqual({
        ...EMPTY,
        added: idsOf(chains[0]!),
        pending: [refused.id],
        rejected: [{ id: late.id, reason: expect.stringMatching(/^missing-predecessor: /) }],
        waitingRoomFull: [{ id: late.id, author: late.author, cap: 'source' }],
      });
    });

    it('caps the bytes waiting per source, so long texts cannot take the room a source\'s count allows', () => {
      const long = (i: number) => `${i} ${'Lange situatiebeschrijving. '.repeat(700)}`;
      const chain = makeChain(makeSigner(), INCIDENT, 5, { text: long });
      const size = (i: number) => waitingForm(chain[i]!).bytes;
      expect(size(1)).toBeGreaterThan(18_000);
      const r = replica({ waitingRoom: { bytesPerSource: size(1) + size(2) + size(3) - 1 } });
      const report = r.ingest(chain.slice(1), { from: 'peer-a' });
      expect(sorted(report.pending)).toEqual(sorted(idsOf(chain.slice(1, 3))));
      expect(report.waitingRoomFull).toEqual(chain.slice(3).map((e) => ({ id: e.id, author: e.author, cap: 'source-bytes' })));
      expect(report.rejected.map((r) => r.reason)).toEqual(chain.slice(3).map(() => expect.stringMatching(/^missing-predecessor: the entries from this source /)));
      // The same entries fit in another source's share.
      expect(sorted(r.ingest(chain.slice(3), { from: 'peer-b' }).pending)).toEqual(sorted(idsOf(chain.slice(3))));
    });

    it('refuses a source that is not a short non-empty name, storing nothing', () => {
      const r = replica();
      const chain = makeChain(makeSigner(), INCIDENT, 3);
      for (const from of ['', 'x'.repeat(5000), 42 as unknown as string]) {
        expect(() => r.ingest(chain, { from })).toThrow(/options\.from must name the source/);
      }
      expect(r.authorHeads()).toEqual(new Map());
      expect(r.ingest(chain.slice(1))).toEqual({ ...EMPTY, pending: idsOf(chain.slice(1)) });
    });

    it('stores an entry stamped too far ahead of its clock, and flags it', () => {
      const r = replica({ maxSkewMs: 10_000 });
      const [inTime, tooFar] = [NOW + 10_000, NOW + 10_001].map((t) => makeChain(makeSigner(), INCIDENT, 1, { t0: t })[0]!);
      expect(r.ingest([inTime, tooFar])).toEqual({ ...EMPTY, added: [inTime!.id, tooFar!.id], skewed: [{ id: tooFar!.id, aheadMs: 10_001 }] });
      expect(r.authorHeads().size).toBe(2);
    });

    it('is idempotent: what it holds or keeps waiting is known the second time, and a repeat in one batch is stored once', () => {
      const r = replica();
      const rogue = makeSigner();
      const { base, low, high } = forkedChain(rogue);
      const gapped = makeChain(makeSigner(), INCIDENT, 4).slice(2);
      const batch = [...base, low, high, ...gapped];
      const first = r.ingest(batch);
      expect(first.added).toHaveLength(5);
      expect(first.pending).toHaveLength(2);
      const heads = r.authorHeads();

      expect(r.ingest(batch)).toEqual({ ...EMPTY, known: batch.length });
      expect(r.authorHeads()).toEqual(heads);

      const fresh = replica();
      const twice = fresh.ingest([base[0], base[0], base[1]]);
      expect(sorted(twice.added)).toEqual(sorted(idsOf(base.slice(0, 2))));
      expect(fresh.chainAfter(rogue.publicKeyHex, 0, AFTER_ALL, 10)).toEqual(base.slice(0, 2));
    });
  });
}
