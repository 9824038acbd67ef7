import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startParts, type Part } from '../../electron/backend/lifecycle.js';
import { STATUS_FILE } from '../../electron/backend/sync/status-file.js';
import { openTestBackend, type TestBackend } from '../support/backend.js';
import { manualClock } from '../support/manual-clock.js';
import { useTempDirs } from '../support/temp.js';

function part(name: string, log: string[], failOnStart = false): Part {
  return {
    name,
    start: async () => {
      if (failOnStart) throw new Error(`${name} cannot start`);
      log.push(`start ${name}`);
    },
    stop: () => void log.push(`stop ${name}`),
  };
}

/** Sockets, servers and timers this process holds: what a leaking start() would leave behind. */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) if (/TCP|Timeout|Immediate/.test(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

describe('starting and stopping the backend', () => {
  const tempDir = useTempDirs();
  const opened: TestBackend[] = [];
  const servers: Server[] = [];
  afterEach(async () => {
    for (const b of opened.splice(0)) await b.stop();
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  it('once stopped, every method answers that the backend was stopped, logging no internal error', async () => {
    const lines: string[] = [];
    const backend = openTestBackend({ dataDir: tempDir(), create: true, log: (line) => lines.push(line) });
    await backend.api['incident.create']({ title: 'Stroomstoring Zuidoost', classification: 'intern' });
    await backend.stop();
    for (const call of [() => backend.api['people.list']({}), () => backend.api['log.list']({ limit: 5 }), () => backend.api['incident.list']({})]) {
      await expect(call()).rejects.toMatchObject({ code: 'conflict', message: 'the backend was stopped; open a new one' });
    }
    expect(lines).toEqual([]);
  });

  it('stops the parts already started, in reverse order, when one fails to start', async () => {
    const log: string[] = [];
    await expect(startParts([part('a', log), part('b', log), part('c', log, true), part('d', log)])).rejects.toThrow('c cannot start');
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
    const stopAll = await startParts([part('a', log), part('b', log)]);
    log.length = 0;
    await stopAll();
    expect(log).toEqual(['stop b', 'stop a']);
  });

  it('a network that cannot start (port in use) fails start() with a network error and leaves nothing running', async () => {
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    const dataDir = tempDir();
    const setup = openTestBackend({ dataDir, create: true });
    await setup.api['team.create']({ name: 'ROT Test' });
    setup.close();

    const clock = manualClock();
    const before = handles();
    const backend = openTestBackend({ dataDir, clock, network: { listen: [`/ip4/127.0.0.1/tcp/${port}`], mdns: false } });
    opened.push(backend);
    const failure = await backend.start().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'network', message: `could not start the network on /ip4/127.0.0.1/tcp/${port}: port ${port} on 127.0.0.1 is already in use (is another baken serve running?)` });
    // The checkpointer and the watcher had started before the node failed: all stopped again.
    expect(clock.pending()).toBe(0);
    expect(existsSync(join(dataDir, STATUS_FILE))).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    const after = handles();
    for (const [kind, count] of Object.entries(after)) expect(count, kind).toBeLessThanOrEqual(before[kind] ?? 0);
    // The backend still answers, and a later start can succeed.
    expect((await backend.api['device.info']({})).entries).toBe(0);
  });

  it('a network without a team fails start() with not-found before anything starts', async () => {
    const clock = manualClock();
    const backend = openTestBackend({ dataDir: tempDir(), create: true, clock, network: { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false } });
    opened.push(backend);
    await expect(backend.start()).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/no team/) });
    expect(clock.pending()).toBe(0);
  });
});
