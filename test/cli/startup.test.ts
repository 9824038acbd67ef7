import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO, sourceCli } from '../support/cli.js';
import { useTempDirs } from '../support/temp.js';

/**
 * `baken --help` and a mistyped command answer fast because they load no backend: no SQLite, no libp2p,
 * no multiaddr, not electron/backend/index.ts (baken.ts imports it only when a command runs). Checked on
 * what a real process loads (test/support/load-trace.mjs), never on its timing.
 */
const TRACE = pathToFileURL(join(REPO, 'test', 'support', 'load-trace.mjs')).href;
const BACKEND = [/\/node_modules\/(better-sqlite3|libp2p|@libp2p\/[^/]+|@chainsafe\/libp2p-[^/]+|@multiformats\/multiaddr)\//, /\/electron\/backend\/index\.ts$/];

/** Runs `baken ARGS` from the sources; the exit code and what it loaded from BACKEND (package or file, once each). */
function traced(args: string[]): Promise<{ code: number; backend: string[] }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', TRACE, ...sourceCli(...args)], { cwd: REPO, timeout: 30_000 }, (error, _stdout, stderr) => {
      const urls = stderr.split('\n').filter((l) => l.startsWith('baken-load ')).map((l) => l.slice('baken-load '.length));
      const backend = new Set<string>();
      for (const url of urls) for (const re of BACKEND) if (re.test(url)) backend.add(re.exec(url)![1] ?? 'electron/backend/index.ts');
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, backend: [...backend].sort() });
    });
  });
}

describe('CLI start-up', () => {
  const tempDir = useTempDirs();

  it('help, --version and argument errors load no backend (SQLite, libp2p, multiaddr, backend/index.ts)', async () => {
    const cases: [string[], number][] = [[['--help'], 0], [['log', 'add', '--help'], 0], [['--version'], 0], [['vliegtuig'], 2], [['log', 'add', '--wat'], 2]];
    const results: string[] = [];
    for (let i = 0; i < cases.length; i += 2) {
      await Promise.all(cases.slice(i, i + 2).map(async ([args, code]) => {
        const run = await traced(args);
        results.push(`baken ${args.join(' ')}: exit ${run.code}, loads ${run.backend.join(', ') || 'no backend'}`);
        expect(run.code, args.join(' ')).toBe(code);
      }));
    }
    expect(results.sort()).toEqual(cases.map(([args, code]) => `baken ${args.join(' ')}: exit ${code}, loads no backend`).sort());
  }, 120_000);

  it('a command that runs loads the backend (so the trace above cannot pass vacuously), but libp2p only to go online', async () => {
    const run = await traced(['--data', tempDir(), 'init']);
    expect(run.code).toBe(0);
    expect(run.backend).toEqual(expect.arrayContaining(['better-sqlite3', 'electron/backend/index.ts']));
    expect(run.backend.filter((name) => name === 'libp2p' || name.startsWith('@libp2p/') || name.startsWith('@chainsafe/'))).toEqual([]);
  }, 60_000);
});
