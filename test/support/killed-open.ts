import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OPEN_CHILD = fileURLToPath(new URL('./migrate-child.ts', import.meta.url));

/**
 * Opens `file` with openLogDatabase in a child process (test/support/migrate-child.ts), which
 * migrates it and rewrites its pages as needed, and kills the child with SIGKILL as soon as the
 * side file `${file}${suffix}` (the WAL, or the rollback journal of a page-size rewrite) holds more
 * than `threshold` bytes: in the middle of that work. Resolves with how the child ended and the side
 * file's size when it was killed; a child that fails on its own rejects.
 */
export function openAndKillWhenGrown(file: string, suffix: '-wal' | '-journal', threshold: number): Promise<{ signal: NodeJS.Signals | null; bytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', OPEN_CHILD, file], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let bytes = 0;
    let stderr = '';
    const poll = setInterval(() => {
      try {
        bytes = statSync(`${file}${suffix}`).size;
      } catch {
        return; // not created yet
      }
      if (bytes > threshold) child.kill('SIGKILL');
    }, 1);
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(watchdog);
      if (code !== null && code !== 0) reject(new Error(`the child opening ${file} exited with ${code}: ${stderr}`));
      else resolve({ signal, bytes });
    });
  });
}
