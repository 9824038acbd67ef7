import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli as run, jsonCli as json } from '../support/cli-in-process.js';
import { openTestBackend } from '../support/backend.js';
import { sourceCli } from '../support/cli.js';
import { useTempDirs } from '../support/temp.js';

async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('baken peer list / peer remove, and what team invite carries', () => {
  const tempDir = useTempDirs();
  const children: ChildProcess[] = [];
  const servers: Server[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const server of servers.splice(0)) server.close();
  });

  async function teamDevice() {
    const data = tempDir();
    await json(data, 'init');
    await json(data, 'team', 'create', '--name', 'ROT Zuid');
    return data;
  }

  async function serve(data: string, ...args: string[]) {
    const child = spawn(process.execPath, sourceCli('--data', data, 'serve', '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', ...args), { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const status = await until(async () => {
      const s = await json(data, 'status');
      return s.serving ? s : null;
    }, 'serve to start');
    return { child, exited, port: Number((status.listen[0] as string).split('/')[4]) };
  }

  /** A TCP port where something listens but hangs up at once, counting the connections it gets. */
  async function refusingPort() {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as { port: number }).port, connections: () => connections };
  }

  it('lists the known peers (--json and readable) and removes one by the address as listed or as typed', async () => {
    const data = await teamDevice();
    expect((await run(data, 'peer', 'list')).stdout).toBe('No known peers. Add one with: baken peer add HOST:PORT\n');
    await json(data, 'peer', 'add', '10.0.0.7:4100');
    await json(data, 'peer', 'add', '/ip4/10.0.0.8/tcp/4100');
    const listed = await json(data, 'peer', 'list');
    expect(listed).toEqual([
      expect.objectContaining({ address: '/ip4/10.0.0.7/tcp/4100', source: 'manual', reached: false, lastConnected: null, lastError: null, connected: false }),
      expect.objectContaining({ address: '/ip4/10.0.0.8/tcp/4100', source: 'manual', reached: false }),
    ]);
    expect((await run(data, 'peer', 'list')).stdout).toMatch(/^\/ip4\/10\.0\.0\.7\/tcp\/4100 +added by hand +never reached\n/);

    const removed = await run(data, 'peer', 'remove', '10.0.0.7:4100');
    expect(removed).toMatchObject({ code: 0, stdout: 'Peer /ip4/10.0.0.7/tcp/4100 removed; it is no longer dialled.\n' });
    expect(await json(data, 'peer', 'remove', '/ip4/10.0.0.8/tcp/4100')).toEqual({ address: '/ip4/10.0.0.8/tcp/4100' });
    expect(await json(data, 'peer', 'list')).toEqual([]);
  });

  it('refuses to remove an unknown or mistyped address in plain words, naming it, and changes nothing', async () => {
    const data = await teamDevice();
    await json(data, 'peer', 'add', '10.0.0.7:4100');
    expect(await run(data, 'peer', 'remove', '10.0.0.9:4100')).toMatchObject({
      code: 1, stdout: '', stderr: 'baken: no known peer has the address /ip4/10.0.0.9/tcp/4100 (baken peer list shows them)\n',
    });
    expect(await run(data, 'peer', 'remove', '10.0.0.9')).toMatchObject({ code: 2, stderr: expect.stringContaining('"10.0.0.9" must be host:port') });
    expect(await run(data, 'peer', 'remove')).toMatchObject({ code: 2, stderr: 'baken: ADDR is required\n' });
    expect((await json(data, 'peer', 'list')).map((p: { address: string }) => p.address)).toEqual(['/ip4/10.0.0.7/tcp/4100']);
  });

  it('shows text it did not write itself with control characters escaped', async () => {
    const data = await teamDevice();
    const backend = openTestBackend({ dataDir: data });
    backend.store.knownPeers.add('/dns4/evil\u001b[2J.local/tcp/4100', 'invite');
    backend.store.knownPeers.markFailed('/dns4/evil\u001b[2J.local/tcp/4100', 'refused\u202e');
    backend.close();
    const shown = (await run(data, 'peer', 'list')).stdout;
    expect(shown).toContain('/dns4/evil\\u{1b}[2J.local/tcp/4100');
    expect(shown).toContain('refused\\u{202e}');
    expect(shown).not.toMatch(/[\u001b\u202e]/);
    // status too, where a peer's problem may quote its error frame; and --json keeps the text exact but escaped.
    const status = (await run(data, 'status')).stdout;
    expect(status).toContain('refused\\u{202e}');
    expect(status).not.toMatch(/[\u001b\u202e]/);
    const json = (await run(data, 'status', '--json')).stdout;
    expect(json).not.toMatch(/[\u001b\u202e]/);
    expect(JSON.stringify(JSON.parse(json))).toContain('refused\u202e');
  });

  it('an invite while serve listens only on 127.0.0.1 carries the key and no address, and says plainly what to do; after serve stops it still names that port', async () => {
    const data = await teamDevice();
    const node = await serve(data);
    const invite = await json(data, 'team', 'invite');
    expect(invite).toMatchObject({ addresses: [], reach: { from: 'serving', ports: [node.port], problem: 'loopback-only' } });
    const human = (await run(data, 'team', 'invite')).stdout;
    expect(human).toContain(`It carries no address: the running node listens only on this machine (loopback, port ${node.port}), which teammates cannot reach.`);
    expect(human).toContain(`baken peer add ADDRESS:${node.port}`);

    // The code works: a teammate joins with it (and has no address to dial yet).
    const teammate = tempDir();
    await json(teammate, 'init');
    expect(await json(teammate, 'team', 'join', invite.code)).toMatchObject({ id: invite.team.id, peersAdded: 0 });

    node.child.kill('SIGTERM');
    expect(await node.exited).toBe(0);
    const later = await run(data, 'team', 'invite');
    expect(later.stdout).toContain(`the last baken serve listened only on this machine (loopback, port ${node.port})`);
  });

  it('a running serve forgets a removed peer: it drops from status and is no longer dialled, while the others still are', async () => {
    const data = await teamDevice();
    const gone = await refusingPort();
    const kept = await refusingPort();
    const goneAddress = `/ip4/127.0.0.1/tcp/${gone.port}`;
    await serve(data, '--peer', `127.0.0.1:${gone.port}`, '--peer', `127.0.0.1:${kept.port}`);
    await until(async () => gone.connections() > 0 && kept.connections() > 0, 'serve to dial both peers');
    await until(async () => (await json(data, 'peer', 'list')).find((p: { address: string; lastError: string | null }) => p.address === goneAddress && p.lastError), 'the failed dial to be recorded');

    expect(await json(data, 'peer', 'remove', `127.0.0.1:${gone.port}`)).toEqual({ address: goneAddress });
    await until(async () => !(await json(data, 'status')).peers.some((p: { address: string }) => p.address === goneAddress), 'serve to drop the peer from its status');
    const goneBefore = gone.connections();
    const keptBefore = kept.connections();
    await until(async () => kept.connections() > keptBefore, 'serve to dial the peer it still knows again');
    // Longer than the dialler's backoff after one or two failed dials (2 s, then 4 s, each ±20%).
    await pause(5000);
    expect(gone.connections()).toBe(goneBefore);
  });
});
