/**
 * How tests and benches start `baken` in a child process: from the TypeScript sources, so they test
 * what is in the tree and never a stale build. Only the installed-bin test (test/cli/cli.test.ts) and
 * test/cli/built.test.ts run the build (BUILT_BIN); bench/cli.ts times it.
 *
 *   spawn(process.execPath, sourceCli('--data', dir, 'serve'))
 *
 * No vitest import here: benches use it too.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const REPO = join(import.meta.dirname, '..', '..');

/** The CLI's source entry point (polyfills, then main()). */
export const SOURCE_ENTRY = join(REPO, 'electron', 'cli', 'bin.ts');

/** What package.json's "bin" names: runs the build in dist/. */
export const BUILT_BIN = join(REPO, 'bin', 'baken.mjs');

// tsx by file URL, so the child finds it whatever its working directory.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Arguments for `node` that run `baken ARGS…` from the sources. */
export function sourceCli(...args: string[]): string[] {
  return ['--import', TSX, SOURCE_ENTRY, ...args];
}
