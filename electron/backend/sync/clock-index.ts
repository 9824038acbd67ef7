import { toHex } from '../../../shared/domain/hex.js';
import type { AuthorHead } from '../replica/replica.js';
import type { ClockPart } from './protocol.js';

/**
 * A device's clock (author → head) sorted by author key, with running sums of per-author digests,
 * so the fingerprint of any range of authors costs two binary searches and one hash. Two devices
 * compare their clocks range by range (docs/PROTOCOL.md §4): equal fingerprints, equal heads; only
 * ranges that differ are split further or listed. Author keys are Ed25519 public keys, so ranges by
 * key prefix split a clock evenly; a teammate who grinds keys into one prefix only makes that branch
 * deeper, never a frame larger.
 *
 * A fingerprint is the first 16 bytes of SHA-256(Σ digests mod 2^256 as 32 bytes big-endian ‖
 * count as 8 bytes big-endian), each digest SHA-256 of "author seq head extra" read as a 256-bit
 * number: a sum (not XOR) so that a set of authors cannot be chosen to cancel another out cheaply
 * (the construction Negentropy uses).
 *
 * An index never changes once built: a session compares against the clock as it was at its hello.
 * `withChanges` makes the next one, hashing only the authors whose heads changed.
 */
export interface ClockIndex {
  /** Authors in the clock. */
  readonly size: number;
  /** The range's size and fingerprint. */
  summary(prefix: string): { authors: number; fp: string };
  /** What a `clock-reply` says of a range: every head when it is small, else its non-empty sub-ranges' summaries. */
  part(prefix: string, maxHeads: number): ClockPart;
  /** The authors of a range, in key order, with their heads. */
  range(prefix: string): Array<[string, AuthorHead]>;
  /** One author's head, if held. */
  head(author: string): AuthorHead | undefined;
  /** The index of this clock with some authors' heads changed (undefined: no longer held). */
  withChanges(changes: ReadonlyMap<string, AuthorHead | undefined>): ClockIndex;
}

type Sha256 = (bytes: Uint8Array) => Uint8Array;

const HEX = '0123456789abcdef';
const utf8 = new TextEncoder();
/** A 256-bit number as eight 32-bit limbs, most significant first (BigInt arithmetic was the slow part). */
const LIMBS = 8;

export function buildClockIndex(heads: ReadonlyMap<string, AuthorHead>, sha256: Sha256): ClockIndex {
  const authors = [...heads.keys()];
  // The store lists authors in key order already; sorting only when they are not saves a tenth of a build.
  if (!isSorted(authors)) authors.sort();
  const values = authors.map((a) => heads.get(a)!);
  const digests = new Uint32Array(authors.length * LIMBS);
  for (let i = 0; i < authors.length; i++) digests.set(itemDigest(authors[i]!, values[i]!, sha256), i * LIMBS);
  return indexOf(authors, values, digests, sha256);
}

function itemDigest(author: string, { seq, head, extra }: AuthorHead, sha256: Sha256): Uint32Array {
  const digest = sha256(utf8.encode(`${author} ${seq} ${head} ${extra ?? 0}`));
  const view = new DataView(digest.buffer, digest.byteOffset, 32);
  const limbs = new Uint32Array(LIMBS);
  for (let limb = 0; limb < LIMBS; limb++) limbs[limb] = view.getUint32(limb * 4);
  return limbs;
}

