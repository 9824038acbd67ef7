import type { AuthorHead } from '../replica/replica.js';
import type { ClockIndex } from './clock-index.js';
import { ProtocolError, type ClockPart } from './protocol.js';

/** What one reply taught us about the peer's clock. */
export type Learned =
  /** The peer's heads for every author it holds in this range (authors it lacks are absent). */
  | { kind: 'heads'; prefix: string; theirs: Record<string, AuthorHead> }
  /** The peer holds no author in this range. */
  | { kind: 'none'; prefix: string };

/**
 * Our side of comparing two clocks range by range (docs/PROTOCOL.md §4): which ranges to ask the
 * peer about, and what its answers mean. Pure: the session sends the queries and acts on what is
 * learned. The peer runs the same procedure against our clock, so each side only learns where the
 * other differs, and sends what the other lacks.
 */
export function createReconciler(index: ClockIndex, limits: { maxPrefixesPerQuery: number; maxHeadsPerPart: number; window: number }) {
  const queued: string[] = [];
  const inFlight: string[][] = [];
  /** Ranges queued or asked about and not answered yet. */
  const open = new Set<string>();
  let begun = false;

  const ask = (prefix: string) => {
    queued.push(prefix);
    open.add(prefix);
  };

  return {
    /** Compares the peer's whole-clock summary from its hello with ours. */
    begin(peer: { authors: number; fp: string }): Learned[] {
      begun = true;
      const ours = index.summary('');
      if (peer.authors === 0) return ours.authors > 0 ? [{ kind: 'none', prefix: '' }] : [];
      if (peer.fp !== ours.fp || peer.authors !== ours.authors) ask('');
      return [];
    },

    /** The next query to send, when the window allows one. */
    nextQuery(): string[] | null {
      if (queued.length === 0 || inFlight.length >= limits.window) return null;
      const prefixes = queued.splice(0, limits.maxPrefixesPerQuery);
      inFlight.push(prefixes);
      return prefixes;
    },

    /** Takes the reply to the oldest query; a reply that answers anything else is a protocol violation. */
    onReply(parts: readonly ClockPart[]): Learned[] {
      const asked = inFlight.shift();
      if (!asked) throw new ProtocolError('unexpected-message', 'clock-reply without a clock-query');
      if (parts.length !== asked.length || parts.some((part, i) => part.prefix !== asked[i])) {
        throw new ProtocolError('unexpected-message', 'clock-reply does not answer the query it follows');
      }
      const learned: Learned[] = [];
      for (const part of parts) {
        open.delete(part.prefix);
        if ((part.heads === undefined) === (part.children === undefined)) throw new ProtocolError('malformed-frame', `clock part ${part.prefix || '(all)'} must hold either heads or children`);
        if (part.heads) {
          const authors = Object.keys(part.heads);
          if (authors.length > limits.maxHeadsPerPart && part.prefix.length < 64) throw new ProtocolError('malformed-frame', `clock part ${part.prefix} lists ${authors.length} heads (at most ${limits.maxHeadsPerPart})`);
          if (authors.some((a) => !a.startsWith(part.prefix))) throw new ProtocolError('malformed-frame', `clock part ${part.prefix} lists an author outside its range`);
          learned.push({ kind: 'heads', prefix: part.prefix, theirs: part.heads });
          continue;
        }
        const seen = new Set<string>();
        for (const child of part.children!) {
          if (child.prefix.length !== part.prefix.length + 1 || !child.prefix.startsWith(part.prefix) || seen.has(child.prefix) || child.authors < 1) {
            throw new ProtocolError('malformed-frame', `clock part ${part.prefix || '(all)'} has an invalid sub-range ${child.prefix}`);
          }
          seen.add(child.prefix);
        }
        for (const digit of '0123456789abcdef') {
          const prefix = part.prefix + digit;
          const ours = index.summary(prefix);
          const theirs = part.children!.find((c) => c.prefix === prefix);
          if (!theirs) {
            if (ours.authors > 0) learned.push({ kind: 'none', prefix });
          } else if (ours.authors === 0) {
            // Only the peer holds authors here: it learns that from its own queries and sends them.
          } else if (theirs.fp !== ours.fp || theirs.authors !== ours.authors) {
            ask(prefix);
          }
        }
      }
      return learned;
    },

    /** Whether this author's range is still being compared (so what the peer holds of it is not known yet). */
    unsettled(author: string): boolean {
      if (!begun) return true;
      if (open.size === 0) return false;
      for (let length = 0; length <= author.length; length++) if (open.has(author.slice(0, length))) return true;
      return false;
    },

    /** Queries waiting for a reply (the shell times these out). */
    outstanding(): number {
      return inFlight.length;
    },

    done(): boolean {
      return begun && queued.length === 0 && inFlight.length === 0;
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
