import { z } from 'zod';
import { method } from './method.js';

/**
 * Files that cross between a window and the backend in pieces: a sync file the window offers as a
 * download, or one a person picks from a USB stick. A browser window (the headless host) cannot hand
 * the backend a path, and a file of 100k entries is far larger than one message may be, so the
 * contract moves it in chunks. The backend streams a received file to disk as it comes.
 */

/** Raw bytes per chunk: base64 makes it 1.4 MB, well inside one WebSocket frame (WIRE_MAX_FRAME_BYTES). */
export const TRANSFER_CHUNK_BYTES = 1024 * 1024;
/** The largest file a window may send: a sync file of several million entries. */
export const TRANSFER_MAX_BYTES = 4 * 1024 ** 3;

export const transferId = z.string().regex(/^[0-9a-f]{16}$/, 'is not a transfer id this backend gave out');
const offset = z.number().int('must be a whole number').min(0, 'must not be negative');
const chunk = z.base64('must be base64').max(Math.ceil(TRANSFER_CHUNK_BYTES / 3) * 4, `must be at most ${TRANSFER_CHUNK_BYTES} bytes`);

export const transfersArea = {
  /** A file the window is about to send: its name (for messages) and exact size. */
  'transfer.start': method(
    z.strictObject({
      name: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
      bytes: z.number().int('must be a whole number').min(1, 'the file is empty').max(TRANSFER_MAX_BYTES, `must be at most ${TRANSFER_MAX_BYTES} bytes`),
    }),
  ).returns<TransferView>(),
  /** The next piece, in order: `offset` is where it starts and must be what the backend has received so far. */
  'transfer.append': method(z.strictObject({ transfer: transferId, offset, data: chunk })).returns<TransferView>(),
  /** A piece of a file the backend prepared (bundle.prepare): base64, at most TRANSFER_CHUNK_BYTES. */
  'transfer.read': method(
    z.strictObject({ transfer: transferId, offset, length: z.number().int().min(1).max(TRANSFER_CHUNK_BYTES, `must be at most ${TRANSFER_CHUNK_BYTES}`) }),
  ).returns<TransferChunk>(),
  /** Drops a transfer and its file (when done, or given up). Idle transfers are dropped after TRANSFER_IDLE_MS anyway. */
  'transfer.discard': method(z.strictObject({ transfer: transferId })).returns<{ discarded: boolean }>(),
};

/** A transfer left untouched this long is dropped with its file. */
export const TRANSFER_IDLE_MS = 30 * 60 * 1000;

export interface TransferView {
  transfer: string;
  /** The whole file's size. */
  bytes: number;
  /** How much of it the backend has (received, or prepared). */
  received: number;
}

export interface TransferChunk {
  data: string;
  /** Raw bytes in `data` (fewer than asked at the end of the file). */
  bytes: number;
  /** Whether this chunk reaches the end of the file. */
  end: boolean;
}
