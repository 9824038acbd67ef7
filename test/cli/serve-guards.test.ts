import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli as run } from '../support/cli-in-process.js';
import { thisMachine } from '../../electron/backend/machine.js';
import { NODE_LOCK_FILE } from '../../electron/backend/node-lock.js';
import { openTestBackend, type TestBackend } from '../support/backend.js';
import { useTempDirs } from '../support/temp.js';

describe('baken serve: one node per data directory, plain words for where it cannot listen', () => {
  const tempDir = useTempDirs();
  const started: TestBackend[] = [];
  const servers: Server[] = [];
  afterEach(async () => {
    for (const backend of started.splice(0)) await backend.stop();
    for (const server of servers.splice(0)) server.close();
  });

  async function teamDevice() {
    const data = tempDir();
    expect((await run(data, 'init')).code).toBe(0);
    expect((await run(data, 'team', 'create', '--name', 'ROT Zuid')).code).toBe(0);
    return data;
  }

  async function node(data: string, listen = ['127.0.0.1:0']) {
    const backend = openTestBackend({ dataDir: data, network: { listen, mdns: false } });
    await backend.start();
    started.push(backend);
    return backend;
  }

  it('refuses a second node on the same data directory, and serves again once the first stopped', async () => {
    const data = await teamDevice();
    const first = await node(data);
    expect(existsSync(join(data, NODE_LOCK_FILE))).toBe(true);
    const second = await run(data, 'serve', '--listen', '127.0.0.1:0', '--no-mdns');
    expect(second).toMatchObject({ code: 1, stdout: '' });
    expect(second.stderr).toMatch(new RegExp(`^baken: a Baken node already runs on ${data} \\(pid ${process.pid}, since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\): one node per data directory; stop it first, or use that one\\n$`));
    await first.stop();
    expect(existsSync(join(data, NODE_LOCK_FILE))).toBe(false);
    await node(data);
  });

  it('takes over the lock a crashed node left', async () => {
    const data = await teamDevice();
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    const machine = thisMachine();
    writeFileSync(join(data, NODE_LOCK_FILE), JSON.stringify({ pid: dead, host: machine.host, machine: machine.id, boot: null, since: '2026-11-29T08:00:00.000Z', nonce: 'crashed' }));
    const backend = await node(data);
    expect((await backend.api['sync.status']({})).serving).toBe(true);
  });

  it('listens on HOST:PORT as --peer takes it (and on a multiaddr), refusing a name', async () => {
    const data = await teamDevice();
    const backend = await node(data, ['127.0.0.1:0']);
    expect((await backend.api['sync.status']({})).listen).toEqual([expect.stringMatching(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)]);
    await backend.stop();
    const multi = await node(data, ['/ip4/127.0.0.1/tcp/0']);
    expect((await multi.api['sync.status']({})).listen).toEqual([expect.stringMatching(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)]);
    await multi.stop();
    const named = await run(data, 'serve', '--listen', 'laptop-noord:4100', '--no-mdns');
    expect(named).toMatchObject({
      code: 2, stdout: '', stderr: 'baken: listen address "laptop-noord:4100": "laptop-noord" is not an IP address; listen on an address of this machine, or 0.0.0.0 for all of them\n',
    });
    expect((await run(data, 'serve', '--listen', '127.0.0.1:99999', '--no-mdns')).stderr).toBe('baken: port 99999 must be 0 (any free port) to 65535\n');
    expect(existsSync(join(data, NODE_LOCK_FILE))).toBe(false);
  });

  it('names the port that is in use, and leaves no lock behind', async () => {
    const data = await teamDevice();
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const busy = await run(data, 'serve', '--listen', `127.0.0.1:${port}`, '--no-mdns');
    expect(busy).toMatchObject({ code: 1, stdout: '' });
    expect(busy.stderr).toBe(`baken: could not start the network on /ip4/127.0.0.1/tcp/${port}: port ${port} on 127.0.0.1 is already in use (is another baken serve running?)\n`);
    expect(existsSync(join(data, NODE_LOCK_FILE))).toBe(false);
  });
});
