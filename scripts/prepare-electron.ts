/**
 * Run by `npm start` between `npm run build` and `electron .`: what Electron needs on this machine
 * and `npm ci` does not leave, fetched or made the first time (that needs the internet), nothing
 * done after that. Failures end `npm start` here with a plain-words message, not in the window.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureElectronBinary, nodeBinaryDeps } from './electron-binary.js';
import { ensureElectronSqlite, localTools, nodeBuildDeps } from './electron-sqlite.js';

const ROOT = join(import.meta.dirname, '..');
const log = (line: string) => process.stderr.write(`baken: ${line}\n`);
const require = createRequire(join(ROOT, 'package.json'));
const resolve = (specifier: string, from?: string): string | null => {
  try {
    return require.resolve(specifier, from ? { paths: [from] } : undefined);
  } catch {
    return null;
  }
};

try {
  const tools = localTools(resolve);
  ensureElectronBinary(tools.electronDir, process.env, nodeBinaryDeps(log));
  ensureElectronSqlite({ electron: tools.electron, platform: process.platform, arch: process.arch }, join(ROOT, 'dist'), tools, nodeBuildDeps(tools.moduleDir, log));
} catch (error) {
  log((error as Error).message);
  process.exit(1);
}
