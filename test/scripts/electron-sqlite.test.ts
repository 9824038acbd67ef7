import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronSqliteFile } from '../../electron/main/sqlite-binding.js';
import {
  buildSteps, ELECTRON_HEADERS_URL, ensureElectronSqlite, nodeBuildDeps, planSqliteBuild, type BuildDeps, type Step, type Tools,
} from '../../scripts/electron-sqlite.js';
import { useTempDirs } from '../support/temp.js';

/**
 * What `npm start` does about better-sqlite3 for Electron, decided without the network or a
 * compiler: the steps' programs are replaced by stand-ins that succeed, fail as offline, or finish
 * without a result. The real programs cannot succeed here (no github.com, no electronjs.org).
 */
const TARGET = { electron: '41.7.1', platform: 'linux', arch: 'x64' };
const TOOLS: Tools = { node: '/usr/bin/node', prebuildInstall: '/nm/prebuild-install/bin.js', nodeGyp: '/nm/node-gyp/bin/node-gyp.js', headersDir: '/home/x/.electron-gyp' };
const OFFLINE = { 'prebuild-install': 'prebuild-install warn install getaddrinfo ENOTFOUND github.com', 'node-gyp': 'gyp ERR! stack is related to network connectivity.' };

/** Stand-in deps: `outcome` says what each step does; records what ran and what was installed. */
function fakeDeps(present: string[], outcome: Partial<Record<Step['name'], 'builds' | 'offline' | 'nothing'>>) {
  const files = new Set(present);
  const ran: { step: Step['name']; cwd: string }[] = [];
  const installed: [string, string][] = [];
  const log: string[] = [];
  let removed = 0;
  const deps: BuildDeps = {
    exists: (path) => files.has(path),
    exec(step, cwd) {
      ran.push({ step: step.name, cwd });
      const what = outcome[step.name] ?? 'offline';
      if (what === 'offline') throw new Error(OFFLINE[step.name]);
      if (what === 'builds') files.add(join(cwd, 'build', 'Release', 'better_sqlite3.node'));
    },
    copyModule: () => ({ dir: '/tmp/copy/better-sqlite3', remove: () => void removed++ }),
    install: (built, file) => void installed.push([built, file]),
    log: (line) => void log.push(line),
  };
  return { deps, ran, installed, log, removed: () => removed };
}

