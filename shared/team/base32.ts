/**
 * Crockford's base32 alphabet: no I, L, O or U, so what is read aloud or copied by hand cannot be
 * confused (I and L read as 1, O as 0). Its optional check symbol is not used: an invite code
 * carries a stronger checksum of its own.
 */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const ALPHABET_INDEX = new Map([...CROCKFORD_ALPHABET].map((ch, i) => [ch, i]));

/** Big-endian, five bits a character; the last character is padded with zero bits. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += CROCKFORD_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * The bytes of upper-case base32 text, or null. Strict: the unused low bits of the last character
 * must be zero and no character may be left over, so every byte string has one spelling.
 */
export function base32Decode(text: string): Uint8Array | null {
  if (((text.length * 5) % 8) >= 5) return null;
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (const ch of text) {
    const value = ALPHABET_INDEX.get(ch);
    if (value === undefined) return null;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[n++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}
