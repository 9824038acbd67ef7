import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../electron/backend/files/atomic-write.js';
import { electronSqliteFile, type ElectronTarget } from '../electron/main/sqlite-binding.js';

/**
 * `npm start`'s second step: better-sqlite3's native module built for the installed Electron, in a
 * folder of its own (electron/main/sqlite-binding.ts names it), never over node_modules' copy: that
 * is Node's build, which the CLI and the tests load. It is made with what better-sqlite3 itself
 * supports, in the order its own install script tries: its published prebuild (prebuild-install),
 * else compiling it against Electron's headers (node-gyp). Both work in a temporary copy of the
 * module, since both write into the module's own build/ folder. (@electron/rebuild does the same
 * two steps but only in place, in a node_modules tree, and comes only with electron-builder.)
 */
export const ELECTRON_HEADERS_URL = 'https://www.electronjs.org/headers';

/** The programs the steps run; node-gyp may be absent (it comes with electron-builder). */
export interface Tools {
  node: string;
  prebuildInstall: string;
  nodeGyp: string | null;
  /** Where node-gyp keeps Electron's headers (as @electron/rebuild does: ~/.electron-gyp). */
  headersDir: string;
}

export interface Step {
  name: 'prebuild-install' | 'node-gyp';
  file: string;
  args: string[];
  timeoutMs: number;
}

export type Plan = { action: 'skip'; file: string } | { action: 'build'; file: string; steps: Step[] };

export function buildSteps(target: ElectronTarget, tools: Tools): Step[] {
  const prebuild: Step = {
    name: 'prebuild-install',
    file: tools.node,
    args: [tools.prebuildInstall, '--runtime=electron', `--target=${target.electron}`, `--platform=${target.platform}`, `--arch=${target.arch}`, '--verbose'],
    timeoutMs: 2 * 60_000,
  };
  if (!tools.nodeGyp) return [prebuild];
  const compile: Step = {
    name: 'node-gyp',
    file: tools.node,
    args: [
      tools.nodeGyp, 'rebuild', '--release', '--runtime=electron', `--target=${target.electron}`, `--arch=${target.arch}`, `--dist-url=${ELECTRON_HEADERS_URL}`,
      `--devdir=${tools.headersDir}`,
    ],
    // Compiling SQLite takes minutes on a slow laptop.
    timeoutMs: 20 * 60_000,
  };
  return [prebuild, compile];
}

/** Nothing to do when this Electron version, platform and architecture already has its build. */
export function planSqliteBuild(target: ElectronTarget, dist: string, tools: Tools, exists: (path: string) => boolean): Plan {
  const file = electronSqliteFile(dist, target);
  return exists(file) ? { action: 'skip', file } : { action: 'build', file, steps: buildSteps(target, tools) };
}

/** What building touches, injected so tests run the decisions without the network or a compiler. */
export interface BuildDeps {
  exists(path: string): boolean;
  /** Runs a step in `cwd`; throws with the step's output when it fails. */
  exec(step: Step, cwd: string): void;
  /** A fresh copy of better-sqlite3's sources (no build/), returned with the folder to remove after. */
  copyModule(): { dir: string; remove: () => void };
  /** Puts the built file in place whole (atomic write). */
  install(built: string, file: string): void;
  log(line: string): void;
}

export function ensureElectronSqlite(target: ElectronTarget, dist: string, tools: Tools, deps: BuildDeps): { file: string; made: 'present' | Step['name'] } {
  const plan = planSqliteBuild(target, dist, tools, deps.exists);
  if (plan.action === 'skip') return { file: plan.file, made: 'present' };
  const what = `the database module for Electron ${target.electron} (${target.platform}-${target.arch})`;
  deps.log(`making ${what}: first run with this Electron only; it needs the internet`);
  const copy = deps.copyModule();
  const failures: { step: Step['name']; output: string }[] = [];
  try {
    for (const step of plan.steps) {
      try {
        deps.exec(step, copy.dir);
      } catch (error) {
        failures.push({ step: step.name, output: (error as Error).message });
        continue;
      }
      const built = join(copy.dir, 'build', 'Release', 'better_sqlite3.node');
      if (!deps.exists(built)) {
        failures.push({ step: step.name, output: 'it finished but made no build/Release/better_sqlite3.node' });
        continue;
      }
      deps.install(built, plan.file);
      deps.log(`${what} is ready: ${plan.file}`);
      return { file: plan.file, made: step.name };
    }
  } finally {
    copy.remove();
  }
  throw new Error(failureMessage(what, target, tools, failures));
}

