import { createRequire } from 'node:module';

/**
 * Works around a bug in xsalsa20 1.2 (the cipher under @libp2p/pnet): all instances share one
 * WebAssembly memory, but each caches its own view of it. When one instance grows the memory, the
 * others' views are detached (length 0), and their next update "grows" the memory again by its
 * whole working size. With a few connections this ratchets up until WebAssembly's memory limit
 * and the process dies (seen within seconds of a 100k-entry sync). The fix: before an update, a
 * detached view is replaced by a view of the current memory, so memory grows only when needed.
 */
interface WasmCipher {
  _memory: Uint8Array;
  update(input: Uint8Array, output: Uint8Array): void;
  realloc(size: number): void;
}
type XSalsa20 = (nonce: Uint8Array, key: Uint8Array) => { _xor: WasmCipher | object; finalize(): void };

const PATCHED = Symbol.for('baken.xsalsa20-memory-fix');

export function applyXsalsa20MemoryFix(): boolean {
  const xsalsa20 = createRequire(import.meta.url)('xsalsa20') as XSalsa20;
  const probe = xsalsa20(new Uint8Array(24), new Uint8Array(32));
  const proto = Object.getPrototypeOf(probe._xor) as Partial<WasmCipher> & { [PATCHED]?: boolean };
  const probeMemory = (probe._xor as Partial<WasmCipher>)._memory;
  probe.finalize();
  // The JS fallback (no WebAssembly) has no shared memory and needs nothing.
  if (typeof proto.realloc !== 'function' || typeof proto.update !== 'function') return false;
  if (proto[PATCHED]) return true;
  let current = probeMemory!;
  const realloc = proto.realloc;
  const update = proto.update;
  proto.realloc = function (this: WasmCipher, size: number) {
    realloc.call(this, size);
    current = this._memory;
  };
  proto.update = function (this: WasmCipher, input: Uint8Array, output: Uint8Array) {
    if (this._memory.byteLength === 0 && current.byteLength !== 0) this._memory = new Uint8Array(current.buffer);
    update.call(this, input, output);
    current = this._memory;
  };
  proto[PATCHED] = true;
  return true;
}
