import { createHash } from 'node:crypto';
import fc from 'fast-check';

/**
 * An independent implementation of the invite format, written from the specification (bit strings,
 * not shifts), to check the codec against and to make codes with a valid checksum but bad content;
 * and the keys, addresses and arbitraries the invite and team tests share.
 */

export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_PATTERN = /^BAKEN1-(?:[0-9A-HJKMNP-TV-Z]{5}-)*[0-9A-HJKMNP-TV-Z]{1,5}$/;
export const utf8 = (text: string) => new TextEncoder().encode(text);
export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

export function referencePayload(key: Uint8Array, name: Uint8Array, addresses: Uint8Array[], version = 1): Uint8Array {
  const parts = [Buffer.of(version), Buffer.from(key), Buffer.of(name.length), Buffer.from(name), Buffer.of(addresses.length)];
  for (const a of addresses) parts.push(Buffer.of(a.length), Buffer.from(a));
  return Buffer.concat(parts);
}

export function referenceCode(payload: Uint8Array): string {
  const all = Buffer.concat([payload, sha256(payload).subarray(0, 4)]);
  let bits = [...all].map((b) => b.toString(2).padStart(8, '0')).join('');
  bits = bits.padEnd(Math.ceil(bits.length / 5) * 5, '0');
  const chars = bits.match(/.{5}/g)!.map((chunk) => ALPHABET[parseInt(chunk, 2)]).join('');
  return 'BAKEN1-' + chars.match(/.{1,5}/g)!.join('-');
}

export function referenceTeamId(key: Uint8Array): string {
  return sha256(Buffer.concat([Buffer.from('baken/team/v1', 'utf8'), key])).subarray(0, 8).toString('hex');
}

export const KEY_A = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256);
export const KEY_B = Uint8Array.from({ length: 32 }, (_, i) => (i * 53 + 200) % 256);
export const EIGHT_ADDRESSES = [
  '/ip4/192.168.1.20/tcp/4100',
  '/ip6/::1/tcp/4100',
  '/dns4/x.local/tcp/1',
  '/ip4/10.0.0.7/tcp/4100/p2p/12D3KooWGzBsSDpAR7YF9xuGc9xvuhsPh6KqCKjQqfWnWuvG5M9u',
  '/ip6/fe80::1c2b:3ff:fe4d:5e6f/tcp/65535',
  '/dns4/laptop-ho-3.veiligheidsregio-utrecht.local/tcp/4100',
  '/ip4/172.16.254.1/tcp/1',
  '/dns6/coordinatie.example/tcp/443',
];

export const nameArb = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
    fc
      .array(
        fc.constantFrom('Crisisteam', 'Veiligheidsregio', 'Utrecht', 'coördinatie', "'s-Hertogenbosch", 'IJmuiden', 'Zuid-Holland', 'ĳ', 'café', 'Groß', '🚒', '👩‍🚒', '🇳🇱', '🔥', '—', 'ë'.repeat(20)),
        { minLength: 1, maxLength: 14 },
      )
      .map((words) => words.join(' ')),
  )
  .filter((name) => {
    const trimmed = name.trim();
    const chars = [...trimmed].length;
    return chars >= 1 && chars <= 80 && !/\p{Cc}/u.test(trimmed);
  });

const port = fc.integer({ min: 1, max: 65535 });
export const addressArb = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), port).map(([a, b, c, d, p]) => `/ip4/${a}.${b}.${c}.${d}/tcp/${p}`),
  port.map((p) => `/ip6/::1/tcp/${p}`),
  fc.constantFrom('/ip4/192.168.1.20/tcp/4100', '/ip6/::1/tcp/4100', '/dns4/x.local/tcp/1', ...EIGHT_ADDRESSES),
  fc.tuple(fc.domain(), port).map(([host, p]) => `/dns4/${host}/tcp/${p}`).filter((a) => utf8(a).length <= 100),
);
export const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** Any text, alphabet soup behind the prefix, and random or structured content behind a correct checksum. */
export const anyInviteInput = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...ALPHABET, '-', ' ', 'o', 'i', 'l', 'u'), maxLength: 400 }).map((s) => 'BAKEN1-' + s),
  fc.uint8Array({ minLength: 0, maxLength: 600 }).map((bytes) => referenceCode(bytes)),
  fc
    .tuple(keyArb, fc.uint8Array({ maxLength: 70 }), fc.array(fc.uint8Array({ maxLength: 110 }), { maxLength: 10 }), fc.uint8Array({ maxLength: 3 }))
    .map(([key, nameBytes, addresses, tail]) => referenceCode(Buffer.concat([referencePayload(key, nameBytes, addresses), tail]))),
);
