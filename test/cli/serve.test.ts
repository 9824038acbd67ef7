import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { main, type Io } from '../../electron/cli/baken.js';
import { sourceCli } from '../support/cli.js';
import { useTempDirs } from '../support/temp.js';

async function cli(data: string, ...args: string[]): Promise<any> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), env: {} };
  const code = await main(['--data', data, ...args, '--json'], io);
  if (code !== 0) throw new Error(`baken ${args.join(' ')} exited ${code}: ${err}`);
  return JSON.parse(out);
}

async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('baken serve in separate processes on 127.0.0.1', () => {
  const tempDir = useTempDirs();
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  async function team(count: number) {
    const dirs = Array.from({ length: count }, () => tempDir());
    for (const dir of dirs) await cli(dir, 'init');
    await cli(dirs[0]!, 'team', 'create', '--name', 'ROT Zuid');
    const { code } = await cli(dirs[0]!, 'team', 'invite');
    for (const dir of dirs.slice(1)) await cli(dir, 'team', 'join', code);
    return dirs;
  }

  async function serve(data: string, peers: string[] = []) {
    const child = spawn(process.execPath, sourceCli('--data', data, 'serve', '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', ...peers.flatMap((p) => ['--peer', p])), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const status = await until(async () => {
      const s = await cli(data, 'status');
      return s.serving ? s : null;
    }, 'serve to start');
    return { child, exited, address: (status.listen[0] as string).replace(/\/p2p\/.*/, '') };
  }

  const ids = async (data: string) => (await cli(data, 'log', 'list')).map((e: { id: string }) => e.id).sort();

  it('two nodes sync both ways, CLI writes while serving reach the peer, and SIGTERM stops cleanly', async () => {
    const [a, b] = await team(2);
    const nodeA = await serve(a!);
    const nodeB = await serve(b!, [nodeA.address]);
    const { id: incident } = await cli(a!, 'incident', 'create', '--title', 'Stroomuitval');
    await until(async () => (await cli(b!, 'incident', 'list')).length === 1, 'incident on B');
    const reply = await cli(b!, 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'Aggregaat draait');
    await until(async () => (await ids(a!)).includes(reply.id), 'reply on A');
    expect(await ids(a!)).toEqual(await ids(b!));

    // `serve` republishes its status file every 250 ms, so the file may still show the moment before
    // B's push was acknowledged: wait for it to settle rather than read it once.
    type PeerRow = { address: string; lastSync: string | null; ahead: number | null; behind: number | null };
    const peerA = await until(async () => {
      const row = (await cli(b!, 'status')).peers.find((p: PeerRow) => p.address === nodeA.address);
      return row?.lastSync && row.ahead === 0 && row.behind === 0 ? row : null;
    }, 'B to report A as in sync');
    expect(peerA).toMatchObject({ connected: true, behind: 0, ahead: 0, problem: null });

    nodeA.child.kill('SIGTERM');
    nodeB.child.kill('SIGINT');
    expect(await nodeA.exited).toBe(0);
    expect(await nodeB.exited).toBe(0);
    expect((await cli(a!, 'status')).serving).toBe(false);
    expect((await cli(a!, 'verify')).ok).toBe(true);
  });

  it('three nodes in a line converge (A–B–C, A and C never connect)', async () => {
    const [a, b, c] = await team(3);
    const nodeA = await serve(a!);
    const nodeB = await serve(b!, [nodeA.address]);
    const nodeC = await serve(c!, [nodeB.address]);
    const { id: incident } = await cli(a!, 'incident', 'create', '--title', 'Hoogwater');
    const fromC = await until(async () => {
      if ((await cli(c!, 'incident', 'list')).length !== 1) return null;
      return cli(c!, 'action', 'add', '--incident', incident, '--text', 'Zandzakken naar dijk', '--owner', 'Waterschap');
    }, 'incident on C');
    await until(async () => (await ids(a!)).includes(fromC.id), 'C→B→A');
    const all = await ids(a!);
    expect(await ids(b!)).toEqual(all);
    expect(await ids(c!)).toEqual(all);
    const connectedToA = (await cli(a!, 'status')).peers.filter((p: { connected: boolean }) => p.connected);
    expect(connectedToA.map((p: { id: string }) => p.id)).not.toContain((await cli(c!, 'status')).peerId);
    for (const node of [nodeA, nodeB, nodeC]) node.child.kill('SIGTERM');
    for (const node of [nodeA, nodeB, nodeC]) expect(await node.exited).toBe(0);
  });
});
