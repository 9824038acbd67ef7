import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli as run } from '../support/cli-in-process.js';
import { rendererDir } from '../../electron/cli/renderer-dir.js';
import { NODE_LOCK_FILE } from '../../electron/backend/node-lock.js';
import { WS_PATH } from '../../shared/contract/bridge.js';
import { REPO, sourceCli } from '../support/cli.js';
import { get, openSocket } from '../support/host-client.js';
import { useTempDirs } from '../support/temp.js';

describe('baken serve --ui', () => {
  const tempDir = useTempDirs();
  const children: ChildProcess[] = [];
  const servers: Server[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const server of servers.splice(0)) server.close();
  });

  async function teamDevice() {
    const data = tempDir();
    expect((await run(data, 'init')).code).toBe(0);
    expect((await run(data, 'team', 'create', '--name', 'ROT Zuid')).code).toBe(0);
    return data;
  }

  it('finds dist/renderer of the package from the sources and from the build', () => {
    const expected = join(REPO, 'dist', 'renderer');
    expect(rendererDir(pathToFileURL(join(REPO, 'electron', 'cli', 'renderer-dir.ts')).href)).toBe(expected);
    expect(rendererDir(pathToFileURL(join(REPO, 'dist', 'electron', 'cli', 'renderer-dir.js')).href)).toBe(expected);
    expect(rendererDir()).toBe(expected);
    expect(() => rendererDir(pathToFileURL(join(tempDir(), 'cli', 'renderer-dir.js')).href)).toThrow(/^cannot find the Baken package above /);
  });

  it('refuses a wrong --ui-port before opening anything', async () => {
    const data = tempDir();
    for (const port of ['0', '65536', '80a', '-1', '']) {
      const result = await run(data, 'serve', '--no-mdns', '--ui', '--ui-port', port);
      expect(result, port).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(/^baken: --ui-port must be a whole number from 1 to 65535, not /);
    }
    expect(await run(data, 'serve', '--no-mdns', '--ui-port', '8080')).toEqual({ code: 2, stdout: '', stderr: 'baken: --ui-port needs --ui (the port is where the window is served)\n' });
    expect(readdirSync(data)).toEqual([]);
  });

  it('says in plain words that the window\'s port is in use, and leaves no node running', async () => {
    const data = await teamDevice();
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const result = await run(data, 'serve', '--listen', '127.0.0.1:0', '--no-mdns', '--ui', '--ui-port', String(port));
    expect(result).toEqual({
      code: 1, stdout: '',
      stderr: `baken: could not serve the window: port ${port} on 127.0.0.1 is already in use; choose another port, or none to take a free one\n`,
    });
    expect(existsSync(join(data, NODE_LOCK_FILE))).toBe(false);
    expect((await run(data, 'status', '--json')).stdout).toContain('"serving":false');
  });

  it('prints the window\'s address, serves the contract there, and closes it on SIGTERM', async () => {
    const data = await teamDevice();
    const child = spawn(process.execPath, sourceCli('--data', data, 'serve', '--listen', '127.0.0.1:0', '--no-mdns', '--ui'), { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        const found = /^Window: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})\n/m.exec(stdout);
        if (found) resolve(found[1]!);
      });
      child.once('exit', () => reject(new Error(`serve exited before printing the window: ${stderr}`)));
    });
    const { port, search } = new URL(url);
    const token = new URLSearchParams(search).get('token')!;

    const built = existsSync(join(REPO, 'dist', 'renderer', 'index.html'));
    const page = await get(Number(port), `/?token=${token}`);
    expect(page.status).toBe(built ? 200 : 503);
    if (!built) {
      expect(page.body).toBe('the window is not built: run npm run build\n');
      expect(stderr).toContain('the window is not built');
    }
    expect((await get(Number(port), '/')).status).toBe(403);

    const origin = `http://127.0.0.1:${port}`;
    const ws = await openSocket(`ws://127.0.0.1:${port}${WS_PATH}?token=${token}`, { Origin: origin });
    if ('refused' in ws) throw new Error(`refused: ${ws.refused}`);
    ws.socket.send(JSON.stringify({ type: 'call', id: 1, method: 'sync.status', input: {} }));
    expect(await ws.next()).toMatchObject({ type: 'result', id: 1, result: { ok: true, value: { serving: true, team: { name: 'ROT Zuid' } } } });

    child.kill('SIGTERM');
    expect(await ws.closed).toEqual({ code: 1001, reason: 'baken serve is stopping' });
    expect(await exited).toBe(0);
    await expect(get(Number(port), `/?token=${token}`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
