import type { AnyEntry, EntryCrypto } from '../../../shared/domain/entry.js';
import { DEFAULT_MAX_SKEW_MS, skewOf } from '../../../shared/domain/hlc.js';
import { authenticEntries, consecutiveRuns, MAX_PENDING_ENTRIES, parseCandidate, REJECTED } from './checks.js';
import { relayed, type AuthorHead, type IngestReport, type Replica } from './replica.js';

export interface MemoryReplicaOptions {
  /** This device's author key (64 hex). */
  author: string;
  crypto: EntryCrypto;
  /** Physical time in epoch ms, to flag entries stamped too far ahead. */
  now: () => number;
  maxSkewMs?: number;
  maxPendingEntries?: number;
}

/**
 * A Replica in plain maps, for tests and simulations: it keeps the SQLite store's promises (the
 * shared suite in test/backend/replica/ holds both to them) with none of its speed. Entries are
 * checked by replica/checks.ts like the store's; chains, waiting entries and forks are kept here.
 */
export function createMemoryReplica(options: MemoryReplicaOptions): Replica {
  const { crypto, now } = options;
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const maxPending = options.maxPendingEntries ?? MAX_PENDING_ENTRIES;
  /** Each author's entries in the log, in chain order: by seq, then id. */
  const chains = new Map<string, AnyEntry[]>();
  const byId = new Map<string, AnyEntry>();
  /** Authentic entries whose predecessor has not arrived, by id. */
  const waiting = new Map<string, AnyEntry>();

  const chainOf = (author: string): readonly AnyEntry[] => chains.get(author) ?? [];
  const after = (entry: AnyEntry, seq: number, id: string) => entry.seq > seq || (entry.seq === seq && entry.id > id);

  function ingest(candidates: readonly unknown[]): IngestReport {
    const report: IngestReport = { added: [], known: 0, pending: [], forks: [], rejected: [], skewed: [] };
    const seen = new Set<string>();
    const byAuthor = new Map<string, AnyEntry[]>();
    for (const candidate of candidates) {
      const entry = parseCandidate(candidate, report, crypto)?.entry;
      // A second copy of an id in one batch is ignored, as the store does: the first one decides.
      if (!entry || seen.has(entry.id)) continue;
      seen.add(entry.id);
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
        const next = [...waiting.values()].filter((w) => w.prev === entry.id).sort((a, b) => (a.id < b.id ? -1 : 1));
        for (const candidate of next) {
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
      if (waiting.size >= maxPending) {
        report.rejected.push({ id: entry.id, reason: REJECTED.tooManyWaiting });
        return;
      }
      waiting.set(entry.id, entry);
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

  return {
    author: options.author,
    authorHeads() {
      const heads = new Map<string, AuthorHead>();
      for (const author of [...chains.keys()].sort()) {
        const chain = chainOf(author);
        const seq = chain[chain.length - 1]!.seq;
        const head = chain.find((e) => e.seq === seq)!.id;
        // Chains start at seq 1 without gaps, so entries beyond the head's seq are fork evidence.
        const extra = chain.length - seq;
        heads.set(author, extra > 0 ? { seq, head, extra } : { seq, head });
      }
      return heads;
    },
    chainAfter(author, seq, id, limit) {
      return relayed(chainOf(author).filter((e) => after(e, seq, id)).slice(0, limit).map((e) => structuredClone(e)));
    },
    idsAtSeq(author, seq) {
      return chainOf(author).filter((e) => e.seq === seq).map((e) => e.id);
    },
    ingest,
  };
}
