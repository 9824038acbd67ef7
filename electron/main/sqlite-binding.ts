import { join } from 'node:path';

/**
 * Where the app run from source finds the database module built for its Electron. node_modules'
 * better-sqlite3 is Node's build (the CLI and the tests need it), so `npm start` builds Electron's
 * beside the build output instead (scripts/electron-sqlite.ts), one folder per Electron version,
 * platform and architecture: switching Electron versions or sharing a checkout never mixes them.
 * Shared by that script and main.ts so both name the same file. No `electron` import: tested in Node.
 */
export interface ElectronTarget {
  electron: string;
  platform: string;
  arch: string;
}

/** `dist`/native/electron-<version>-<platform>-<arch>/better_sqlite3.node */
export function electronSqliteFile(dist: string, target: ElectronTarget): string {
  return join(dist, 'native', `electron-${target.electron}-${target.platform}-${target.arch}`, 'better_sqlite3.node');
}

/**
 * The nativeBinding main hands the backend: none in a packaged app, whose node_modules' copy
 * electron-builder rebuilt for Electron (electron-builder.yml, npmRebuild); from source, the one
 * `npm start` built, named even when missing so the window says to run npm start.
 */
export function appSqliteBinding(options: { packaged: boolean; dist: string } & ElectronTarget): string | undefined {
  return options.packaged ? undefined : electronSqliteFile(options.dist, options);
}
