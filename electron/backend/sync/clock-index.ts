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
}

const MOD = 1n << 256n;
const HEX = '0123456789abcdef';
const utf8 = new TextEncoder();

export function buildClockIndex(heads: ReadonlyMap<string, AuthorHead>, sha256: (bytes: Uint8Array) => Uint8Array): ClockIndex {
  const authors = [...heads.keys()].sort();
  const values = authors.map((a) => heads.get(a)!);
  const sums: bigint[] = new Array<bigint>(authors.length + 1);
  sums[0] = 0n;
  for (let i = 0; i < authors.length; i++) {
    const { seq, head, extra } = values[i]!;
    const digest = BigInt(`0x${toHex(sha256(utf8.encode(`${authors[i]} ${seq} ${head} ${extra ?? 0}`)))}`);
    sums[i + 1] = (sums[i]! + digest) % MOD;
  }

  /** Index of the first author ≥ key. */
  const lowerBound = (key: string): number => {
    let lo = 0;
    let hi = authors.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (authors[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const bounds = (prefix: string): [number, number] => {
    const after = successor(prefix);
    return [lowerBound(prefix), after === null ? authors.length : lowerBound(after)];
  };
  const fingerprint = (lo: number, hi: number): string => {
    const sum = (sums[hi]! - sums[lo]! + MOD) % MOD;
    const bytes = new Uint8Array(40);
    const sumHex = sum.toString(16).padStart(64, '0');
    for (let i = 0; i < 32; i++) bytes[i] = parseInt(sumHex.slice(i * 2, i * 2 + 2), 16);
    new DataView(bytes.buffer).setBigUint64(32, BigInt(hi - lo));
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
      for (const digit of HEX) {
        const child = prefix + digit;
        const [clo, chi] = bounds(child);
        if (chi > clo) children.push({ prefix: child, authors: chi - clo, fp: fingerprint(clo, chi) });
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
  };
}

/** The smallest key that does not start with `prefix` and sorts after it; null when there is none ('', 'fff…'). */
export function successor(prefix: string): string | null {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 'f') end--;
  if (end === 0) return null;
  return prefix.slice(0, end - 1) + HEX[HEX.indexOf(prefix[end - 1]!) + 1]!;
}

/** Whether `author` lies in the range `prefix` names. */
export function inRange(author: string, prefix: string): boolean {
  return author.startsWith(prefix);
}
