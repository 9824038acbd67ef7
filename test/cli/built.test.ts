import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../electron/cli/baken.js';
import { COMMANDS } from '../../electron/cli/commands/index.js';
import { BUILT_BIN, REPO } from '../support/cli.js';
import { useTempDirs } from '../support/temp.js';

/**
 * `npx baken` runs the build in dist/ (bin/baken.mjs), while every other test runs the sources. This
 * file checks that the two are the same program: the build is there and newer than every source it
 * is made from, and both print the same help and usage errors with the same exit codes.
 */

/** The folders tsconfig.build.json compiles, each .ts to dist/<same path>.js. */
const BUILT_FOLDERS = ['electron/cli', 'electron/backend', 'shared'];

function tsFiles(root: string, dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return [];
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out = out.concat(tsFiles(root, path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** What is wrong with `root`/dist compared with its sources (empty: the build is current). */
export function staleBuild(root: string, folders: readonly string[] = BUILT_FOLDERS): string[] {
  const problems: string[] = [];
  for (const source of folders.flatMap((folder) => tsFiles(root, folder))) {
    const built = join('dist', source.replace(/\.ts$/, '.js'));
    let builtMs: number;
    try {
      builtMs = statSync(join(root, built)).mtimeMs;
    } catch {
      problems.push(`${built} is missing`);
      continue;
    }
    if (builtMs < statSync(join(root, source)).mtimeMs) problems.push(`${built} is older than ${source}`);
  }
  return problems;
}

function requireCurrentBuild(): void {
  const problems = staleBuild(REPO);
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
    throw new Error(`the built CLI does not match the sources (${shown}): run npm run build`);
  }
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

// None of the cases below opens a data directory; should one ever do so by mistake, it lands here and not in
// the per-user folder. The path does not exist, so any command other than init refuses it.
const NOWHERE = join(tmpdir(), `baken-built-test-${process.pid}`, 'not-there');
const ENV = { BAKEN_DATA: NOWHERE, XDG_CONFIG_HOME: NOWHERE, APPDATA: NOWHERE };

async function fromSources(args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: ENV };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

function fromBuild(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BUILT_BIN, ...args], { cwd: REPO, timeout: 20_000, env: { ...process.env, ...ENV } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Invocations that never touch a data directory: help, version, and errors found before a command runs. */
const CASES: string[][] = [
  [],
  ['--help'],
  ['--version'],
  ['vliegtuig'],
  ['log', 'add', '--wat'],
  ['init', 'extra'],
  // A group's word alone lists its commands (words that are commands themselves would run them).
  ...[...new Set(COMMANDS.filter((c) => c.path.length > 1).map((c) => c.path[0]!))].map((group) => [group]),
  ...COMMANDS.map((c) => [...c.path, '--help']),
];

describe('the built CLI (npx baken)', () => {
  it('is built from the current sources', () => {
    requireCurrentBuild();
  });

  it('prints the same help, usage errors and exit codes as the sources', async () => {
    requireCurrentBuild();
    const differences: string[] = [];
    // Two at a time: this machine has two cores, and each run is a fresh node process.
    for (let i = 0; i < CASES.length; i += 2) {
      await Promise.all(
        CASES.slice(i, i + 2).map(async (args) => {
          const [built, sources] = await Promise.all([fromBuild(args), fromSources(args)]);
          if (JSON.stringify(built) !== JSON.stringify(sources)) {
            differences.push(`baken ${args.join(' ')}: built ${JSON.stringify(built)}, sources ${JSON.stringify(sources)}`);
          }
        }),
      );
    }
    expect(differences).toEqual([]);
  }, 120_000);

  it('covers the top level, every command, and both exit codes of a help run (so the comparison cannot pass vacuously)', async () => {
    const outcomes = await Promise.all(CASES.map((args) => fromSources(args)));
    expect(outcomes.filter((o) => o.code === 0 && o.stdout.includes('Usage: baken')).length).toBeGreaterThan(1);
    expect(outcomes.filter((o) => o.code === 2 && o.stderr.startsWith('baken: ')).length).toBe(3);
    for (const command of COMMANDS) expect(CASES).toContainEqual([...command.path, '--help']);
  });
});

describe('the staleness check', () => {
  const tempDir = useTempDirs();

  it('names a missing build and a build older than its source, and passes a current one', () => {
    const root = tempDir();
    mkdirSync(join(root, 'shared'), { recursive: true });
    writeFileSync(join(root, 'shared', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'shared', 'b.ts'), 'export const b = 2;\n');
    writeFileSync(join(root, 'shared', 'types.d.ts'), 'export type T = 1;\n');
    expect(staleBuild(root, ['shared'])).toEqual([`${join('dist', 'shared', 'a.js')} is missing`, `${join('dist', 'shared', 'b.js')} is missing`]);

    mkdirSync(join(root, 'dist', 'shared'), { recursive: true });
    writeFileSync(join(root, 'dist', 'shared', 'a.js'), 'export const a = 1;\n');
    writeFileSync(join(root, 'dist', 'shared', 'b.js'), 'export const b = 2;\n');
    expect(staleBuild(root, ['shared'])).toEqual([]);

    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(join(root, 'dist', 'shared', 'b.js'), hourAgo, hourAgo);
    expect(staleBuild(root, ['shared'])).toEqual([`${join('dist', 'shared', 'b.js')} is older than ${join('shared', 'b.ts')}`]);
  });
});
