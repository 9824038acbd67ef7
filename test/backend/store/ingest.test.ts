import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveIncidentState } from '../../../shared/domain/derive.js';
import { entryCanonicalBytes, signEntry, type AnyEntry, type EntrySigner, type SignedEntry, type SignedEntryOf } from '../../../shared/domain/entry.js';
import { compareHlc } from '../../../shared/domain/hlc.js';
import type { TextKind } from '../../../shared/domain/kinds.js';
import { DATABASE_FILE } from '../../../electron/backend/device.js';
import { openLogDatabase } from '../../../electron/backend/store/database.js';
import { createLogStore } from '../../../electron/backend/store/index.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { useTempDirs } from '../../support/temp.js';
import { closedAfterEach } from '../../support/opened-backends.js';

/** makeChain stamps its entries from this time on; the laptops' clocks run a day later. */
const CHAIN_T0 = 1_790_000_000_000;
const T = CHAIN_T0 + 86_400_000;
const HOUR = 3_600_000;
const INCIDENT = '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e';

const tempDir = useTempDirs();
const opened = closedAfterEach();

interface Laptop {
  backend: TestBackend;
  setNow(ms: number): void;
  now(): number;
}

/** One "laptop": a backend on its own temp folder with a clock the test sets. */
function laptop(options: { start?: number; maxSkewMs?: number; dataDir?: string } = {}): Laptop {
  let now = options.start ?? T;
  const backend = openTestBackend({ dataDir: options.dataDir ?? tempDir(), create: true, clock: () => now, maxSkewMs: options.maxSkewMs });
  opened.push(backend);
  return { backend, setNow: (ms) => void (now = ms), now: () => now };
}

/** What one laptop hands another: its whole log, as the sync layer would send it. */
function exported(backend: TestBackend): AnyEntry[] {
  return backend.store.list({}, { limit: 1000, order: 'oldest' }).entries.map(({ skewMs: _skewMs, ...entry }) => entry);
}

const ids = (entries: readonly AnyEntry[]) => entries.map((e) => e.id);
const sorted = (list: readonly string[]) => [...list].sort();
const emptyReport = { added: [], known: 0, pending: [], forks: [], rejected: [], skewed: [], waitingRoomFull: [] };

function flipHex(hex: string, at = 5): string {
  return hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
}

