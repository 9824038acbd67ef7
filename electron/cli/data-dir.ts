import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_FOLDER = 'Baken';

/**
 * The per-user folder the desktop app uses too (Electron's userData for an app named Baken):
 * %APPDATA%\Baken, ~/Library/Application Support/Baken, or $XDG_CONFIG_HOME/Baken.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_FOLDER);
}

/** --data wins, then BAKEN_DATA, then the platform's default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env.BAKEN_DATA || defaultDataDir(env));
}
