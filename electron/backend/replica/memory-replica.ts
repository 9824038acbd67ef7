import { entrySignatureValid } from '../../../shared/domain/chain.js';
import type { AnyEntry, EntryCrypto } from '../../../shared/domain/entry.js';
import { DEFAULT_MAX_SKEW_MS, skewOf } from '../../../shared/domain/hlc.js';
import { authenticEntries, consecutiveRuns, parseCandidate, REJECTED } from './checks.js';
import type { AuthorHead, IngestOptions, IngestReport, Replica } from './replica.js';
import { createWaitingRoomGate, ingestSource, WAITING_ROOM_CAPS, WAITING_ROOM_FULL, waitingForm, type WaitingRoomCaps } from './waiting-room.js';

export interface MemoryReplicaOptions {
  /** This device's author key (64 hex). */
  author: string;
  crypto: EntryCrypto;
  /** Physical time in epoch ms, to flag entries stamped too far ahead. */
  now: () => number;
  maxSkewMs?: number;
  waitingRoom?: Partial<WaitingRoomCaps>;
}

/**
 * A Replica in plain maps, for tests and simulations: it keeps the SQLite store's promises (the
 * shared suite in test/backend/replica/ holds both to them) with none of its speed. Entries are
 * checked by replica/checks.ts like the store's; chains, waiting entries and forks are kept here.
 */
