import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { BakenError } from '../../../shared/contract/errors.js';
import { TRANSFER_IDLE_MS } from '../../../shared/contract/transfers.js';
import type { Clock } from '../clock.js';
import { writeFileAtomicStream, type FileSink } from '../files/atomic-write.js';
import { storageError } from '../errors.js';
import type { Part } from '../lifecycle.js';

/**
 * Files moving between a window and the backend in pieces (see shared/contract/transfers.ts), kept
 * in one folder of the data directory. A received file is streamed through the atomic writer as its
 * pieces arrive, so a 500 MB sync file never sits in memory and appears under its name only whole.
 */
export interface TransferStore extends Part {
  /** A file the window will send, of exactly `bytes`. */
  receive(name: string, bytes: number): Progress;
  /** The next piece of a received file; refuses a piece out of order or past the declared size. */
  append(id: string, offset: number, piece: Uint8Array): Promise<Progress>;
  /** Runs `use` on a whole received file, then drops it. */
  useReceived<T>(id: string, use: (file: string, name: string) => Promise<T>): Promise<T>;
  /** Makes a file for the window to read: `write` writes it (atomically) at the path it is given. */
  prepare<T>(write: (file: string) => Promise<T>): Promise<{ id: string; bytes: number; result: T }>;
  read(id: string, offset: number, length: number): Promise<{ bytes: Uint8Array; end: boolean }>;
  discard(id: string): Promise<boolean>;
}

export interface Progress {
  id: string;
  bytes: number;
  received: number;
}

interface Incoming {
  direction: 'in';
  name: string;
  bytes: number;
  received: number;
  lastUsed: number;
  /** The atomic write in progress; settles when the last piece is in (or the transfer is dropped). */
  written: Promise<number>;
  sink: Promise<FileSink>;
  /** Pieces are written one after another, in the order they were accepted. */
  queue: Promise<void>;
  finish(): void;
  abandon(reason: Error): void;
  file: string;
}

interface Outgoing {
  direction: 'out';
  bytes: number;
  lastUsed: number;
  file: string;
}

/** More open transfers than a person could be running at once means a window is leaking them. */
const MAX_OPEN = 8;
const SWEEP_EVERY_MS = 60 * 1000;

