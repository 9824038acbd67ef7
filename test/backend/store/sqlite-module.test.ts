import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../../electron/backend/index.js';
import { openLogDatabase } from '../../../electron/backend/store/database.js';
import { sqliteModuleError, type Runtime } from '../../../electron/backend/store/sqlite-module.js';
import { BakenError } from '../../../shared/contract/errors.js';
import { caught } from '../../support/files.js';
import { useTempDirs } from '../../support/temp.js';

/**
 * The backend's `nativeBinding` option: the app run by `npm start` loads better-sqlite3's build for
 * Electron from a path of its own. Here (plain Node) Node's own build stands in for a good one; a
 * missing file and a file that is no module stand in for bad ones.
 */
const NODE_BUILD = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');

/** Node's own words when a module was compiled for another runtime (src/node_binding.cc). */
const ABI_MISMATCH = Object.assign(
  new Error(
    "The module '/repo/dist/native/electron-41.7.1-linux-x64/better_sqlite3.node'\nwas compiled against a different Node.js version using\n" +
      'NODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 145. Please try re-compiling or re-installing\n' +
      'the module (for instance, using `npm rebuild` or `npm install`).',
  ),
  { code: 'ERR_DLOPEN_FAILED' },
);
const ELECTRON: Runtime = { node: '22.20.0', modules: '145', electron: '41.7.1' };
const NODE: Runtime = { node: '20.20.2', modules: '115' };

describe('the database module the backend loads', () => {
  const tempDir = useTempDirs();

  it('opens the log with the build at nativeBinding (Node\'s own here) and keeps what was written', async () => {
    const dataDir = join(tempDir(), 'data');
    const first = createBackend({ dataDir, create: true, nativeBinding: NODE_BUILD });
    const made = await first.invoke('incident.create', { title: 'Uitval NAFIN' });
    expect(made.ok).toBe(true);
    await first.stop();
    const again = createBackend({ dataDir, nativeBinding: NODE_BUILD });
    await expect(again.invoke('incident.list', {})).resolves.toMatchObject({ ok: true, value: [{ title: 'Uitval NAFIN' }] });
    await again.stop();
  });

  it('a missing module is refused in plain words and nothing is written: no data folder, no key', async () => {
    const root = tempDir();
    const dataDir = join(root, 'data');
    const missing = join(root, 'native', 'better_sqlite3.node');
    const error = await caught(() => createBackend({ dataDir, create: true, nativeBinding: missing }));
    expect(error).toBeInstanceOf(BakenError);
    expect((error as BakenError).code).toBe('storage');
    expect((error as BakenError).message).toBe(
      `Baken cannot open its log: the database module ${missing} is missing. ` +
        `Give the path of a better-sqlite3 build for Node ${process.versions.node}, or none to use node_modules' own. Nothing was read or written`,
    );
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a file that is no module is refused in plain words, and an existing data folder is left empty', async () => {
    const root = tempDir();
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    const notAModule = join(root, 'better_sqlite3.node');
    writeFileSync(notAModule, 'this is text, not a compiled module');
    const error = await caught(() => createBackend({ dataDir, create: true, nativeBinding: notAModule }));
    expect(error).toBeInstanceOf(BakenError);
    expect((error as BakenError).message).toMatch(new RegExp(`^Baken cannot open its log: the database module ${notAModule} could not be loaded in Node ${process.versions.node}: .+\\. Give the path`));
    expect((error as BakenError).message).not.toContain('\n');
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('the log file itself, new or existing, is opened with that module, not node_modules\' own', async () => {
    const dir = tempDir();
    const missing = { nativeBinding: join(dir, 'missing.node') };
    await expect(caught(() => openLogDatabase(join(dir, 'new.db'), missing))).resolves.toMatchObject({ message: expect.stringContaining('missing.node') });
    const existing = join(dir, 'existing.db');
    openLogDatabase(existing).close();
    await expect(caught(() => openLogDatabase(existing, missing))).resolves.toMatchObject({ message: expect.stringContaining('missing.node') });
  });

  describe('what the message says, from Node\'s own load error', () => {
    it('a build for another runtime in the app from source: which versions, and to run npm start again', () => {
      const error = sqliteModuleError(ABI_MISMATCH, { nativeBinding: '/repo/dist/native/electron-41.7.1-linux-x64/better_sqlite3.node' }, ELECTRON);
      expect(error.message).toBe(
        'Baken cannot open its log: the database module /repo/dist/native/electron-41.7.1-linux-x64/better_sqlite3.node was built for another Node or Electron version ' +
          '(module version 115), not for Electron 41.7.1 (module version 145). Delete that file and run npm start again: npm start builds it for Electron 41.7.1 ' +
          '(it needs the internet the first time). Nothing was read or written',
      );
      expect(error.message).not.toContain('NODE_MODULE_VERSION');
    });

    it('missing in the app from source: run npm start', () => {
      const missing = Object.assign(new Error("Cannot find module '/repo/x.node'"), { code: 'MODULE_NOT_FOUND' });
      expect(sqliteModuleError(missing, { nativeBinding: '/repo/x.node' }, ELECTRON).message).toContain(
        'the database module /repo/x.node is missing. Run npm start again: npm start builds it for Electron 41.7.1 (it needs the internet the first time)',
      );
    });

    it('an installed app (node_modules\' own module, rebuilt when packaged): install Baken again', () => {
      expect(sqliteModuleError(ABI_MISMATCH, {}, ELECTRON).message).toContain(
        'the database module (better-sqlite3 in node_modules) was built for another Node or Electron version (module version 115), not for Electron 41.7.1 (module version 145). This copy of Baken is damaged: install it again',
      );
    });

    it('the CLI with node_modules built for another Node: rebuild it', () => {
      const error = sqliteModuleError(Object.assign(new Error(ABI_MISMATCH.message.replace('115', '127').replace('145', '115')), { code: 'ERR_DLOPEN_FAILED' }), {}, NODE);
      expect(error.message).toContain('(module version 127), not for Node 20.20.2 (module version 115). Rebuild it for this Node: npm rebuild better-sqlite3');
    });
  });
});
