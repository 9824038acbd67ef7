import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_NETWORK, createBackendHost, type BackendHost } from '../../electron/main/backend-host.js';
import { createBackend, type Backend, type BackendOptions } from '../../electron/backend/index.js';
import { DEFAULT_SYNC_PORT } from '../../shared/contract/sync.js';
import { useTempDirs } from '../support/temp.js';

/**
 * How the app runs the backend (electron/main/backend-host.ts), with a real backend in a temporary
 * directory. The network here is loopback only with mDNS off (never mDNS in tests); the app itself
 * uses APP_NETWORK.
 */
const LOOPBACK = { listen: ['127.0.0.1:0'], mdns: false, peers: [] };

describe('the app\'s backend host', () => {
  const tempDir = useTempDirs();
  const hosts: BackendHost[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.stop();
  });
  const make = (network = LOOPBACK) => {
    const lines: string[] = [];
    const host = createBackendHost({ dataDir: tempDir(), network, log: (line) => lines.push(line) });
    hosts.push(host);
    return { host, lines };
  };

  it('joins the network as `baken serve` does by default: every address, port 4100, mDNS on', () => {
    expect(APP_NETWORK).toEqual({ listen: [`0.0.0.0:${DEFAULT_SYNC_PORT}`], mdns: true, peers: [] });
  });

  it('on a first run (no team yet) runs without the network and says why; after team.create it runs the sync node', async () => {
    const { host } = make();
    const status = await host.start();
    expect(status).toMatchObject({ network: 'off', problem: { code: 'not-found' } });
    await expect(host.invoke('sync.status', {})).resolves.toMatchObject({ ok: true, value: { serving: false } });

    const seen: string[] = [];
    host.on('entries.added', (payload) => seen.push(payload.incidents[0]!));
    await expect(host.invoke('team.create', { name: 'Noord' })).resolves.toMatchObject({ ok: true });
    expect(host.status()).toEqual({ network: 'running', problem: null });
    await expect(host.invoke('sync.status', {})).resolves.toMatchObject({ ok: true, value: { serving: true } });

    // Subscriptions made before the reopening still hear the new backend.
    const made = await host.invoke('incident.create', { title: 'Uitval NAFIN' });
    expect(made.ok).toBe(true);
    expect(seen).toEqual([(made as { value: { id: string } }).value.id]);
  });

  it('starts with the network when the device is in a team', async () => {
    const dataDir = tempDir();
    const first = createBackendHost({ dataDir });
    await first.start();
    await first.invoke('team.create', { name: 'Noord' });
    await first.stop();
    const host = createBackendHost({ dataDir, network: LOOPBACK });
    hosts.push(host);
    await expect(host.start()).resolves.toEqual({ network: 'running', problem: null });
  });

  it('stop() closes the backend; later calls get error data, not a crash; stopping twice is fine', async () => {
    const { host } = make();
    await host.start();
    const unsubscribeAfterStop = host.on('progress', () => {});
    await host.stop();
    await host.stop();
    unsubscribeAfterStop();
    await expect(host.invoke('incident.list', {})).resolves.toEqual({ ok: false, error: { code: 'conflict', message: 'Baken is shutting down' } });
  });

  it('hands its nativeBinding to the backend: one that cannot load leaves the window a plain-words error and nothing written', async () => {
    const root = tempDir();
    const dataDir = join(root, 'data');
    const notAModule = join(root, 'better_sqlite3.node');
    writeFileSync(notAModule, 'not a compiled module');
    const lines: string[] = [];
    const host = createBackendHost({ dataDir, network: LOOPBACK, nativeBinding: notAModule, log: (line) => lines.push(line) });
    hosts.push(host);
    const status = await host.start();
    expect(status).toMatchObject({ network: 'off', problem: { code: 'storage', message: expect.stringMatching(/^Baken cannot open its log: the database module .* could not be loaded/) } });
    // What the window gets for its first call, and so shows (App's start error).
    await expect(host.invoke('device.origin', {})).resolves.toEqual({ ok: false, error: status.problem });
    expect(lines).toContain(`the backend did not open: ${status.problem!.message}`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a call in flight finishes before the database closes', async () => {
    // Each call waits a little before it reaches the backend, so stop() comes while it is in flight.
    const slow = (options: BackendOptions): Backend => {
      const backend = createBackend(options);
      return { ...backend, invoke: async (method, input) => (await new Promise((r) => setTimeout(r, 50)), backend.invoke(method, input)) };
    };
    const host = createBackendHost({ dataDir: tempDir(), open: slow });
    hosts.push(host);
    await host.start();
    const call = host.invoke('incident.create', { title: 'just before quitting' });
    await new Promise((r) => setTimeout(r, 10));
    const stopped = host.stop();
    await expect(call).resolves.toMatchObject({ ok: true });
    await stopped;
  });
});
