import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BakenError } from '../../../shared/contract/errors.js';

/**
 * Files written for another laptop or a person (bundles, clock files, invite codes) never go into
 * the data directory: it holds the log, its WAL and the device's keys, which a mistyped path (or
 * --force) would replace. Compared by real path, so a link to the data directory is caught too.
 */
export function refuseDataDirectory(out: string, dataDir: string): void {
  const folder = realFolder(dirname(resolve(out)));
  if (folder !== null && folder === realFolder(resolve(dataDir))) {
    throw new BakenError('invalid-input', `${out} is in Baken's data directory, which holds the log and the device's keys; write it elsewhere (a USB stick, your documents). Nothing was written`, { field: 'out' });
  }
}

function realFolder(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}
