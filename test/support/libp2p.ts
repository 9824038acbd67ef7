import '../../electron/backend/polyfills.js';
import { generateKey } from '@libp2p/pnet';
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../electron/backend/clock.js';
import { buildClockIndex } from '../../electron/backend/sync/clock-index.js';
import { createEntryCheckPool, type EntryCheckPool } from '../../electron/backend/entry-checks/pool.js';
import { createSyncNode, type SyncNode } from '../../electron/backend/sync/node.js';
import type { Limits } from '../../electron/backend/sync/protocol.js';
import { openTestBackend, type TestBackend } from './backend.js';
import { nodeCrypto } from './entries.js';

/** A team's pre-shared key, as `team create` makes one (not written to any data directory). */
export function teamKey() {
  const psk = new Uint8Array(95);
  generateKey(psk);
  return { id: randomBytes(8).toString('hex'), name: 'ROT test', psk };
}
export type TestTeam = ReturnType<typeof teamKey>;

/** A hello from a device with an empty log, as /baken/sync/2.0.0 has it. */
export function emptyHello(device: string, time: number) {
  return { type: 'hello' as const, versions: ['2.0'], device, time, clock: buildClockIndex(new Map(), nodeCrypto.sha256).summary('') };
}

export async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Everything in tests dials from 127.0.0.1: libp2p's per-address inbound rate limit may refuse a burst of new connections for a moment. */
export async function retrying<T>(attempt: () => Promise<T>, tries = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= tries) throw error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** Laptops running a real sync node on 127.0.0.1 (never mDNS: tests run in the host's namespace); stop them all with `stopAll`. */
export function laptops(tempDir: () => string) {
  const running: { node: SyncNode; backend: TestBackend; checks: EntryCheckPool | null }[] = [];
  return {
    /** `checks`: received entries are checked on an entry check thread (as the app's node does), else by the store itself. */
    async start(team: TestTeam, options: { peers?: string[]; limits?: Partial<Limits>; clock?: Clock; checks?: boolean } = {}) {
      const backend = openTestBackend({ dataDir: tempDir(), create: true, clock: options.clock });
      const checks = options.checks ? createEntryCheckPool({ crypto: nodeCrypto, clock: options.clock ?? systemClock, warn: (line) => console.warn(line) }) : null;
      await checks?.start();
      const node = await createSyncNode({
        replica: backend.store, knownPeers: backend.store.knownPeers, signer: backend.identity, sha256: nodeCrypto.sha256, events: backend.events,
        clock: options.clock ?? systemClock, team, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, peers: options.peers, limits: options.limits, checker: checks ?? undefined,
      });
      await node.start();
      running.push({ node, backend, checks });
      const address = node.status().listen[0]!.replace(/\/p2p\/.*/, '');
      return { backend, node, address, checks };
    },
    async stopAll() {
      for (const { node, backend, checks } of running.splice(0)) {
        await node.stop();
        await checks?.stop();
        backend.close();
      }
    },
  };
}
