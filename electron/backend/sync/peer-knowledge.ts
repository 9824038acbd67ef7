import type { AuthorHead } from '../replica/replica.js';
import type { ClockIndex } from './clock-index.js';

/**
 * What one session knows of the two clocks per author, beyond the index it started from: how far
 * the peer is (learned from its replies, from what was sent to it and what it sent), and how far this
 * device got since. It answers "what does the peer lack" for live pushes and the behind/ahead figures
 * of `status`, without reading the store.
 */
export function createPeerKnowledge(index: () => ClockIndex | null) {
  /** The highest seq per author the peer is known to hold, where it differs from our clock at the start. */
  const peerSeq = new Map<string, number>();
  /** Authors where the peer was ahead of us, with its seq then: what we are behind. */
  const peerAhead = new Map<string, number>();
  /** The highest seq per author this device learned of since the start (received, sent or offered). */
  const localTop = new Map<string, number>();

  const topOf = (author: string) => Math.max(localTop.get(author) ?? 0, index()?.head(author)?.seq ?? 0);
  /** What the peer holds of an author: learned, or (its range being equal at the start) what we held then. */
  const remoteSeq = (author: string) => peerSeq.get(author) ?? index()?.head(author)?.seq ?? 0;

  return {
    topOf,
    remoteSeq,
    /** This device holds the author up to `seq` (at least). */
    raiseTop(author: string, seq: number): void {
      if ((localTop.get(author) ?? 0) < seq) localTop.set(author, seq);
    },
    /** The peer holds the author up to `seq` (at least). */
    remoteKnows(author: string, seq: number): void {
      if (remoteSeq(author) < seq) peerSeq.set(author, seq);
    },
    /** A range's heads as the peer listed them; `ours` are this device's authors in that range. */
    learnRange(ours: readonly string[], theirs: Readonly<Record<string, AuthorHead>>): void {
      for (const author of ours) peerSeq.set(author, theirs[author]?.seq ?? 0);
      for (const [author, head] of Object.entries(theirs)) {
        if (remoteSeq(author) < head.seq) peerSeq.set(author, head.seq);
        if (head.seq > topOf(author)) peerAhead.set(author, head.seq);
      }
    },
    /** The peer holds none of these authors. */
    lacks(authors: readonly string[]): void {
      for (const author of authors) peerSeq.set(author, 0);
    },
    /** Entries the peer has that this device lacks, by what was learned (authors caught up are forgotten). */
    behind(): number {
      let behind = 0;
      for (const [author, seq] of peerAhead) {
        const gap = seq - topOf(author);
        if (gap > 0) behind += gap;
        else peerAhead.delete(author);
      }
      return behind;
    },
  };
}

export type PeerKnowledge = ReturnType<typeof createPeerKnowledge>;
