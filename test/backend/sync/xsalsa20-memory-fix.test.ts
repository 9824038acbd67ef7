import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { applyXsalsa20MemoryFix } from '../../../electron/backend/sync/xsalsa20-memory-fix.js';

type Cipher = { update(input: Uint8Array): Uint8Array; _xor: { _memory: Uint8Array } };
const xsalsa20 = createRequire(import.meta.url)('xsalsa20') as (nonce: Uint8Array, key: Uint8Array) => Cipher;

/** The pattern seen under pnet: one connection grows the shared memory, others keep updating with small chunks. */
function pingPong(rounds: number): number {
  const a = xsalsa20(new Uint8Array(24).fill(1), new Uint8Array(32).fill(2));
  const b = xsalsa20(new Uint8Array(24).fill(3), new Uint8Array(32).fill(4));
  a.update(new Uint8Array(a._xor._memory.byteLength + 200_000));
  for (let i = 0; i < rounds; i++) {
    b.update(new Uint8Array(900));
    a.update(new Uint8Array(66_000));
  }
  return Math.max(a._xor._memory.byteLength, b._xor._memory.byteLength);
}

describe('xsalsa20 shared-memory fix (pnet cipher)', () => {
  it('keeps the shared WebAssembly memory from ratcheting up across instances', () => {
    expect(applyXsalsa20MemoryFix()).toBe(true);
    expect(pingPong(3000)).toBeLessThan(4 * 1024 * 1024);
  });

  it('still encrypts like the unpatched cipher (XSalsa20 is its own inverse)', () => {
    applyXsalsa20MemoryFix();
    const key = new Uint8Array(32).fill(7);
    const nonce = new Uint8Array(24).fill(9);
    const plain = new TextEncoder().encode('Coördinatie café: '.repeat(5000));
    const sealed = xsalsa20(nonce, key).update(plain);
    expect(Buffer.from(sealed).equals(Buffer.from(plain))).toBe(false);
    const opener = xsalsa20(nonce, key);
    // Decrypt in uneven pieces, with another instance growing the memory in between.
    const other = xsalsa20(new Uint8Array(24), new Uint8Array(32));
    const out: number[] = [];
    for (let at = 0; at < sealed.length; at += 7777) {
      out.push(...opener.update(sealed.subarray(at, at + 7777)));
      other.update(new Uint8Array(100_000 + at));
    }
    expect(Buffer.from(out).equals(Buffer.from(plain))).toBe(true);
  });
});