/** Offline (the usual cause) is said first and plainly; each step's last words follow for anything else. */
export function failureMessage(what: string, target: ElectronTarget, tools: Tools, failures: readonly { step: Step['name']; output: string }[]): string {
  const offline = failures.some((f) => /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo|socket hang up|network connectivity/.test(f.output));
  const lead = offline
    ? `could not make ${what}: this needs the internet the first time, and github.com (better-sqlite3's prebuilt module) and www.electronjs.org (Electron's headers, to compile it) could not be reached`
    : `could not make ${what}: neither better-sqlite3's prebuilt module nor compiling it against Electron's headers worked`;
  const why = failures.map((f) => `  ${f.step}: ${lastLines(f.output, 3)}`).join('\n');
  const compiler = tools.nodeGyp ? ' (compiling needs Python and a C++ compiler)' : ' (node-gyp, to compile it, is not installed: npm ci installs it)';
  return `${lead}.\n${why}\nConnect to the internet and run npm start again${compiler}; node_modules' own build for Node ${process.versions.node} was left as it was. Electron ${target.electron} cannot open the log without this module.`;
}

/** node-gyp ends every failure with the same lines (the command, versions, a stack trace): the reason comes before them. */
const BOILERPLATE = /^gyp (ERR!|info) (System|command|cwd|node -v|node-gyp -v|not ok)|\bstack\s+at\b|^at /;

function lastLines(text: string, count: number): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !BOILERPLATE.test(line));
  return lines.slice(-count).join(' / ') || 'no output';
}

/** The real steps: programs from node_modules, output kept for the message, a temporary copy per build. */
export function nodeBuildDeps(moduleDir: string, log: (line: string) => void): BuildDeps {
  return {
    exists: existsSync,
    exec(step, cwd) {
      try {
        execFileSync(step.file, step.args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: step.timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
      } catch (error) {
        const failed = error as { stdout?: string; stderr?: string; message: string; signal?: string };
        const output = [failed.stdout, failed.stderr].filter(Boolean).join('\n');
        throw new Error(failed.signal === 'SIGTERM' ? `gave no answer within ${step.timeoutMs / 60_000} minutes\n${output}` : output || failed.message);
      }
    },
    copyModule() {
      const dir = join(mkdtempSync(join(tmpdir(), 'baken-sqlite-electron-')), basename(moduleDir));
      // Without its build/ (Node's module, which must not be mistaken for the result) and prebuilds.
      cpSync(moduleDir, dir, { recursive: true, filter: (path) => !['build', 'prebuilds', 'node_modules'].includes(basename(path)) || dirname(path) !== moduleDir });
      return { dir, remove: () => rmSync(dirname(dir), { recursive: true, force: true }) };
    },
    install(built, file) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileAtomic(file, readFileSync(built), { doing: `installing ${file}`, mode: 0o755 });
    },
    log,
  };
}

/** Where the installed packages are, found the way Node finds them from this repository. */
export function localTools(resolve: (specifier: string, from?: string) => string | null): Tools & { moduleDir: string; electronDir: string; electron: string } {
  const moduleDir = dirname(required(resolve('better-sqlite3/package.json'), 'better-sqlite3'));
  const electronPackage = required(resolve('electron/package.json'), 'electron');
  return {
    node: process.execPath,
    moduleDir,
    electronDir: dirname(electronPackage),
    electron: (JSON.parse(readFileSync(electronPackage, 'utf8')) as { version: string }).version,
    // better-sqlite3's own dependency, so the version it was published with.
    prebuildInstall: required(resolve('prebuild-install/bin.js', moduleDir), 'prebuild-install'),
    nodeGyp: resolve('node-gyp/bin/node-gyp.js'),
    headersDir: join(homedir(), '.electron-gyp'),
  };
}

function required(path: string | null, name: string): string {
  if (path === null) throw new Error(`${name} is not installed; run npm ci first`);
  return path;
}
