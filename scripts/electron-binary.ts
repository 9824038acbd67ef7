import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm start`'s first step: Electron's own binary. `npm ci` skips its download where there is no
 * internet (ELECTRON_SKIP_BINARY_DOWNLOAD), so the first `npm start` on a connected machine fetches
 * it with Electron's own installer, the way `npm ci` would have.
 */
export interface BinaryDeps {
  exists(path: string): boolean;
  read(path: string): string;
  /** Runs `node install.js` with this environment; throws with its output when it fails. */
  runInstaller(installer: string, env: NodeJS.ProcessEnv): void;
  log(line: string): void;
}

/** Installed when path.txt names an executable that is there (the executable the `electron` command runs). */
export function electronBinaryPresent(electronDir: string, deps: Pick<BinaryDeps, 'exists' | 'read'>): boolean {
  const pathFile = join(electronDir, 'path.txt');
  return deps.exists(pathFile) && deps.exists(join(electronDir, 'dist', deps.read(pathFile)));
}

export function ensureElectronBinary(electronDir: string, env: NodeJS.ProcessEnv, deps: BinaryDeps): 'present' | 'fetched' {
  if (electronBinaryPresent(electronDir, deps)) return 'present';
  deps.log('fetching the Electron binary: first run only; it needs the internet');
  // The installer does nothing while this is set, and it is set exactly where npm ci ran offline.
  const { ELECTRON_SKIP_BINARY_DOWNLOAD: _skip, ...installEnv } = env;
  try {
    deps.runInstaller(join(electronDir, 'install.js'), installEnv);
  } catch (error) {
    throw new Error(`could not fetch the Electron binary: it needs the internet the first time (from github.com). Connect and run npm start again. (${reason((error as Error).message)})`);
  }
  if (!electronBinaryPresent(electronDir, deps)) throw new Error('Electron\'s installer finished but left no binary; delete node_modules/electron and run npm ci, then npm start');
  return 'fetched';
}

/** The installer's own error line, without its stack trace. */
function reason(output: string): string {
  return output.split('\n').map((line) => line.trim()).find((line) => line !== '' && !line.startsWith('at ')) ?? 'no reason given';
}

export function nodeBinaryDeps(log: (line: string) => void): BinaryDeps {
  return {
    exists: existsSync,
    read: (path) => readFileSync(path, 'utf8'),
    runInstaller(installer, env) {
      try {
        execFileSync(process.execPath, [installer], { stdio: ['ignore', 'pipe', 'pipe'], env, encoding: 'utf8' });
      } catch (error) {
        const failed = error as { stdout?: string; stderr?: string; message: string };
        throw new Error([failed.stderr, failed.stdout].filter(Boolean).join('\n') || failed.message);
      }
    },
    log,
  };
}
