import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { storageError } from '../errors.js';

/**
 * Every file Baken writes goes through here: written in full to a temporary file in the same folder,
 * flushed, then renamed (or linked) into place and the folder flushed. A crash, a full disk or a
 * yanked USB stick leaves the old file or the new one under the final name, never half of either,
 * and no temporary file behind when the failure is seen.
 */
export interface AtomicWriteOptions {
  /** What the write is for, as the error message says it ("writing the team file"). */
  doing: string;
  /** Permission bits of a new file (default 0600: most of what Baken writes is private). */
  mode?: number;
  /**
   * The temporary file's exact name, for writes a person may see on a USB stick (`out.partial`): a
   * stale one from an earlier yanked stick is replaced. Default: a unique hidden name beside the target.
   */
  partialFile?: string;
  /**
   * False only for files that are rewritten every second and mean nothing after a crash (the live
   * status file): still atomic for readers, but not flushed to the disk.
   */
  durable?: boolean;
}

/** Replaces (or creates) `path` with exactly `data`. */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions): void {
  const durable = options.durable ?? true;
  const temp = options.partialFile ?? uniqueTemp(path);
  try {
    writeTemp(temp, bytesOf(data), options.mode ?? 0o600, durable, options.partialFile === undefined);
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    throw storageError(error, options.doing, { path });
  }
  if (durable) syncFolder(dirname(path));
}

/**
 * Creates `path` with exactly `data` unless it exists; false when it does (nothing written). Two
 * processes racing cannot both create it, and `path` never exists half written: the data is flushed
 * in a private temporary file first and then hard-linked into place (link fails when the target
 * exists, like O_EXCL). Where link() is not supported (FAT and exFAT USB sticks) the file itself is
 * created with O_EXCL.
 */
export function createFileExclusive(path: string, data: string | Uint8Array, options: Omit<AtomicWriteOptions, 'partialFile' | 'durable'>): boolean {
  const bytes = bytesOf(data);
  const mode = options.mode ?? 0o600;
  const temp = uniqueTemp(path);
  let created = false;
  try {
    writeTemp(temp, bytes, mode, true, true);
    try {
      linkSync(temp, path);
      created = true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') return false;
      if (!LINK_UNSUPPORTED.has(code)) throw error;
      try {
        writeTemp(path, bytes, mode, true, true);
        created = true;
      } catch (direct) {
        if ((direct as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw direct;
      }
    }
    removeQuietly(temp);
    syncFolder(dirname(path), { strict: true });
    return true;
  } catch (error) {
    if (created) removeQuietly(path);
    throw storageError(error, options.doing, { path });
  } finally {
    removeQuietly(temp);
  }
}

/** Where a streamed write puts its text; chunks are buffered and written in large pieces. */
export interface FileSink {
  push(text: string): Promise<void>;
  /** Writes bytes as they are (after what is buffered): a file received in pieces, whose chunk edges may split a character. */
  pushBytes(bytes: Uint8Array): Promise<void>;
  /** Writes out what is buffered. */
  drain(): Promise<void>;
  /** Sees every chunk of bytes as it is written (to hash what was written). */
  onChunk: ((bytes: Buffer) => void) | null;
}

const WRITE_CHUNK_BYTES = 256 * 1024;

/** Streams a large file (a bundle) the same way: returns the bytes written. */
export async function writeFileAtomicStream(path: string, write: (sink: FileSink) => Promise<void>, options: Omit<AtomicWriteOptions, 'durable'>): Promise<number> {
  const temp = options.partialFile ?? uniqueTemp(path);
  let handle: FileHandle | null = null;
  let bytes = 0;
  try {
    handle = await open(temp, options.partialFile === undefined ? 'wx' : 'w', options.mode ?? 0o600);
    const fh = handle;
    let buffered: string[] = [];
    let size = 0;
    const writeOut = async (chunk: Uint8Array) => {
      sink.onChunk?.(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      for (let offset = 0; offset < chunk.length; ) offset += (await fh.write(chunk, offset, chunk.length - offset)).bytesWritten;
      bytes += chunk.length;
    };
    const sink: FileSink = {
      onChunk: null,
      async drain() {
        if (buffered.length === 0) return;
        const chunk = Buffer.from(buffered.join(''), 'utf8');
        buffered = [];
        size = 0;
        await writeOut(chunk);
      },
      async pushBytes(chunk) {
        await sink.drain();
        if (chunk.length > 0) await writeOut(chunk);
      },
      async push(text) {
        buffered.push(text);
        size += text.length;
        if (size >= WRITE_CHUNK_BYTES) await sink.drain();
      },
    };
    await write(sink);
    await sink.drain();
    await fh.sync();
    handle = null;
    await fh.close();
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw storageError(error, options.doing, { path });
  }
  syncFolder(dirname(path));
  return bytes;
}

/** link() is not available on every file system (FAT/exFAT USB sticks): then O_EXCL on the file itself. */
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EINVAL']);

function uniqueTemp(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

function writeTemp(file: string, data: Uint8Array, mode: number, durable: boolean, exclusive: boolean): void {
  const flags = constants.O_WRONLY | constants.O_CREAT | (exclusive ? constants.O_EXCL : constants.O_TRUNC);
  const fd = openSync(file, flags, mode);
  try {
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
    if (durable) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    removeQuietly(file);
    throw error;
  }
  closeSync(fd);
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone, or nothing more can be done
  }
}

/**
 * Makes a rename, link or unlink in `dir` durable. Windows cannot open a folder this way (NTFS's
 * journal covers it), and some file systems refuse to flush a folder: best effort there. `strict`
 * (creating a key) reports any other failure, because a key that vanishes after a crash is worse
 * than an error now.
 */
export function syncFolder(dir: string, { strict = false } = {}): void {
  if (process.platform === 'win32') return;
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (strict && code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR') throw error;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