function pendingCount(backend: TestBackend): number {
  const db = new Database(join(backend.dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM pending_entries').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** The log re-checks clean and SQLite finds its file intact. */
async function expectHealthy(backend: TestBackend): Promise<void> {
  const report = await backend.api.verify({});
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.entries).toBe(backend.store.count());
  const db = new Database(join(backend.dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
  } finally {
    db.close();
  }
}

/** A small but varied incident written through the API on one laptop. */
async function writeIncident(lap: Laptop, title: string) {
  const api = lap.backend.api;
  const { id: incident } = await api['incident.create']({ title, location: 'Coördinatie café', grip: 1 });
  lap.setNow(lap.now() + 1000);
  const melding = await api['log.add']({ incident, kind: 'melding', body: { text: 'Stroom uitgevallen in één wijk' }, classification: 'partner' });
  lap.setNow(lap.now() + 1000);
  await api['grip.set']({ incident, level: 2, reason: 'tweede wijk' });
  const action = await api['action.add']({ incident, text: 'Aggregaat plaatsen', owner: 'Brandweer', priority: 'HIGH', deadline: new Date(lap.now() + HOUR).toISOString() });
  lap.setNow(lap.now() + 1000);
  await api['action.status']({ action: action.id, status: 'in_progress' });
  await api['log.correct']({ target: melding.id, text: 'Stroom uitgevallen in twee wijken' });
  return incident;
}

describe('ingest between laptops', () => {
  it('stores another laptop\'s entries once; a second ingest finds them all known', async () => {
    const a = laptop();
    const b = laptop();
    const incident = await writeIncident(a, 'Stroomstoring');
    const entries = exported(a.backend);
    expect(entries).toHaveLength(6);

    const first = b.backend.store.ingest(entries);
    expect(sorted(first.added)).toEqual(sorted(ids(entries)));
    expect({ ...first, added: [] }).toEqual(emptyReport);
    expect(exported(b.backend)).toEqual(entries);
    expect(b.backend.store.list({}, { limit: 1000, order: 'oldest' }).entries.every((e) => e.skewMs === null)).toBe(true);

    const second = b.backend.store.ingest(entries);
    expect(second).toEqual({ ...emptyReport, known: 6 });
    expect(b.backend.store.count()).toBe(6);

    // The same state on both laptops, and B can work on A's incident.
    expect(await b.backend.api['incident.state']({ incident })).toEqual(await a.backend.api['incident.state']({ incident }));
    await b.backend.api['grip.set']({ incident, level: 3 });
    expect((await b.backend.api['incident.state']({ incident })).grip.level).toBe(3);

    // A third laptop gets everything relayed through B, newest first, in one batch.
    const c = laptop();
    const relayed = exported(b.backend).reverse();
    const third = c.backend.store.ingest(relayed);
    expect(third.added).toHaveLength(7);
    expect(third.pending).toEqual([]);
    expect(exported(c.backend)).toEqual(exported(b.backend));
    expect(await c.backend.api['incident.state']({ incident })).toEqual(await b.backend.api['incident.state']({ incident }));

    // And back to A: only B's own entry is new.
    const back = a.backend.store.ingest(exported(c.backend));
    expect(back.added).toHaveLength(1);
    expect(back.known).toBe(6);
    for (const lap of [a, b, c]) await expectHealthy(lap.backend);
  });

  it('leaves the entries it stores exactly as signed (body, stamp, signature)', () => {
    const b = laptop();
    const s = makeSigner();
    const chain = makeChain(s, INCIDENT, 3, { text: (i) => `Coördinatie café ${i} — "€" 🚒\nregel 2` });
    b.backend.store.ingest(chain);
    expect(exported(b.backend)).toEqual(chain);
    for (const e of chain) expect(b.backend.store.entry(e.id)).toEqual({ ...e, skewMs: null });
  });
});

describe('out-of-order delivery', () => {
  const s1 = makeSigner();
  const s2 = makeSigner();
  const chain1 = makeChain(s1, INCIDENT, 12);
  const chain2 = makeChain(s2, INCIDENT, 12, { t0: CHAIN_T0 + 500 });
  const all = [...chain1, ...chain2];

  function reference(): AnyEntry[] {
    const r = laptop();
    const report = r.backend.store.ingest(all);
    expect(report.added).toHaveLength(24);
    return exported(r.backend);
  }

  it('sorts a shuffled chain out within one batch', async () => {
    const expected = reference();
    const b = laptop();
    const shuffled = [...all].reverse();
    [shuffled[3], shuffled[17]] = [shuffled[17]!, shuffled[3]!];
    const report = b.backend.store.ingest(shuffled);
    expect(sorted(report.added)).toEqual(sorted(ids(all)));
    expect(report.pending).toEqual([]);
    expect(report.rejected).toEqual([]);
    expect(exported(b.backend)).toEqual(expected);
    await expectHealthy(b.backend);
  });

  it('parks entries after a gap and promotes them once the gap is filled', async () => {
    const expected = reference();
    const b = laptop();
    const store = b.backend.store;

    const late = store.ingest(chain1.slice(5));
    expect(late.added).toEqual([]);
    expect(sorted(late.pending)).toEqual(sorted(ids(chain1.slice(5))));
    expect(store.count()).toBe(0);
    expect(pendingCount(b.backend)).toBe(7);

    const middle = store.ingest(chain1.slice(2, 5));
    expect(middle.added).toEqual([]);
    expect(sorted(middle.pending)).toEqual(sorted(ids(chain1.slice(2, 5))));

    // Resending what waits counts as known, and nothing moves.
    const again = store.ingest(chain1.slice(2));
    expect(again).toEqual({ ...emptyReport, known: 10 });

    const start = store.ingest([...chain2, chain1[1]!, chain1[0]!]);
    expect(start.added.filter((id) => ids(chain1).includes(id))).toEqual(ids(chain1));
    expect(sorted(start.added)).toEqual(sorted(ids(all)));
    expect(start.pending).toEqual([]);
    expect(pendingCount(b.backend)).toBe(0);

    expect(exported(b.backend)).toEqual(expected);
    await expectHealthy(b.backend);
  });

  it('ends in the same log for any split into batches and any order', () => {
    const expected = reference();
    fc.assert(
      fc.property(
        fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        fc.array(fc.integer({ min: 1, max: all.length }), { minLength: 0, maxLength: 5 }),
        (order, cuts) => {
          const b = laptop();
          try {
            const bounds = [0, ...[...cuts].sort((x, y) => x - y), all.length];
            const added: string[] = [];
            let parked = new Set<string>();
            for (let i = 1; i < bounds.length; i++) {
              const report = b.backend.store.ingest(order.slice(bounds[i - 1], bounds[i]));
              expect(report.rejected).toEqual([]);
              added.push(...report.added);
              for (const id of report.added) parked.delete(id);
              parked = new Set([...parked, ...report.pending]);
            }
            expect(sorted(added)).toEqual(sorted(ids(all)));
            expect(parked.size).toBe(0);
            expect(pendingCount(b.backend)).toBe(0);
            expect(exported(b.backend)).toEqual(expected);
          } finally {
            b.backend.close();
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('fills a gap before a long waiting chain (5000 entries) without running out of stack', async () => {
    const s = makeSigner();
    const chain = makeChain(s, INCIDENT, 5000);
    const b = laptop();
    const parked = b.backend.store.ingest(chain.slice(1));
    expect(parked.pending).toHaveLength(4999);
    let report: ReturnType<typeof b.backend.store.ingest> | undefined;
    expect(() => {
      report = b.backend.store.ingest(chain.slice(0, 1));
    }).not.toThrow();
    expect(report?.added).toHaveLength(5000);
    expect(b.backend.store.count()).toBe(5000);
    expect(pendingCount(b.backend)).toBe(0);
  });
});

describe('the waiting room on disk', () => {
  function store(file: string, perSource: number) {
    const db = openLogDatabase(file);
    return { db, store: createLogStore({ db, signer: makeSigner(), crypto: nodeCrypto, now: () => T, waitingRoom: { perSource } }) };
  }

  it('records where each waiting entry came from and its size, and counts them again after a restart', () => {
    const file = join(tempDir(), DATABASE_FILE);
    const chain = makeChain(makeSigner(), INCIDENT, 5);
    const first = store(file, 3);
    try {
      first.store.ingest([chain[2]!], { from: 'bundle:/media/usb/noord.baken' });
      first.store.ingest([chain[3]!], { from: '12D3KooWPeerA' });
      first.store.ingest([chain[4]!]);
      const rows = first.db.prepare('SELECT id, source, bytes, entry FROM pending_entries ORDER BY seq').all() as { id: string; source: string | null; bytes: number; entry: string }[];
      expect(rows.map((r) => [r.id, r.source])).toEqual([[chain[2]!.id, 'bundle:/media/usb/noord.baken'], [chain[3]!.id, '12D3KooWPeerA'], [chain[4]!.id, null]]);
      for (const row of rows) expect(row.bytes).toBe(Buffer.byteLength(row.entry, 'utf8'));
    } finally {
      first.db.close();
    }

    // Another process reads the counts from the file: that peer's share (2 here) has room for one more.
    const again = store(file, 2);
    try {
      const more = makeChain(makeSigner(), INCIDENT, 3).slice(1);
      const report = again.store.ingest(more, { from: '12D3KooWPeerA' });
      expect(report.pending).toEqual([more[0]!.id]);
      expect(report.waitingRoomFull).toEqual([{ id: more[1]!.id, author: more[1]!.author, cap: 'source' }]);
    } finally {
      again.db.close();
    }
  });
});

describe('forks', () => {
  function forkOf(signer: EntrySigner, entry: SignedEntryOf<TextKind>, text: string): SignedEntry {
    const { id: _id, sig: _sig, ...unsigned } = entry;
    return signEntry({ ...unsigned, hlc: { t: entry.hlc.t, c: entry.hlc.c + 1 }, body: { text } }, signer, nodeCrypto);
  }

  it('keeps both entries at one author+seq, reports the fork, and verify warns but passes', async () => {
    const s = makeSigner();
    const chain = makeChain(s, INCIDENT, 3);
    const fork2 = forkOf(s, chain[1]!, 'een ander verhaal');
    const b = laptop();
    b.backend.store.ingest(chain);

    const report = b.backend.store.ingest([fork2]);
    expect(report.added).toEqual([fork2.id]);
    expect(report.forks).toEqual([{ author: s.publicKeyHex, seq: 2, id: fork2.id }]);
    expect(report.rejected).toEqual([]);

    // The forked branch goes on: its next entry is a fork at seq 3.
    const fork3 = signEntry({ v: 1, author: s.publicKeyHex, seq: 3, prev: fork2.id, hlc: { t: CHAIN_T0 + 10, c: 0 }, incident: INCIDENT, kind: 'melding', body: { text: 'verder' }, classification: 'intern' }, s, nodeCrypto);
    const next = b.backend.store.ingest([fork3]);
    expect(next.added).toEqual([fork3.id]);
    expect(next.forks).toEqual([{ author: s.publicKeyHex, seq: 3, id: fork3.id }]);

    const stored = ids(exported(b.backend));
    for (const e of [...chain, fork2, fork3]) expect(stored).toContain(e.id);
    expect(deriveIncidentState(INCIDENT, b.backend.store.incidentEntries(INCIDENT), new Date(T).toISOString(), nodeCrypto).forkedAuthors).toEqual([s.publicKeyHex]);

    const verify = await b.backend.api.verify({});
    expect(verify.ok).toBe(true);
    expect(verify.warnings.filter((w) => /fork/.test(w.problem))).toHaveLength(2);
    await expectHealthy(b.backend);

    // A replay of both branches is all known.
    expect(b.backend.store.ingest([...chain, fork2, fork3])).toEqual({ ...emptyReport, known: 5 });
  });

  it('reports a fork whose two sides arrive in the same batch', () => {
    const s = makeSigner();
    const chain = makeChain(s, INCIDENT, 2);
    const fork2 = forkOf(s, chain[1]!, 'tegelijk binnen');
    const b = laptop();
    const report = b.backend.store.ingest([...chain, fork2]);
    expect(sorted(report.added)).toEqual(sorted([...ids(chain), fork2.id]));
    expect(report.forks).toHaveLength(1);
    expect(report.forks[0]).toMatchObject({ author: s.publicKeyHex, seq: 2 });
    expect([chain[1]!.id, fork2.id]).toContain(report.forks[0]!.id);
  });
});

describe('rejection', () => {
  it('rejects forged, tampered, malformed and garbage candidates with reasons; the valid rest is stored', async () => {
    const good = makeChain(makeSigner(), INCIDENT, 3);
    const mallory = makeSigner();

    const victim = makeChain(makeSigner(), INCIDENT, 1)[0]!;
    const forgedSig = { ...victim, sig: Buffer.from(mallory.sign(entryCanonicalBytes(victim))).toString('hex') };
    const other = makeChain(makeSigner(), INCIDENT, 1)[0]!;
    const hashMismatch = { ...other, id: flipHex(other.id) };
    const third = makeChain(makeSigner(), INCIDENT, 1)[0]!;
    const tamperedBody = { ...third, body: { text: 'veranderd na ondertekening' } };
    const gripSigner = makeSigner();
    const badBody = signEntry({ v: 1, author: gripSigner.publicKeyHex, seq: 1, prev: null, hlc: { t: CHAIN_T0, c: 0 }, incident: INCIDENT, kind: 'grip', body: { level: 9 }, classification: 'intern' }, gripSigner, nodeCrypto);
    const base = makeChain(makeSigner(), INCIDENT, 1)[0]!;

    const cases: { candidate: unknown; id: string | null; reason: RegExp }[] = [
      { candidate: forgedSig, id: victim.id, reason: /^bad-signature/ },
      { candidate: hashMismatch, id: hashMismatch.id, reason: /^hash-mismatch/ },
      { candidate: tamperedBody, id: third.id, reason: /^hash-mismatch/ },
      { candidate: badBody, id: badBody.id, reason: /^invalid body: body\.level/ },
      { candidate: { ...base, extra: 1 }, id: base.id, reason: /^malformed/ },
      { candidate: { ...base, skewMs: null }, id: base.id, reason: /^malformed/ },
      { candidate: (({ sig: _s, ...rest }) => rest)(base), id: base.id, reason: /^malformed: sig/ },
      { candidate: { ...base, seq: '1' }, id: base.id, reason: /^malformed: seq/ },
      { candidate: { ...base, seq: 0 }, id: base.id, reason: /^malformed: seq/ },
      { candidate: { ...base, seq: 2 ** 60 }, id: base.id, reason: /^malformed: seq/ },
      { candidate: { ...base, seq: Number.MAX_VALUE }, id: base.id, reason: /^malformed: seq/ },
      { candidate: { ...base, seq: 1.5 }, id: base.id, reason: /^malformed: seq/ },
      { candidate: { ...base, hlc: { t: 1e300, c: 0 } }, id: base.id, reason: /^malformed: hlc\.t/ },
      { candidate: { ...base, hlc: { t: -1, c: 0 } }, id: base.id, reason: /^malformed: hlc\.t/ },
      { candidate: { ...base, hlc: { t: CHAIN_T0, c: 2 ** 20 } }, id: base.id, reason: /^malformed: hlc\.c/ },
      { candidate: { ...base, hlc: { t: CHAIN_T0, c: 0, x: 1 } }, id: base.id, reason: /^malformed: hlc/ },
      { candidate: { ...base, author: base.author.toUpperCase() }, id: base.id, reason: /^malformed: author/ },
      { candidate: { ...base, kind: 'Roddel' }, id: base.id, reason: /^malformed: kind/ },
      // A kind this version does not know is no reason to refuse an entry; changing a signed entry's kind is.
      { candidate: { ...base, kind: 'roddel' }, id: base.id, reason: /^hash-mismatch/ },
      { candidate: { ...base, classification: 'geheim' }, id: base.id, reason: /^malformed: classification/ },
      { candidate: { ...base, v: 2 }, id: base.id, reason: /^malformed: v/ },
      { candidate: { ...base, prev: base.id }, id: base.id, reason: /^malformed: prev/ },
      { candidate: { ...base, incident: 'x' }, id: base.id, reason: /^malformed: incident/ },
      { candidate: { ...base, body: 'tekst' }, id: base.id, reason: /^malformed: body/ },
      { candidate: { ...base, body: { text: 42 } }, id: base.id, reason: /^invalid body: body\.text/ },
      { candidate: { ...base, id: 'x'.repeat(100_000) }, id: 'x'.repeat(64), reason: /^malformed: id/ },
      { candidate: { ...base, id: 12 }, id: null, reason: /^malformed: id/ },
      { candidate: null, id: null, reason: /^malformed/ },
      { candidate: undefined, id: null, reason: /^malformed/ },
      { candidate: 'een string', id: null, reason: /^malformed/ },
      { candidate: '', id: null, reason: /^malformed/ },
      { candidate: 42, id: null, reason: /^malformed/ },
      { candidate: 1e308, id: null, reason: /^malformed/ },
      { candidate: NaN, id: null, reason: /^malformed/ },
      { candidate: true, id: null, reason: /^malformed/ },
      { candidate: [], id: null, reason: /^malformed/ },
      { candidate: [base], id: null, reason: /^malformed/ },
      { candidate: {}, id: null, reason: /^malformed/ },
      { candidate: { id: base.id }, id: base.id, reason: /^malformed/ },
    ];

    const b = laptop();
    const batch = [cases[0]!.candidate, ...good.slice(0, 2), ...cases.slice(1).map((c) => c.candidate), good[2]];
    const report = b.backend.store.ingest(batch);

    expect(sorted(report.added)).toEqual(sorted(ids(good)));
    expect(report.pending).toEqual([]);
    expect(report.forks).toEqual([]);
    expect(report.rejected).toHaveLength(cases.length);
    // Malformed candidates are refused as they are read, forged ones after the author checks: match each case to one rejection.
    const unmatched = [...report.rejected];
    cases.forEach((c, i) => {
      const at = unmatched.findIndex((r) => r.id === c.id && c.reason.test(r.reason));
      expect({ case: i, candidate: String(JSON.stringify(c.candidate)).slice(0, 120), matched: at >= 0 }).toMatchObject({ matched: true });
      unmatched.splice(at, 1);
    });
    expect(unmatched).toEqual([]);
    expect(b.backend.store.count()).toBe(3);
    expect(exported(b.backend)).toEqual(good);
    expect(pendingCount(b.backend)).toBe(0);
    for (const e of [victim, other, third, badBody, base]) expect(b.backend.store.entry(e.id)).toBeNull();
    await expectHealthy(b.backend);
  });

  it('rejects an entry whose text holds a lone surrogate instead of failing the whole batch', () => {
    const good = makeChain(makeSigner(), INCIDENT, 2);
    const base = makeChain(makeSigner(), INCIDENT, 1)[0]!;
    // JSON.parse('"\\ud800"') gives such a string: any peer can send one.
    const loneSurrogate = JSON.parse(JSON.stringify({ ...base, body: { text: 'tekst\uD800' } })) as SignedEntry;
    const b = laptop();
    let report: ReturnType<typeof b.backend.store.ingest> | undefined;
    expect(() => {
      report = b.backend.store.ingest([good[0], loneSurrogate, good[1]]);
    }).not.toThrow();
    expect(sorted(report?.added ?? [])).toEqual(sorted(ids(good)));
    expect(report?.rejected).toHaveLength(1);
    expect(report?.rejected[0]?.id).toBe(base.id);
  });

  it('falls back to entry-by-entry checks when the last signature of a run fails: the valid prefix is stored', async () => {
    const s = makeSigner();
    const chain = makeChain(s, INCIDENT, 5);
    const badLast = { ...chain[4]!, sig: flipHex(chain[4]!.sig, 10) };
    const b = laptop();
    const report = b.backend.store.ingest([...chain.slice(0, 4), badLast]);
    expect(report.added).toEqual(ids(chain.slice(0, 4)));
    expect(report.rejected).toEqual([{ id: badLast.id, reason: expect.stringMatching(/^bad-signature/) }]);
    expect(report.pending).toEqual([]);
    expect(b.backend.store.count()).toBe(4);

    // The real entry is still welcome afterwards.
    expect(b.backend.store.ingest([chain[4]!]).added).toEqual([chain[4]!.id]);
    await expectHealthy(b.backend);
  });

  it('rejects a run\'s last entry signed by someone else, keeping the prefix', () => {
    const s = makeSigner();
    const chain = makeChain(s, INCIDENT, 4);
    const last = chain[3]!;
    const signedByOther = { ...last, sig: Buffer.from(makeSigner().sign(entryCanonicalBytes(last))).toString('hex') };
    const b = laptop();
    const report = b.backend.store.ingest([signedByOther, ...chain.slice(0, 3)]);
    expect(report.added).toEqual(ids(chain.slice(0, 3)));
    expect(report.rejected.map((r) => [r.id, r.reason.split(':')[0]])).toEqual([[last.id, 'bad-signature']]);
  });

  it('stores the prefix, rejects a tampered middle entry and parks what follows it', async () => {
    const s = makeSigner();
    const chain = makeChain(s, INCIDENT, 5);
    const tampered = { ...chain[2]!, body: { text: 'vervalst' } };
    const b = laptop();
    const report = b.backend.store.ingest([chain[0]!, chain[1]!, tampered, chain[3]!, chain[4]!]);
    expect(report.added).toEqual(ids(chain.slice(0, 2)));
    expect(report.rejected).toEqual([{ id: chain[2]!.id, reason: expect.stringMatching(/^hash-mismatch/) }]);
    expect(report.pending).toEqual(ids(chain.slice(3)));
    expect(b.backend.store.entry(chain[2]!.id)).toBeNull();

    const filled = b.backend.store.ingest([chain[2]!]);
    expect(filled.added).toEqual(ids(chain.slice(2)));
    expect(exported(b.backend)).toEqual(chain);
    await expectHealthy(b.backend);
  });

  it('accepts a run whose earlier entry carries a broken signature when the last signature covers it (verify warns)', async () => {
    const s = makeSigner();
    const chain = makeChain(s, INCIDENT, 3);
    const brokenSig = { ...chain[1]!, sig: flipHex(chain[1]!.sig, 20) };
    const b = laptop();
    const report = b.backend.store.ingest([chain[0]!, brokenSig, chain[2]!]);
    expect(report.added).toEqual(ids(chain));
    expect(report.rejected).toEqual([]);
    const verify = await b.backend.api.verify({});
    expect(verify.ok).toBe(true);
    expect(verify.warnings).toEqual([{ entry: chain[1]!.id, problem: expect.stringMatching(/covers it/) }]);
  });

  it('rejects a forged entry whose prev points at another author\'s entry', () => {
    const alice = makeSigner();
    const bob = makeSigner();
    const a = makeChain(alice, INCIDENT, 1);
    const bobOnAlice = signEntry({ v: 1, author: bob.publicKeyHex, seq: 2, prev: a[0]!.id, hlc: { t: CHAIN_T0 + 1, c: 0 }, incident: INCIDENT, kind: 'melding', body: { text: 'x' }, classification: 'intern' }, bob, nodeCrypto);
    const b = laptop();
    const report = b.backend.store.ingest([...a, bobOnAlice]);
    expect(report.added).toEqual(ids(a));
    expect(report.rejected).toEqual([{ id: bobOnAlice.id, reason: expect.stringMatching(/^broken-chain/) }]);
  });
});

describe('clock skew', () => {
  it('stores an entry stamped an hour ahead, flags it, and keeps its own clock', async () => {
    const b = laptop();
    const api = b.backend.api;
    const { id: incident, entry: opening } = await api['incident.create']({ title: 'Hoogwater' });
    expect(b.backend.store.entry(opening.id)?.hlc).toEqual({ t: T, c: 0 });

    const fast = makeSigner();
    const ahead = makeChain(fast, incident, 2, { t0: T + HOUR });
    const report = b.backend.store.ingest(ahead);
    expect(report.added).toEqual(ids(ahead));
    expect(report.skewed).toEqual([
      { id: ahead[0]!.id, aheadMs: HOUR },
      { id: ahead[1]!.id, aheadMs: HOUR + 1 },
    ]);
    const listed = b.backend.store.list({}, { limit: 1000, order: 'oldest' }).entries;
    expect(listed.map((e) => [e.id, e.skewMs])).toEqual([
      [opening.id, null],
      [ahead[0]!.id, HOUR],
      [ahead[1]!.id, HOUR + 1],
    ]);
    expect((await api['log.get']({ id: ahead[0]!.id })).skewMs).toBe(HOUR);

    // The next local entry is stamped by this laptop's own clock, not dragged an hour ahead.
    b.setNow(T + 1000);
    const local = await api['log.add']({ incident, kind: 'melding', body: { text: 'eigen klok' } });
    expect(b.backend.store.entry(local.id)?.hlc).toEqual({ t: T + 1000, c: 0 });
    const standing = await api['log.add']({ incident, kind: 'melding', body: { text: 'klok staat stil' } });
    expect(b.backend.store.entry(standing.id)?.hlc).toEqual({ t: T + 1000, c: 1 });
    expect(b.backend.store.clock.peek()).toEqual({ t: T + 1000, c: 1 });

    // After a restart the flagged entries still do not set the clock.
    const dataDir = b.backend.dataDir;
    b.backend.close();
    const again = laptop({ dataDir, start: T + 2000 });
    const afterRestart = await again.backend.api['log.add']({ incident, kind: 'melding', body: { text: 'na herstart' } });
    expect(again.backend.store.entry(afterRestart.id)?.hlc).toEqual({ t: T + 2000, c: 0 });
    expect(again.backend.store.entry(ahead[1]!.id)?.skewMs).toBe(HOUR + 1);

    // Newest first, the future entries stay on top: they keep their place in the order.
    expect(again.backend.store.list({}, { limit: 2, order: 'newest' }).entries.map((e) => e.id)).toEqual([ahead[1]!.id, ahead[0]!.id]);
    await expectHealthy(again.backend);
  });

  it('lets an entry within the allowed skew pull the clock forward (no flag)', async () => {
    const b = laptop();
    const { id: incident } = await b.backend.api['incident.create']({ title: 'Brand' });
    const near = makeChain(makeSigner(), incident, 1, { t0: T + 120_000 })[0]!;
    const report = b.backend.store.ingest([near]);
    expect(report.skewed).toEqual([]);
    expect(b.backend.store.entry(near.id)?.skewMs).toBeNull();
    b.setNow(T + 5000);
    const local = await b.backend.api['log.add']({ incident, kind: 'melding', body: { text: 'na de ander' } });
    const hlc = b.backend.store.entry(local.id)!.hlc;
    expect(compareHlc(hlc, near.hlc)).toBe(1);
    expect(hlc).toEqual({ t: T + 120_000, c: 1 });
  });

  it('honours the maxSkewMs option', () => {
    const b = laptop({ maxSkewMs: 10_000 });
    const chain = makeChain(makeSigner(), INCIDENT, 2, { t0: T + 10_000 });
    const report = b.backend.store.ingest(chain);
    // t0 + 0 is exactly at the limit; t0 + 1 is a millisecond past it.
    expect(report.skewed).toEqual([{ id: chain[1]!.id, aheadMs: 10_001 }]);
    expect(b.backend.store.clock.peek()).toEqual({ t: T + 10_000, c: 0 });
  });
});

describe('replay', () => {
  it('finds replayed old entries known and leaves the log as it was', async () => {
    const a = laptop();
    const b = laptop();
    const incident = await writeIncident(a, 'Gaslek');
    const s = makeSigner();
    const theirs = makeChain(s, incident, 4);
    b.backend.store.ingest([...exported(a.backend), ...theirs]);
    await b.backend.api['grip.set']({ incident, level: 4 });
    const before = exported(b.backend);
    const stateBefore = await b.backend.api['incident.state']({ incident });

    // An old bundle arrives again, partly, in pieces and reversed.
    const old = [...exported(a.backend), ...theirs];
    const r1 = b.backend.store.ingest(old.slice(0, 4).reverse());
    const r2 = b.backend.store.ingest([...old.slice(4), ...old.slice(4)]);
    expect(r1).toEqual({ ...emptyReport, known: 4 });
    expect(r2).toEqual({ ...emptyReport, known: old.length - 4 });
    expect(exported(b.backend)).toEqual(before);
    expect(await b.backend.api['incident.state']({ incident })).toEqual(stateBefore);

    // A's laptop receives its own entries back from B: known, plus B's new ones.
    const back = a.backend.store.ingest(exported(b.backend));
    expect(back.known).toBe(6);
    expect(back.added).toHaveLength(5);
    expect(exported(a.backend)).toEqual(exported(b.backend));
    await expectHealthy(a.backend);
    await expectHealthy(b.backend);
  });
});

describe('ingest write path', () => {
  it('finds known entries whether a batch is dense in seq or scattered across the chain', () => {
    const b = laptop();
    const chain = makeChain(makeSigner(), INCIDENT, 40, { t0: T - HOUR });
    b.backend.store.ingest(chain.slice(0, 30));
    // dense: seqs 25..34, half known (one range query)
    expect(b.backend.store.ingest(chain.slice(24, 34))).toMatchObject({ known: 6, added: ids(chain.slice(30, 34)) });
    // scattered: seqs 1, 20, 34 known and 35 new, far apart (one lookup each)
    const scattered = b.backend.store.ingest([chain[0]!, chain[19]!, chain[33]!, chain[34]!]);
    expect(scattered).toMatchObject({ known: 3, added: [chain[34]!.id], rejected: [] });
    expect(b.backend.store.count()).toBe(35);
  });

  it('stores entries of different authors stamped with the very same HLC, each once, in arrival order', () => {
    const b = laptop();
    const stamp = { t0: T - HOUR };
    const first = makeChain(makeSigner(), INCIDENT, 3, stamp);
    const second = makeChain(makeSigner(), INCIDENT, 3, stamp);
    const third = makeChain(makeSigner(), INCIDENT, 3, stamp);
    expect(b.backend.store.ingest([...first, ...second]).added).toHaveLength(6);
    expect(b.backend.store.ingest(third).added).toHaveLength(3);
    const page = b.backend.store.list({}, { limit: 20, order: 'oldest' });
    expect(page.entries.map((e) => e.id)).toEqual([0, 1, 2].flatMap((i) => [first[i]!.id, second[i]!.id, third[i]!.id]));
  });
});

describe('forged copies', () => {
  it('a forged copy that claims a genuine id, arriving first, neither hides the genuine entry nor counts as known', () => {
    const receiver = laptop();
    const [genuine] = makeChain(makeSigner(), 'ab'.repeat(16), 1);
    const forged = { ...genuine!, body: { text: 'vervalst' } };
    const report = receiver.backend.store.ingest([forged, genuine]);
    expect(report.added).toEqual([genuine!.id]);
    expect(report.rejected).toEqual([{ id: genuine!.id, reason: expect.stringMatching(/^hash-mismatch/) }]);
    expect(receiver.backend.store.entry(genuine!.id)!.body).toEqual(genuine!.body);
    const again = receiver.backend.store.ingest([forged]);
    expect(again.known).toBe(0);
    expect(again.rejected).toHaveLength(1);
  });
});

describe('copies of one id in one batch whose signatures differ', () => {
  // The id is the hash of everything but the signature: a copy with a damaged one has the genuine id.
  const damaged = (entry: SignedEntry): SignedEntry => ({ ...entry, sig: entry.sig.replace(/^./, (c) => (c === '0' ? '1' : '0')) });

  it('store the copy whose signature checks, whichever comes first; the other is dropped as a repeat', () => {
    const chain = makeChain(makeSigner(), INCIDENT, 3);
    const [e1, e2, e3] = chain as [SignedEntry, SignedEntry, SignedEntry];
    for (const batch of [[e1, damaged(e2), e2], [e1, e2, damaged(e2)]]) {
      const store = laptop().backend.store;
      expect(store.ingest(batch)).toEqual({ added: [e1.id, e2.id], known: 0, pending: [], forks: [], rejected: [], skewed: [], waitingRoomFull: [] });
      expect(store.entry(e2.id)!.sig).toBe(e2.sig);
    }
    // Inside a run that a later signature covers, the damaged copy would pass too: the genuine one is kept all the same.
    const store = laptop().backend.store;
    expect(store.ingest([e1, damaged(e2), e2, e3]).added).toEqual([e1.id, e2.id, e3.id]);
    expect(store.entry(e2.id)!.sig).toBe(e2.sig);
    expect(store.verify()).toMatchObject({ ok: true, warnings: [] });
  });

  it('reject the entry once when no copy is signed, and find it known when the log holds it', () => {
    const [e1, e2] = makeChain(makeSigner(), INCIDENT, 2) as [SignedEntry, SignedEntry];
    const store = laptop().backend.store;
    const otherDamage = { ...e2, sig: e1.sig };
    expect(store.ingest([e1, damaged(e2), otherDamage])).toMatchObject({ added: [e1.id], rejected: [{ id: e2.id, reason: expect.stringMatching(/^bad-signature: /) }] });
    expect(store.ingest([damaged(e2), e2])).toMatchObject({ added: [e2.id], rejected: [] });
    expect(store.ingest([damaged(e2), e2, damaged(e1), e1])).toMatchObject({ added: [], known: 2, rejected: [] });
    expect(store.entry(e2.id)!.sig).toBe(e2.sig);
  });
});