export function createMemoryReplica(options: MemoryReplicaOptions): Replica {
  const { crypto, now } = options;
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const caps: WaitingRoomCaps = { ...WAITING_ROOM_CAPS, ...options.waitingRoom };
  /** Each author's entries in the log, in chain order: by seq, then id. */
  const chains = new Map<string, AnyEntry[]>();
  const byId = new Map<string, AnyEntry>();
  /** Authentic entries whose predecessor has not arrived, by id, with where they came from and their stored size. */
  const waiting = new Map<string, { entry: AnyEntry; source: string | null; bytes: number }>();

  const chainOf = (author: string): readonly AnyEntry[] => chains.get(author) ?? [];
  const after = (entry: AnyEntry, seq: number, id: string) => entry.seq > seq || (entry.seq === seq && entry.id > id);

  function ingest(candidates: readonly unknown[], ingestOptions?: IngestOptions): IngestReport {
    const source = ingestSource(ingestOptions);
    const report: IngestReport = { added: [], known: 0, pending: [], forks: [], rejected: [], skewed: [], waitingRoomFull: [] };
    const waitingNow = () => [...waiting.values()];
    const gate = createWaitingRoomGate(caps, source, {
      entries: () => waiting.size,
      ofAuthor: (author) => waitingNow().filter((w) => w.entry.author === author).length,
      ofSource: (from) => {
        const of = waitingNow().filter((w) => w.source === from);
        return { entries: of.length, bytes: of.reduce((sum, w) => sum + w.bytes, 0) };
      },
    });
    const firstOf = new Map<string, AnyEntry>();
    const byAuthor = new Map<string, AnyEntry[]>();
    for (const candidate of candidates) {
      const entry = parseCandidate(candidate, report, crypto)?.entry;
      if (!entry) continue;
      const first = firstOf.get(entry.id);
      if (first) {
        // A second copy of an id in one batch is ignored, as the store does, unless the first lacks
        // the signature it carries (copies of an id differ in nothing else).
        if (first.sig !== entry.sig && !entrySignatureValid(first, crypto) && entrySignatureValid(entry, crypto)) {
          firstOf.set(entry.id, entry);
          const list = byAuthor.get(entry.author);
          const at = list?.indexOf(first) ?? -1;
          if (at !== -1) list![at] = entry;
        }
        continue;
      }
      firstOf.set(entry.id, entry);
      if (byId.has(entry.id) || waiting.has(entry.id)) {
        report.known++;
        continue;
      }
      const list = byAuthor.get(entry.author) ?? [];
      byAuthor.set(entry.author, list);
      list.push(entry);
    }

    /** Ids parked by this batch and still waiting at its end. */
    const parkedNow = new Set<string>();
    const insertOne = (entry: AnyEntry): void => {
      const chain = chains.get(entry.author) ?? [];
      chains.set(entry.author, chain);
      if (chain.some((e) => e.seq === entry.seq)) report.forks.push({ author: entry.author, seq: entry.seq, id: entry.id });
      const at = chain.findIndex((e) => after(e, entry.seq, entry.id));
      chain.splice(at === -1 ? chain.length : at, 0, entry);
      byId.set(entry.id, entry);
      report.added.push(entry.id);
      const skew = skewOf(entry.hlc, Math.floor(now()), maxSkewMs);
      if (skew) report.skewed.push({ id: entry.id, aheadMs: skew.aheadMs });
    };
    // Stores an entry, then every waiting entry whose gap it fills.
    const insert = (first: AnyEntry): void => {
      insertOne(first);
      const filled = [first];
      while (filled.length > 0) {
        const entry = filled.pop()!;
        const next = waitingNow().filter((w) => w.entry.prev === entry.id).sort((a, b) => (a.entry.id < b.entry.id ? -1 : 1));
        for (const { entry: candidate, source: from, bytes } of next) {
          gate.leave(candidate.author, from, bytes);
          waiting.delete(candidate.id);
          parkedNow.delete(candidate.id);
          if (candidate.author === entry.author && candidate.seq === entry.seq + 1) {
            insertOne(candidate);
            filled.push(candidate);
          } else {
            report.rejected.push({ id: candidate.id, reason: REJECTED.brokenChain });
          }
        }
      }
    };
    const park = (entry: AnyEntry): void => {
      const { bytes } = waitingForm(entry);
      const full = gate.admit(entry.author, bytes);
      if (full) {
        report.rejected.push({ id: entry.id, reason: WAITING_ROOM_FULL[full] });
        report.waitingRoomFull.push({ id: entry.id, author: entry.author, cap: full });
        return;
      }
      waiting.set(entry.id, { entry, source, bytes });
      parkedNow.add(entry.id);
    };
    /** Whether the entry before a run's first is in the log, still missing, or not its predecessor. */
    const anchor = (first: AnyEntry): 'present' | 'missing' | 'broken' => {
      if (first.seq === 1) return 'present';
      const prev = byId.get(first.prev!);
      if (!prev) return 'missing';
      return prev.author === first.author && prev.seq === first.seq - 1 ? 'present' : 'broken';
    };

    for (const entries of byAuthor.values()) {
      entries.sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1));
      for (const run of consecutiveRuns(entries)) {
        const authentic = authenticEntries(run, report, crypto);
        let before = anchor(run[0]!);
        for (const [i, entry] of run.entries()) {
          if (!authentic[i]) before = 'missing';
          else if (before === 'broken') report.rejected.push({ id: entry.id, reason: REJECTED.brokenChain });
          else if (before === 'present') insert(entry);
          else park(entry);
        }
      }
    }
    report.pending = [...parkedNow];
    return report;
  }

  const headOf = (author: string): AuthorHead | undefined => {
    const chain = chainOf(author);
    if (chain.length === 0) return undefined;
    const seq = chain[chain.length - 1]!.seq;
    const head = chain.find((e) => e.seq === seq)!.id;
    // Chains start at seq 1 without gaps, so entries beyond the head's seq are fork evidence.
    const extra = chain.length - seq;
    return extra > 0 ? { seq, head, extra } : { seq, head };
  };

  return {
    author: options.author,
    authorHeads() {
      return new Map([...chains.keys()].sort().map((author) => [author, headOf(author)!]));
    },
    authorHead: headOf,
    chainAfter(author, seq, id, limit) {
      return chainOf(author).filter((e) => after(e, seq, id)).slice(0, limit).map((e) => structuredClone(e));
    },
    idsAtSeq(author, seq) {
      return chainOf(author).filter((e) => e.seq === seq).map((e) => e.id);
    },
    ingest,
  };
}
