import type { Libp2p } from '@libp2p/interface';
import { afterEach, describe, expect, it } from 'vitest';
import { createDialer } from '../../../electron/backend/sync/dialer.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { manualClock } from '../../support/manual-clock.js';
import { useTempDirs } from '../../support/temp.js';

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('the dialer and the known peers', () => {
  const tempDir = useTempDirs();
  const open: TestBackend[] = [];
  afterEach(() => {
    for (const backend of open.splice(0)) backend.close();
  });

  it('stops dialling an address once it is removed from the known peers, as peer remove does while a node runs', async () => {
    const clock = manualClock();
    const backend = openTestBackend({ dataDir: tempDir(), create: true, clock });
    open.push(backend);
    const dialled: string[] = [];
    const node = {
      dial: async (target: unknown) => {
        dialled.push(String(target));
        throw new Error('connection refused');
      },
      getConnections: () => [],
    } as unknown as Libp2p;
    const dialer = createDialer({ node, knownPeers: backend.store.knownPeers, clock, log: () => {} });
    backend.store.knownPeers.add('/ip4/10.0.0.7/tcp/4100', 'invite');
    backend.store.knownPeers.add('/ip4/10.0.0.8/tcp/4100', 'manual');

    dialer.redial();
    await settled();
    expect(dialled.sort()).toEqual(['/ip4/10.0.0.7/tcp/4100', '/ip4/10.0.0.8/tcp/4100']);

    expect(backend.store.knownPeers.remove('/ip4/10.0.0.7/tcp/4100')).toBe(true);
    // Long past any backoff: both addresses would be due again.
    clock.advance(60_000);
    dialled.length = 0;
    dialer.redial();
    await settled();
    expect(dialled).toEqual(['/ip4/10.0.0.8/tcp/4100']);
  });
});