export function createTransferStore({ dir, clock }: { dir: string; clock: Pick<Clock, 'now' | 'every'> }): TransferStore {
  const open_ = new Map<string, Incoming | Outgoing>();
  let stopSweep: (() => void) | null = null;

  const find = (id: string): Incoming | Outgoing => {
    const transfer = open_.get(id);
    if (!transfer) throw new BakenError('not-found', 'that file transfer is not open (it finished, was given up, or was idle for 30 minutes); start it again', { field: 'transfer' });
    transfer.lastUsed = clock.now();
    return transfer;
  };
  const room = () => {
    if (open_.size >= MAX_OPEN) throw new BakenError('conflict', `${MAX_OPEN} file transfers are open already; finish or cancel one first`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return randomBytes(8).toString('hex');
  };
  const drop = async (id: string): Promise<boolean> => {
    const transfer = open_.get(id);
    if (!transfer) return false;
    open_.delete(id);
    if (transfer.direction === 'in') {
      transfer.abandon(new BakenError('conflict', 'the file transfer was given up'));
      await transfer.written.catch(() => undefined);
    }
    rmSync(transfer.file, { force: true });
    return true;
  };

  return {
    name: 'file transfers',
    start() {
      // Pieces of files from before a crash or restart: nobody can finish them now.
      rmSync(dir, { recursive: true, force: true });
      stopSweep = clock.every(SWEEP_EVERY_MS, () => {
        const now = clock.now();
        for (const [id, transfer] of open_) if (now - transfer.lastUsed > TRANSFER_IDLE_MS) void drop(id);
      });
    },
    async stop() {
      stopSweep?.();
      stopSweep = null;
      await Promise.all([...open_.keys()].map(drop));
    },

    receive(name, bytes) {
      const id = room();
      const file = join(dir, `${id}.received`);
      let giveSink!: (sink: FileSink) => void;
      const sink = new Promise<FileSink>((resolve) => (giveSink = resolve));
      let finish!: () => void;
      let abandon!: (reason: Error) => void;
      const complete = new Promise<void>((resolve, reject) => {
        finish = resolve;
        abandon = reject;
      });
      const written = writeFileAtomicStream(file, async (s) => {
        giveSink(s);
        await complete;
      }, { doing: `receiving ${name}` });
      // Seen when the transfer is used or dropped; never an unhandled rejection meanwhile.
      written.catch(() => undefined);
      open_.set(id, { direction: 'in', name, bytes, received: 0, lastUsed: clock.now(), written, sink, queue: Promise.resolve(), finish, abandon, file });
      return { id, bytes, received: 0 };
    },

    async append(id, offset, piece) {
      const transfer = find(id);
      if (transfer.direction !== 'in') throw new BakenError('invalid-input', 'that transfer is a file to read, not one to send', { field: 'transfer' });
      if (offset !== transfer.received) {
        throw new BakenError('conflict', `this piece starts at byte ${offset}, but ${transfer.received} bytes have arrived so far; send from byte ${transfer.received}`, { field: 'offset' });
      }
      if (transfer.received + piece.length > transfer.bytes) {
        throw new BakenError('invalid-input', `the file is longer than the ${transfer.bytes} bytes announced; nothing more was taken`, { field: 'data' });
      }
      transfer.received += piece.length;
      const stored = transfer.queue.then(async () => {
        // A failed write (a full disk) ends in `written`; racing it keeps this piece from waiting forever.
        const sink = await Promise.race([transfer.sink, transfer.written.then(() => null)]);
        if (sink) await sink.pushBytes(piece);
      });
      transfer.queue = stored.catch(() => undefined);
      try {
        await Promise.race([stored, transfer.written]);
        if (transfer.received === transfer.bytes) {
          transfer.finish();
          await transfer.written;
        }
      } catch (error) {
        // A piece that could not be stored ends the transfer: the file would have a hole.
        await drop(id);
        throw storageError(error, `receiving ${transfer.name}`, { path: transfer.file });
      }
      return { id, bytes: transfer.bytes, received: transfer.received };
    },

    async useReceived(id, use) {
      const transfer = find(id);
      if (transfer.direction !== 'in') throw new BakenError('invalid-input', 'that transfer is a file to read, not one that was sent', { field: 'transfer' });
      if (transfer.received < transfer.bytes) {
        throw new BakenError('conflict', `only ${transfer.received} of ${transfer.bytes} bytes of ${transfer.name} have arrived; send the rest first`, { field: 'transfer' });
      }
      await transfer.written;
      try {
        return await use(transfer.file, transfer.name);
      } finally {
        await drop(id);
      }
    },

    async prepare(write) {
      const id = room();
      const file = join(dir, `${id}.prepared`);
      const result = await write(file);
      const handle = await open(file, 'r');
      try {
        const { size } = await handle.stat();
        open_.set(id, { direction: 'out', bytes: size, lastUsed: clock.now(), file });
        return { id, bytes: size, result };
      } finally {
        await handle.close();
      }
    },

    async read(id, offset, length) {
      const transfer = find(id);
      if (transfer.direction !== 'out') throw new BakenError('invalid-input', 'that transfer is a file being sent, not one to read', { field: 'transfer' });
      if (offset > transfer.bytes) throw new BakenError('invalid-input', `the file has ${transfer.bytes} bytes; byte ${offset} is past its end`, { field: 'offset' });
      const want = Math.min(length, transfer.bytes - offset);
      const bytes = new Uint8Array(want);
      const handle = await open(transfer.file, 'r');
      try {
        for (let got = 0; got < want; ) {
          const { bytesRead } = await handle.read(bytes, got, want - got, offset + got);
          if (bytesRead === 0) throw new BakenError('storage', 'the prepared file became shorter while it was read; prepare it again');
          got += bytesRead;
        }
      } finally {
        await handle.close();
      }
      return { bytes, end: offset + want === transfer.bytes };
    },

    discard: drop,
  };
}
