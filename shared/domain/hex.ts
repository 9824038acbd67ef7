/** Lowercase hex of 16, 32 and 64 bytes: incident ids; device keys and entry ids; signatures. */
export const HEX_16_BYTES = /^[0-9a-f]{32}$/;
export const HEX_32_BYTES = /^[0-9a-f]{64}$/;
export const HEX_64_BYTES = /^[0-9a-f]{128}$/;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte];
  return out;
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) throw new Error('not lowercase hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
