import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * Small tmpfs mounts for storage-failure tests (read-only media, a full disk). These tests run as
 * root (chmod does not stop root), so a real read-only or full file system is the only honest way
 * to get EROFS / ENOSPC. When `mount` is not permitted the test fails with the reason: it must
 * never skip silently, CI runs on the same kind of machine.
 *
 * Every mount is unmounted (lazily when still busy) and its mount point removed after each test,
 * even when the test failed; `beforeUnmount` callbacks (closing databases) run first.
 */
export function useTmpfsMounts() {
  const mounted: string[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    const problems: string[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        cleanup();
      } catch (error) {
        problems.push(`cleanup: ${(error as Error).message}`);
      }
    }
    for (const dir of mounted.splice(0).reverse()) {
      if (isMountPoint(dir)) {
        try {
          execFileSync('umount', [dir], { stdio: 'pipe' });
        } catch (error) {
          problems.push(`umount ${dir}: ${stderrOf(error)}`);
          try {
            execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
          } catch (lazyError) {
            problems.push(`umount -l ${dir}: ${stderrOf(lazyError)}`);
          }
        }
      }
      if (!isMountPoint(dir)) rmSync(dir, { recursive: true, force: true });
      else problems.push(`${dir} is still mounted`);
    }
    if (problems.length > 0) throw new Error(`tmpfs cleanup failed: ${problems.join('; ')}`);
  });

  return {
    /** Mounts a fresh tmpfs of `size` (e.g. "1m") on a new temporary directory and returns it. */
    mount(size: string): string {
      const dir = mkdtempSync(join(tmpdir(), 'baken-mnt-'));
      mounted.push(dir);
      run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
      if (!isMountPoint(dir)) throw new Error(`mount reported success but ${dir} is not a mount point`);
      return dir;
    },
    /** Remounts with new options, e.g. "ro", "rw", "size=8m". */
    remount(dir: string, options: string): void {
      run('mount', ['-o', `remount,${options}`, dir]);
    },
    /** Runs before the mounts are taken down (close databases there, or umount is busy). */
    beforeUnmount(cleanup: () => void): void {
      cleanups.push(cleanup);
    },
  };
}

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `${command} ${args.join(' ')} failed: ${stderrOf(error)}. These storage tests need root and permission to mount tmpfs ` +
        '(CI runs them as root); they are not skipped on purpose.',
    );
  }
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr || (error as Error).message;
}

export function isMountPoint(dir: string): boolean {
  const mounts = readFileSync('/proc/self/mounts', 'utf8');
  return mounts.split('\n').some((line) => line.split(' ')[1] === dir);
}