describe('the database module for Electron, made by npm start', () => {
  const file = electronSqliteFile('/repo/dist', TARGET);

  it('the two ways better-sqlite3 supports, in its own order: its prebuild for this Electron, else compiling against Electron\'s headers', () => {
    expect(buildSteps(TARGET, TOOLS)).toEqual([
      {
        name: 'prebuild-install', file: '/usr/bin/node', timeoutMs: 120_000,
        args: ['/nm/prebuild-install/bin.js', '--runtime=electron', '--target=41.7.1', '--platform=linux', '--arch=x64', '--verbose'],
      },
      {
        name: 'node-gyp', file: '/usr/bin/node', timeoutMs: 1_200_000,
        args: ['/nm/node-gyp/bin/node-gyp.js', 'rebuild', '--release', '--runtime=electron', '--target=41.7.1', '--arch=x64', `--dist-url=${ELECTRON_HEADERS_URL}`, '--devdir=/home/x/.electron-gyp'],
      },
    ]);
    expect(buildSteps(TARGET, { ...TOOLS, nodeGyp: null }).map((s) => s.name)).toEqual(['prebuild-install']);
  });

  it('skips when this Electron version, platform and architecture already has its module; builds for another version', () => {
    expect(planSqliteBuild(TARGET, '/repo/dist', TOOLS, (path) => path === file)).toEqual({ action: 'skip', file });
    const other = { ...TARGET, electron: '42.0.0' };
    expect(planSqliteBuild(other, '/repo/dist', TOOLS, (path) => path === file)).toEqual({ action: 'build', file: electronSqliteFile('/repo/dist', other), steps: buildSteps(other, TOOLS) });
  });

  it('present: runs nothing, copies nothing, says nothing', () => {
    const fake = fakeDeps([file], {});
    expect(ensureElectronSqlite(TARGET, '/repo/dist', TOOLS, fake.deps)).toEqual({ file, made: 'present' });
    expect(fake.ran).toEqual([]);
    expect(fake.installed).toEqual([]);
    expect(fake.log).toEqual([]);
  });

  it('the prebuild is used when it downloads; node-gyp then does not run; the copy is removed', () => {
    const fake = fakeDeps([], { 'prebuild-install': 'builds' });
    expect(ensureElectronSqlite(TARGET, '/repo/dist', TOOLS, fake.deps)).toEqual({ file, made: 'prebuild-install' });
    expect(fake.ran).toEqual([{ step: 'prebuild-install', cwd: '/tmp/copy/better-sqlite3' }]);
    expect(fake.installed).toEqual([['/tmp/copy/better-sqlite3/build/Release/better_sqlite3.node', file]]);
    expect(fake.removed()).toBe(1);
  });

  it('without a prebuild it compiles; a step that finishes without the file does not count', () => {
    const fake = fakeDeps([], { 'prebuild-install': 'nothing', 'node-gyp': 'builds' });
    expect(ensureElectronSqlite(TARGET, '/repo/dist', TOOLS, fake.deps)).toEqual({ file, made: 'node-gyp' });
    expect(fake.ran.map((r) => r.step)).toEqual(['prebuild-install', 'node-gyp']);
    expect(fake.installed).toHaveLength(1);
  });

  it('offline: says in plain words that the first time needs the internet, and installs nothing', () => {
    const fake = fakeDeps([], {});
    let message = '';
    try {
      ensureElectronSqlite(TARGET, '/repo/dist', TOOLS, fake.deps);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^could not make the database module for Electron 41\.7\.1 \(linux-x64\): this needs the internet the first time, and github\.com .* could not be reached\./);
    expect(message).toContain('prebuild-install: prebuild-install warn install getaddrinfo ENOTFOUND github.com');
    expect(message).toContain('Connect to the internet and run npm start again');
    expect(message).toContain("node_modules' own build for Node");
    expect(fake.installed).toEqual([]);
    expect(fake.removed()).toBe(1);
  });

  it('failing for another reason says so, without blaming the network', () => {
    const fake = fakeDeps([], { 'prebuild-install': 'nothing', 'node-gyp': 'nothing' });
    expect(() => ensureElectronSqlite(TARGET, '/repo/dist', { ...TOOLS }, fake.deps)).toThrow(/neither better-sqlite3's prebuilt module nor compiling it against Electron's headers worked\.\n.*made no build\/Release/);
  });
});

describe('the real file steps', () => {
  const tempDir = useTempDirs();

  it('copies the module without its build/ (Node\'s module must not pass for the result), keeping nested folders of that name', () => {
    const module = join(tempDir(), 'better-sqlite3');
    for (const dir of ['build/Release', 'prebuilds', 'src', 'deps/build']) mkdirSync(join(module, dir), { recursive: true });
    writeFileSync(join(module, 'build', 'Release', 'better_sqlite3.node'), 'node build');
    writeFileSync(join(module, 'package.json'), '{}');
    writeFileSync(join(module, 'deps', 'build', 'keep.txt'), 'kept');
    const copy = nodeBuildDeps(module, () => {}).copyModule();
    expect(existsSync(join(copy.dir, 'package.json'))).toBe(true);
    expect(existsSync(join(copy.dir, 'deps', 'build', 'keep.txt'))).toBe(true);
    expect(existsSync(join(copy.dir, 'build'))).toBe(false);
    expect(existsSync(join(copy.dir, 'prebuilds'))).toBe(false);
    copy.remove();
    expect(existsSync(copy.dir)).toBe(false);
    expect(readFileSync(join(module, 'build', 'Release', 'better_sqlite3.node'), 'utf8')).toBe('node build');
  });

  it('installs the built file whole into its own folder, with the mode of a module', () => {
    const dir = tempDir();
    const built = join(dir, 'built.node');
    writeFileSync(built, 'module bytes');
    const file = electronSqliteFile(join(dir, 'dist'), TARGET);
    nodeBuildDeps(dir, () => {}).install(built, file);
    expect(readFileSync(file, 'utf8')).toBe('module bytes');
    expect(statSync(file).mode & 0o777).toBe(0o755);
  });

  it('a failing program\'s output becomes the error', () => {
    const step: Step = { name: 'prebuild-install', file: process.execPath, args: ['-e', 'console.error("getaddrinfo ENOTFOUND github.com"); process.exit(1)'], timeoutMs: 30_000 };
    expect(() => nodeBuildDeps(tempDir(), () => {}).exec(step, tempDir())).toThrow('getaddrinfo ENOTFOUND github.com');
  });
});