function indexOf(authors: string[], values: AuthorHead[], digests: Uint32Array, sha256: Sha256): ClockIndex {
  // sums[i] = Σ digests of authors[0..i) mod 2^256.
  const sums = new Uint32Array((authors.length + 1) * LIMBS);
  for (let i = 0; i < authors.length; i++) {
    let carry = 0;
    for (let limb = LIMBS - 1; limb >= 0; limb--) {
      const total = sums[i * LIMBS + limb]! + digests[i * LIMBS + limb]! + carry;
      sums[(i + 1) * LIMBS + limb] = total >>> 0;
      carry = total > 0xffffffff ? 1 : 0;
    }
  }

  /** Index of the first author ≥ key. */
  const lowerBound = (key: string, lo = 0, hi = authors.length): number => {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (authors[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const bounds = (prefix: string): [number, number] => {
    const after = successor(prefix);
    const lo = lowerBound(prefix);
    return [lo, after === null ? authors.length : lowerBound(after, lo)];
  };
  const fingerprint = (lo: number, hi: number): string => {
    // Σ over [lo, hi) = sums[hi] − sums[lo] mod 2^256, then SHA-256 of it and the count.
    const bytes = new Uint8Array(40);
    const view = new DataView(bytes.buffer);
    let borrow = 0;
    for (let limb = LIMBS - 1; limb >= 0; limb--) {
      let diff = sums[hi * LIMBS + limb]! - sums[lo * LIMBS + limb]! - borrow;
      borrow = diff < 0 ? 1 : 0;
      if (diff < 0) diff += 0x100000000;
      view.setUint32(limb * 4, diff);
    }
    view.setBigUint64(32, BigInt(hi - lo));
    return toHex(sha256(bytes).subarray(0, 16));
  };

  return {
    size: authors.length,
    summary(prefix) {
      const [lo, hi] = bounds(prefix);
      return { authors: hi - lo, fp: fingerprint(lo, hi) };
    },
    part(prefix, maxHeads) {
      const [lo, hi] = bounds(prefix);
      // A full 64-digit key is one author at most: never split further.
      if (hi - lo <= maxHeads || prefix.length >= 64) {
        const listed: Record<string, AuthorHead> = {};
        for (let i = lo; i < hi; i++) listed[authors[i]!] = values[i]!;
        return { prefix, heads: listed };
      }
      const children: { prefix: string; authors: number; fp: string }[] = [];
      let start = lo;
      for (const digit of HEX) {
        const end = digit === 'f' ? hi : lowerBound(prefix + HEX[HEX.indexOf(digit) + 1]!, start, hi);
        if (end > start) children.push({ prefix: prefix + digit, authors: end - start, fp: fingerprint(start, end) });
        start = end;
      }
      return { prefix, children };
    },
    range(prefix) {
      const [lo, hi] = bounds(prefix);
      const out: Array<[string, AuthorHead]> = [];
      for (let i = lo; i < hi; i++) out.push([authors[i]!, values[i]!]);
      return out;
    },
    head(author) {
      const i = lowerBound(author);
      return authors[i] === author ? values[i] : undefined;
    },
    withChanges(changes) {
      if (changes.size === 0) return this;
      const changed = [...changes.keys()].sort();
      const nextAuthors: string[] = [];
      const nextValues: AuthorHead[] = [];
      const nextDigests = new Uint32Array((authors.length + changed.length) * LIMBS);
      let i = 0;
      /** Copies the unchanged authors before `end` in one piece (per-author copies were most of the cost). */
      const keepUntil = (end: number) => {
        if (end <= i) return;
        nextDigests.set(digests.subarray(i * LIMBS, end * LIMBS), nextAuthors.length * LIMBS);
        for (let k = i; k < end; k++) {
          nextAuthors.push(authors[k]!);
          nextValues.push(values[k]!);
        }
        i = end;
      };
      // Merge the sorted authors with the sorted changes; a changed author replaces its old entry.
      for (const author of changed) {
        keepUntil(lowerBound(author, i));
        if (authors[i] === author) i++;
        const head = changes.get(author);
        if (!head) continue;
        nextDigests.set(itemDigest(author, head, sha256), nextAuthors.length * LIMBS);
        nextAuthors.push(author);
        nextValues.push(head);
      }
      keepUntil(authors.length);
      return indexOf(nextAuthors, nextValues, nextDigests.slice(0, nextAuthors.length * LIMBS), sha256);
    },
  };
}

/** The smallest key that does not start with `prefix` and sorts after it; null when there is none ('', 'fff…'). */
export function successor(prefix: string): string | null {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 'f') end--;
  if (end === 0) return null;
  return prefix.slice(0, end - 1) + HEX[HEX.indexOf(prefix[end - 1]!) + 1]!;
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}
