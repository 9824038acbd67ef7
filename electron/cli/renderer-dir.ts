import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BakenError } from '../../shared/contract/errors.js';

/**
 * Where the window's build lies for `baken serve --ui`: `dist/renderer/` in the Baken package this
 * CLI runs from. The CLI runs from its sources (electron/cli/, under tsx) or from the build
 * (dist/electron/cli/), so the package root is found by walking up to Baken's package.json rather
 * than by a fixed number of `..`.
 */
export function rendererDir(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    if (isBakenPackage(dir)) return join(dir, 'dist', 'renderer');
    const parent = dirname(dir);
    if (parent === dir) throw new BakenError('not-found', `cannot find the Baken package above ${dirname(fileURLToPath(from))}, so not the window's build either`);
    dir = parent;
  }
}

function isBakenPackage(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'baken';
  } catch {
    // No package.json here (dist/ has none), or one that is not JSON: keep walking up.
    return false;
  }
}
