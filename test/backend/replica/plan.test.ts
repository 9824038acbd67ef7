import { describe, expect, it } from 'vitest';
import { planSends } from '../../../electron/backend/replica/plan.js';
import { AFTER_ALL, type AuthorHead } from '../../../electron/backend/replica/replica.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
/** An entry id: which author, at which seq, which branch. */
const id = (author: string, seq: number, branch = 0) => `${author[0]}${branch}${String(seq).padStart(62, '0')}`;

/** We hold A up to seq 10 (a fork at seq 4: one extra entry) and B up to seq 5. */
const ours = new Map<string, AuthorHead>([
  [A, { seq: 10, head: id(A, 10), extra: 1 }],
  [B, { seq: 5, head: id(B, 5) }],
]);
/** What we hold, as (author, seq, id). */
const held = new Set<string>();
for (let seq = 1; seq <= 10; seq++) held.add(`${A} ${seq} ${id(A, seq)}`);
held.add(`${A} 4 ${id(A, 4, 1)}`);
for (let seq = 1; seq <= 5; seq++) held.add(`${B} ${seq} ${id(B, seq)}`);
const lookups: [string, number, string][] = [];
const holds = (author: string, seq: number, entry: string) => {
  lookups.push([author, seq, entry]);
  return held.has(`${author} ${seq} ${entry}`);
};
const whole = { seq: 0, id: AFTER_ALL };

describe('planSends: what a peer with a given clock lacks', () => {
  it('sends every whole chain to a peer that knows nothing, none of them as forked', () => {
    expect(planSends(ours, undefined, holds)).toEqual({
      sends: [{ author: A, from: whole, until: 10 }, { author: B, from: whole, until: 5 }],
      forked: [],
    });
    expect(planSends(ours, {}, holds)).toEqual(planSends(ours, undefined, holds));
  });

  it('sends an author the peer does not know whole, and plans nothing for authors only the peer holds', () => {
    const plan = planSends(ours, { [A]: { seq: 10, head: id(A, 10), extra: 1 }, [C]: { seq: 3, head: id(C, 3) } }, holds);
    expect(plan).toEqual({ sends: [{ author: B, from: whole, until: 5 }], forked: [] });
  });

  it('sends what follows the peer\'s head when that head is in our chain', () => {
    const plan = planSends(ours, { [A]: { seq: 7, head: id(A, 7), extra: 1 }, [B]: { seq: 2, head: id(B, 2) } }, holds);
    expect(plan).toEqual({
      sends: [{ author: A, from: { seq: 7, id: AFTER_ALL }, until: 10 }, { author: B, from: { seq: 2, id: AFTER_ALL }, until: 5 }],
      forked: [],
    });
  });

  it('sends nothing when the peer holds exactly what we hold', () => {
    expect(planSends(ours, { [A]: { seq: 10, head: id(A, 10), extra: 1 }, [B]: { seq: 5, head: id(B, 5) } }, holds)).toEqual({ sends: [], forked: [] });
  });

  it('sends nothing, without looking anything up, when the peer is further along with the same fork evidence', () => {
    lookups.length = 0;
    const plan = planSends(ours, { [A]: { seq: 12, head: id(A, 12), extra: 1 }, [B]: { seq: 9, head: id(B, 9) } }, holds);
    expect(plan).toEqual({ sends: [], forked: [] });
    expect(lookups).toEqual([]);
  });

  it('sends the whole chain and flags the fork when the peer\'s head is not in our chain', () => {
    const plan = planSends(ours, { [A]: { seq: 10, head: id(A, 10), extra: 1 }, [B]: { seq: 3, head: id(B, 3, 7) } }, holds);
    expect(plan).toEqual({ sends: [{ author: B, from: whole, until: 5 }], forked: [B] });
    // Same seq as ours, another entry there.
    expect(planSends(ours, { [A]: { seq: 10, head: id(A, 10), extra: 1 }, [B]: { seq: 5, head: id(B, 5, 7) } }, holds)).toEqual(plan);
  });

  it('sends the whole chain and flags the fork when the two sides hold different fork evidence, whoever is ahead', () => {
    const fewer = planSends(ours, { [A]: { seq: 6, head: id(A, 6) }, [B]: { seq: 5, head: id(B, 5) } }, holds);
    expect(fewer).toEqual({ sends: [{ author: A, from: whole, until: 10 }], forked: [A] });
    const more = planSends(ours, { [A]: { seq: 10, head: id(A, 10), extra: 2 }, [B]: { seq: 5, head: id(B, 5), extra: 1 } }, holds);
    expect(more).toEqual({ sends: [{ author: A, from: whole, until: 10 }, { author: B, from: whole, until: 5 }], forked: [A, B] });
    lookups.length = 0;
    const aheadElsewhere = planSends(ours, { [A]: { seq: 15, head: id(A, 15), extra: 3 }, [B]: { seq: 5, head: id(B, 5) } }, holds);
    expect(aheadElsewhere).toEqual({ sends: [{ author: A, from: whole, until: 10 }], forked: [A] });
    expect(lookups).toEqual([[B, 5, id(B, 5)]]);
  });
});
