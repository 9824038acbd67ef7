import { generateKey } from '@libp2p/pnet';
import { createBackend, type Backend } from '../../electron/backend/index.js';
import { createSyncNode, type SyncNode } from '../../electron/backend/sync/node.js';
import type { SignedEntry } from '../../shared/domain/entry.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';

export interface BenchPeer {
  dir: string;
  backend: Backend;
  node: SyncNode | null;
  address: string | null;
}

export function benchTeam() {
  const psk = new Uint8Array(95);
  generateKey(psk);
  return { id: 'bench', name: 'bench', psk };
}

export function makePeer(label: string): BenchPeer {
  const dir = makeTempDir(label);
  return { dir, backend: createBackend({ dataDir: dir, create: true }), node: null, address: null };
}

/** Starts a libp2p node on 127.0.0.1 (never mDNS: benches run in the host's namespace). */
export async function goOnline(peer: BenchPeer, team: ReturnType<typeof benchTeam>, peers: string[] = []): Promise<void> {
  const node = await createSyncNode({ backend: peer.backend, team, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, peers });
  await node.start();
  peer.node = node;
  peer.address = node.status().listen[0]!.replace(/\/p2p\/.*/, '');
}

export async function goOffline(peer: BenchPeer): Promise<void> {
  await peer.node?.stop();
  peer.node = null;
}

export async function closePeer(peer: BenchPeer): Promise<void> {
  await goOffline(peer);
  peer.backend.close();
  removeTempDir(peer.dir);
}

/** Resolves once `check` holds, polling without sleeping so latencies are not rounded up to a timer tick. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Bytes of entries as the protocol carries them (JSON), the yardstick for wire overhead. */
export function entryBytes(entries: readonly SignedEntry[]): number {
  return entries.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0);
}
