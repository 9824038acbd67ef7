import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/** A fresh directory under the OS temp dir; everything made here is removed by removeTempDirs(). */
export function makeTempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `baken-bench-${label}-`));
  made.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}

export function removeTempDirs(): void {
  for (const dir of made) removeTempDir(dir);
}

// A 1M-entry database is a gigabyte: do not leave it behind when a run is interrupted or fails.
process.once('exit', removeTempDirs);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    removeTempDirs();
    process.exit(130);
  });
}
