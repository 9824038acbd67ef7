import { AFTER_ALL, type AuthorHead } from './replica.js';

/** One author's entries a peer lacks: those after `from` (a chainAfter cursor), up to seq `until`. */
export interface AuthorSend {
  author: string;
  from: { seq: number; id: string };
  /** Our head when planned; entries stored later are not part of this plan. */
  until: number;
}

export interface SendPlan {
  /** In the order of `heads`. */
  sends: AuthorSend[];
  /**
   * Authors whose chains differ between the two sides (fork evidence, or a head we do not hold):
   * we send our whole chain, and a session asks the peer for its whole chain too.
   */
  forked: string[];
}

/**
 * What a peer with clock `peer` lacks of what we hold (`heads`), the one rule behind a sync
 * session's first exchange and a bundle export (docs/PROTOCOL.md §4, docs/BUNDLE.md). `peer`
 * undefined: the peer knows nothing. `holds(author, seq, id)`: whether we hold that entry.
 * Authors only the peer holds are not planned: the peer sends those by the same rule.
 */
export function planSends(
  heads: ReadonlyMap<string, AuthorHead>,
  peer: Readonly<Record<string, AuthorHead>> | undefined,
  holds: (author: string, seq: number, id: string) => boolean,
): SendPlan {
  const plan: SendPlan = { sends: [], forked: [] };
  const whole = { seq: 0, id: AFTER_ALL };
  for (const [author, ours] of heads) {
    const theirs = peer?.[author];
    const sameEvidence = (theirs?.extra ?? 0) === (ours.extra ?? 0);
    if (!theirs) {
      plan.sends.push({ author, from: whole, until: ours.seq });
    } else if (theirs.seq > ours.seq && sameEvidence) {
      continue; // the peer is further along the same chain: its own plan sends us the rest
    } else if (!sameEvidence || !holds(author, theirs.seq, theirs.head)) {
      plan.sends.push({ author, from: whole, until: ours.seq });
      plan.forked.push(author);
    } else if (theirs.seq < ours.seq) {
      plan.sends.push({ author, from: { seq: theirs.seq, id: AFTER_ALL }, until: ours.seq });
    }
  }
  return plan;
}
