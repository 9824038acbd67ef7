import { lstatSync, realpathSync, type Stats } from 'node:fs';
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

/**
 * Refuses to replace what is at `out` unless `force` is given or it is a regular file `isOurs`
 * recognises (an older copy of what is written: a clock file or invite refreshed on a stick is
 * routine; any other file there may be someone's only copy). Anything else at the path (another
 * file, a link, a named pipe that reading would hang on) counts as someone's, and so does a
 * dangling link, which existsSync would not see.
 */
export function refuseToReplace(out: string, force: boolean, isOurs: (path: string) => boolean, what: string): void {
  if (force) return;
  let stat: Stats;
  try {
    stat = lstatSync(out);
  } catch {
    return;
  }
  if (stat.isFile() && isOurs(out)) return;
  throw new BakenError('conflict', `${out} already exists and is not ${what}; nothing was written. To replace it, add --force`, { field: 'out' });
}
