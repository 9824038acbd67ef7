import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceCli } from '../support/cli.js';

export interface RunningHost {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * `baken serve --ui` in a child process on 127.0.0.1 with mDNS off, on a fresh data directory
 * (initialised first, as a person would; or seeded with `baken demo`, an exercise incident with a
 * day's content, for the screens to show something real), and the window's URL it prints.
 */
export async function startHost(env: NodeJS.ProcessEnv = {}, { seed = 'init' }: { seed?: 'init' | 'demo' } = {}): Promise<RunningHost> {
  requireCurrentWindow();
  const dataDir = mkdtempSync(join(tmpdir(), 'baken-e2e-'));
  const childEnv = { ...process.env, TZ: 'Europe/Amsterdam', ...env };
  await run(spawn(process.execPath, sourceCli('--data', dataDir, seed), { env: childEnv, stdio: 'ignore' }));
  const child = spawn(process.execPath, sourceCli('--data', dataDir, 'serve', '--ui', '--no-mdns', '--listen', '127.0.0.1:0'), { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`baken serve --ui printed no window address in 30 s: ${out}${err}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`baken serve --ui ended (${code}): ${out}${err}`)));
  });
  return {
    url, dataDir,
    async stop() {
      child.kill('SIGTERM');
      await run(child).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function run(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve();
    child.on('exit', (code, signal) => (code === 0 || signal === 'SIGTERM' ? resolve() : reject(new Error(`exit ${code ?? signal}`))));
  });
}

/** The host serves the built window (dist/renderer); a build older than renderer/ would test yesterday's window. */
function requireCurrentWindow(): void {
  const root = join(import.meta.dirname, '..', '..');
  const built = join(root, 'dist', 'renderer', 'index.html');
  if (!existsSync(built)) throw new Error('the window is not built: run npm run build');
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  const source = Math.max(newest(join(root, 'renderer')), newest(join(root, 'shared')));
  if (source > statSync(built).mtimeMs) throw new Error('the window in dist/renderer is older than renderer/ or shared/: run npm run build');
}
