import { readFileSync } from 'node:fs';

/**
 * Bytes this process has handed to write() so far (Linux /proc/self/io), null elsewhere. Unlike
 * timings it does not depend on what else the machine is doing, so it shows write amplification.
 */
export function bytesWritten(): number | null {
  try {
    const match = /^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Measures the bytes written while `run` executes (null where the OS does not say). */
export function countWrites<T>(run: () => T): { result: T; bytes: number | null } {
  const before = bytesWritten();
  const result = run();
  const after = bytesWritten();
  return { result, bytes: before === null || after === null ? null : after - before };
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'n/a';
  return bytes >= 10 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${Math.round(bytes)} B`;
}
