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
  if (bytes >= 10 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return bytes >= 10 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${Math.round(bytes)} B`;
}

/**
 * CPU seconds (user + system, every thread) another process has used so far, from Linux
 * /proc/<pid>/stat; null elsewhere or once it has exited. Clock ticks are 100 per second on Linux.
 */
export function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system, every thread) this process has used so far. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
