import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The SQLite side files (WAL, shared memory, rollback journal) that exist next to a database. */
export function sqliteSideFiles(dbFile: string): string[] {
  return ['-wal', '-shm', '-journal'].map((suffix) => dbFile + suffix).filter((f) => existsSync(f));
}

/** Overwrites `length` bytes at `offset` with a fixed, non-zero pattern (deterministic damage). */
export function overwriteBytes(file: string, offset: number, length: number, fill = 0xa5): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(length, fill), 0, length, offset);
  } finally {
    closeSync(fd);
  }
}

/** Runs `fn` and returns what it threw (or resolves to undefined when it did not throw). */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
