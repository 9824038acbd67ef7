import { createNodeEntryCrypto } from '../../electron/backend/node-crypto.js';
import { createEntryCheckPool, type EntryCheckPool } from '../../electron/backend/entry-checks/pool.js';
import { spawn } from 'node:child_process';
import { systemClock } from '../../electron/backend/clock.js';
import { openTestBackend, type TestBackend } from '../../test/support/backend.js';
import { readStatusFile } from '../../electron/backend/sync/status-file.js';
import { createSyncNode, type SyncNode } from '../../electron/backend/sync/node.js';
import { decodeInvite, encodeInvite } from '../../electron/backend/sync/team/invite.js';
import { createTeam, joinTeam, loadTeam, type Team } from '../../electron/backend/sync/team/team.js';
import type { AnyEntry } from '../../shared/domain/entry.js';
import { sourceCli } from '../../test/support/cli.js';
import { cpuSecondsOf } from '../lib/io.js';
import { makeTempDir, removeTempDir } from '../lib/temp.js';

export interface BenchPeer {
  dir: string;
  backend: TestBackend;
  node: SyncNode | null;
  /** Checks received entries on a second thread, as the app's node does (electron/backend/index.ts). */
  checks: EntryCheckPool | null;
  address: string | null;
}

/** One team for all bench peers, written into each data directory as `team create` / `join` would. */
export function benchTeam(peers: readonly BenchPeer[]) {
  const first = peers[0]!;
  createTeam(first.dir, 'bench', Date.now);
  const team = loadTeam(first.dir)!;
  for (const peer of peers.slice(1)) joinTeam(peer.dir, decodeInvite(encodeInvite(team, [])), Date.now);
  return team;
}

export function makePeer(label: string): BenchPeer {
  const dir = makeTempDir(label);
  return { dir, backend: openTestBackend({ dataDir: dir, create: true }), node: null, checks: null, address: null };
}

/**
 * Starts the peer's entry check thread, as the app starts it with its other parts before its sync
 * node; goOnline starts it when this was not called first. Resolves with how long it took (ms).
 */
export async function startEntryChecks(peer: BenchPeer): Promise<number> {
  const start = performance.now();
  peer.checks = createEntryCheckPool({ crypto: createNodeEntryCrypto(), clock: systemClock, warn: (line) => process.stderr.write(`${line}\n`) });
  await peer.checks.start();
  return performance.now() - start;
}

/** Starts a libp2p node on 127.0.0.1 (never mDNS: benches run in the host's namespace). */
export async function goOnline(peer: BenchPeer, team: Team, peers: string[] = []): Promise<void> {
  if (!peer.checks) await startEntryChecks(peer);
  const node = await createSyncNode({
    replica: peer.backend.store, checker: peer.checks!, knownPeers: peer.backend.store.knownPeers, signer: peer.backend.identity, sha256: createNodeEntryCrypto().sha256, events: peer.backend.events, clock: systemClock,
    team, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, peers,
  });
  await node.start();
  peer.node = node;
  peer.address = node.status().listen[0]!.replace(/\/p2p\/.*/, '');
}

export async function goOffline(peer: BenchPeer): Promise<void> {
  await peer.node?.stop();
  peer.node = null;
  await peer.checks?.stop();
  peer.checks = null;
}

/** Reopens a peer's backend after its data directory was used by another process. */
export function reopen(peer: BenchPeer): void {
  peer.backend.close();
  peer.backend = openTestBackend({ dataDir: peer.dir });
}

/**
 * Runs `baken serve` on a peer's data directory in a child process (a second laptop with its own CPU),
 * on 127.0.0.1 without mDNS. Resolves with its address once it is listening.
 */
export async function serveInChild(peer: BenchPeer): Promise<{ address: string; cpuSeconds(): number | null; stop(): Promise<number | null> }> {
  peer.backend.close();
  const child = spawn(process.execPath, sourceCli('--data', peer.dir, 'serve', '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let status: ReturnType<typeof readStatusFile> = null;
  await waitFor(() => (status = readStatusFile(peer.dir, Date.now())) !== null || child.exitCode !== null, 'baken serve to listen', 30_000);
  if (!status) throw new Error(`baken serve did not start: ${stderr}`);
  const address = (status as { listen: string[] }).listen[0]!.replace(/\/p2p\/.*/, '');
  return {
    address,
    cpuSeconds: () => cpuSecondsOf(child.pid),
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      peer.backend = openTestBackend({ dataDir: peer.dir });
      return code;
    },
  };
}

export async function closePeer(peer: BenchPeer): Promise<void> {
  await goOffline(peer);
  peer.backend.close();
  removeTempDir(peer.dir);
}

/**
 * Resolves once `peer` has stored `count` entries received from its sync peers, as its
 * entries.added events tell (the app's window learns of them the same way). Counting the rows
 * instead, every 10 ms while B synced, took 1.3 s of B's thread in a 7.7 s initial sync.
 */
export function storedFromPeers(peer: BenchPeer, count: number, what: string, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let stored = 0;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`bench: timed out waiting for ${what} (${stored} of ${count} entries stored)`));
    }, timeoutMs);
    const unsubscribe = peer.backend.on('entries.added', ({ entries, source }) => {
      if (source.type !== 'peer') return;
      stored += entries.length;
      if (stored < count) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

/**
 * Resolves once `check` holds, polling without sleeping so latencies are not rounded up to a timer
 * tick. Only for cheap checks: a costly one taxes the thread being timed (storedFromPeers).
 */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Bytes of entries as the protocol carries them (JSON), the yardstick for wire overhead. */
export function entryBytes(entries: readonly AnyEntry[]): number {
  return entries.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0);
}
