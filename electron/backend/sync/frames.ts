import type { Stream } from '@libp2p/interface';
import { byteStream } from '@libp2p/utils';
import type { Clock } from '../clock.js';
import { ProtocolError } from './protocol.js';

/**
 * Unsigned-varint length-prefixed frames over a libp2p stream (docs/PROTOCOL.md §2), written by hand
 * rather than with lpStream because a sync stream must tell an idle peer (fine: live sync waits for
 * hours) from one that stopped halfway through a frame (not fine: it would hold the stream forever).
 * The deadline starts with a frame's first byte. Unread bytes are bounded by `bufferBytes`, which the
 * protocol's flow control keeps a compliant peer under.
 */
export interface FrameIo {
  /** The next frame's payload; null when the peer closed the stream cleanly between frames. */
  read(): Promise<Uint8Array | null>;
  /** Writes one frame (prefix and payload), waiting while the stream asks to drain. */
  write(payload: Uint8Array): Promise<void>;
}

export function createFrameIo(stream: Stream, options: { maxFrameBytes: number; bufferBytes: number; frameTimeoutMs: number; clock: Clock }): FrameIo {
  const bytes = byteStream(stream, { maxBufferSize: options.bufferBytes });
  const prefixLimit = varintLength(options.maxFrameBytes);

  const readByte = async (signal?: AbortSignal): Promise<number> => (await bytes.read({ bytes: 1, signal })).get(0);

  return {
    async read() {
      let first: number;
      try {
        first = await readByte();
      } catch (error) {
        if (isEof(error)) return null;
        throw translate(error, options);
      }
      const controller = new AbortController();
      const cancel = options.clock.after(options.frameTimeoutMs, () => controller.abort(new DOMException('frame timeout', 'TimeoutError')));
      try {
        let length = first & 0x7f;
        let shift = 7;
        let byte = first;
        let used = 1;
        while (byte & 0x80) {
          if (used >= prefixLimit) throw new ProtocolError('frame-too-large', `frame length prefix longer than ${prefixLimit} bytes`);
          byte = await readByte(controller.signal);
          length += (byte & 0x7f) * 2 ** shift;
          shift += 7;
          used++;
        }
        if (length > options.maxFrameBytes) throw new ProtocolError('frame-too-large', `frame larger than ${options.maxFrameBytes} bytes`);
        if (length === 0) return new Uint8Array(0);
        return (await bytes.read({ bytes: length, signal: controller.signal })).subarray();
      } catch (error) {
        if (error instanceof ProtocolError) throw error;
        if (controller.signal.aborted) throw new ProtocolError('timeout', `a frame stopped arriving halfway (not complete within ${Math.round(options.frameTimeoutMs / 1000)} s)`);
        throw translate(error, options);
      } finally {
        cancel();
      }
    },
    async write(payload) {
      await bytes.write(concat(encodeVarint(payload.length), payload));
    },
  };
}

/** The receive buffer overflowed: the peer sent more than the protocol's window allows. */
function translate(error: unknown, options: { bufferBytes: number }): Error {
  if ((error as Error)?.name === 'StreamBufferError') return new ProtocolError('flow-control', `the peer sent more than ${options.bufferBytes} bytes ahead of what was read (beyond the protocol's window)`);
  return error as Error;
}

function isEof(error: unknown): boolean {
  return (error as Error)?.name === 'UnexpectedEOFError' && /reading 0\/1 bytes/.test((error as Error).message);
}

export function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

export function varintLength(value: number): number {
  let length = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) length++;
  return length;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
