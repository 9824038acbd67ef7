import Database from 'better-sqlite3';
import { resolve } from 'node:path';
import { BakenError } from '../../../shared/contract/errors.js';

/**
 * Which build of better-sqlite3's native module opens the log. A native module runs only in the
 * runtime it was compiled for: node_modules holds Node's build (the CLI and the tests use it), and
 * `npm start` makes a second one for Electron beside it (scripts/electron-sqlite.ts), passed here
 * as `nativeBinding`. A packaged app has no option: electron-builder rebuilt node_modules' copy.
 */
export interface SqliteModule {
  /** The better_sqlite3.node to load instead of node_modules' own. */
  nativeBinding?: string;
}

/** The runtime asking (process.versions): its name and the module version (ABI) its native modules need. */
export interface Runtime {
  node: string;
  modules: string;
  electron?: string;
}

/**
 * Loads the module once on an in-memory database, before anything touches the data directory, so a
 * build for the wrong runtime is refused in plain words and leaves nothing behind. better-sqlite3
 * keeps the loaded module, so the real opens after this load nothing again.
 */
export function loadSqliteModule(nativeBinding?: string, runtime: Runtime = process.versions): SqliteModule {
  const sqlite: SqliteModule = nativeBinding === undefined ? {} : { nativeBinding };
  try {
    new Database(':memory:', sqlite).close();
  } catch (error) {
    throw sqliteModuleError(error, sqlite, runtime);
  }
  return sqlite;
}

/** What failed to load, and what the person can do about it, from Node's own load error. */
export function sqliteModuleError(error: unknown, sqlite: SqliteModule, runtime: Runtime): BakenError {
  const detail = error instanceof Error ? error.message : String(error);
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const here = runtime.electron ? `Electron ${runtime.electron}` : `Node ${runtime.node}`;
  const module = sqlite.nativeBinding ? `the database module ${loadedFile(sqlite.nativeBinding)}` : 'the database module (better-sqlite3 in node_modules)';
  const builtFor = /NODE_MODULE_VERSION (\d+)/.exec(detail)?.[1];

  let problem: string;
  if (code === 'MODULE_NOT_FOUND' || code === 'ENOENT') problem = `${module} is missing`;
  else if (builtFor !== undefined) problem = `${module} was built for another Node or Electron version (module version ${builtFor}), not for ${here} (module version ${runtime.modules})`;
  else problem = `${module} could not be loaded in ${here}: ${firstLine(detail)}`;
  return new BakenError('storage', `Baken cannot open its log: ${problem}. ${remedy(sqlite, runtime, code)}. Nothing was read or written`, { cause: error });
}

function remedy(sqlite: SqliteModule, runtime: Runtime, code: string): string {
  const missing = code === 'MODULE_NOT_FOUND' || code === 'ENOENT';
  // Only `npm start` hands the app a module of its own; an installed app uses the one it was packaged with.
  if (runtime.electron && sqlite.nativeBinding) {
    const build = `npm start builds it for Electron ${runtime.electron} (it needs the internet the first time)`;
    return missing ? `Run npm start again: ${build}` : `Delete that file and run npm start again: ${build}`;
  }
  if (runtime.electron) return 'This copy of Baken is damaged: install it again';
  if (sqlite.nativeBinding) return `Give the path of a better-sqlite3 build for Node ${runtime.node}, or none to use node_modules' own`;
  return `Rebuild it for this Node: npm rebuild better-sqlite3`;
}

/** The file better-sqlite3 loads for a nativeBinding path: it adds `.node` when missing. */
function loadedFile(nativeBinding: string): string {
  return resolve(nativeBinding).replace(/(\.node)?$/, '.node');
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim() || 'no reason given';
}
