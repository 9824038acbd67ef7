import { describe, expect, it } from 'vitest';
import { ensureElectronBinary, type BinaryDeps } from '../../scripts/electron-binary.js';

/** npm start's first step, with Electron's installer replaced by a stand-in (the real one needs github.com). */
function fakeDeps(files: Record<string, string>, installer: 'installs' | 'offline' | 'nothing') {
  const runs: NodeJS.ProcessEnv[] = [];
  const deps: BinaryDeps = {
    exists: (path) => path in files,
    read: (path) => files[path]!,
    runInstaller(installer_, env) {
      expect(installer_).toBe('/nm/electron/install.js');
      runs.push(env);
      if (installer === 'offline') throw new Error('RequestError: getaddrinfo ENOTFOUND github.com\n    at ClientRequest.<anonymous> (got/index.js:970:111)');
      if (installer === 'installs') Object.assign(files, { '/nm/electron/path.txt': 'electron', '/nm/electron/dist/electron': '' });
    },
    log: () => {},
  };
  return { deps, runs };
}

describe('the Electron binary, fetched by npm start', () => {
  it('present: the installer does not run', () => {
    const fake = fakeDeps({ '/nm/electron/path.txt': 'electron', '/nm/electron/dist/electron': '' }, 'offline');
    expect(ensureElectronBinary('/nm/electron', {}, fake.deps)).toBe('present');
    expect(fake.runs).toEqual([]);
  });

  it('missing (path.txt without the executable too): runs Electron\'s installer without the variable that makes it skip', () => {
    const fake = fakeDeps({ '/nm/electron/path.txt': 'electron' }, 'installs');
    expect(ensureElectronBinary('/nm/electron', { PATH: '/bin', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, fake.deps)).toBe('fetched');
    expect(fake.runs).toEqual([{ PATH: '/bin' }]);
  });

  it('offline: plain words and the installer\'s reason, not its stack trace', () => {
    const fake = fakeDeps({}, 'offline');
    expect(() => ensureElectronBinary('/nm/electron', {}, fake.deps)).toThrow(
      'could not fetch the Electron binary: it needs the internet the first time (from github.com). Connect and run npm start again. (RequestError: getaddrinfo ENOTFOUND github.com)',
    );
  });

  it('an installer that succeeds without a binary is not taken at its word', () => {
    expect(() => ensureElectronBinary('/nm/electron', {}, fakeDeps({}, 'nothing').deps)).toThrow(/left no binary/);
  });
});
