import { afterEach, describe, expect, it } from 'vitest';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { useTempDirs } from '../../support/temp.js';

/**
 * `serve --ui` on a laptop in no team yet: the window comes up without sync, and sync starts as
 * soon as the window creates (or joins) the team, with no restart. On 127.0.0.1, without mDNS.
 */
describe('sync deferred until the device is in a team', () => {
  const tempDir = useTempDirs();
  const running: TestBackend[] = [];
  afterEach(async () => {
    for (const b of running.splice(0)) await b.stop();
  });

  it('starts the node when the team is created through the API, and stops it with the backend', async () => {
    const backend = openTestBackend({
      dataDir: tempDir(), create: true, network: { listen: ['127.0.0.1:0'], mdns: false },
      window: { rendererDir: tempDir(), port: 0 },
    });
    running.push(backend);
    await backend.start();
    expect((await backend.api['sync.status']({})).serving).toBe(false);
    expect(backend.windowUrl()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    await backend.api['team.create']({ name: 'ROT Brabant-Noord' });
    const status = await backend.api['sync.status']({});
    expect(status.serving).toBe(true);
    expect(status.listen.some((a) => a.includes('127.0.0.1'))).toBe(true);
  });

  it('without a window, a node without a team is still refused in plain words', async () => {
    const backend = openTestBackend({ dataDir: tempDir(), create: true, network: { listen: ['127.0.0.1:0'], mdns: false } });
    await expect(backend.start()).rejects.toThrow(/in no team yet/);
    backend.close();
  });
});
