import { join } from 'node:path';
import type { BackendSurface } from '../../shared/contract/api.js';
import { createApiClient } from '../../shared/contract/client.js';
import { BakenError } from '../../shared/contract/errors.js';
import { mergeDisjoint } from '../../shared/contract/method.js';
import { systemClock, type Clock } from './clock.js';
import { openDevice, type Device } from './device.js';
import { createEventHub, type EventHub } from './events.js';
import { createActionHandlers } from './handlers/actions.js';
import { createEntryWriter } from './handlers/appender.js';
import { createBundleHandlers } from './handlers/bundles.js';
import { createDeviceHandlers } from './handlers/device.js';
import { createLogHandlers } from './handlers/log.js';
import { createPeopleHandlers } from './handlers/people.js';
import { createReportHandlers } from './handlers/reports.js';
import { createResolver } from './handlers/resolve.js';
import { BAKEN_VERSION } from '../../shared/version.js';
import { createSyncHandlers, type LiveNode } from './handlers/sync.js';
import { createInvoke } from './invoke.js';
import { thisMachine, type Machine } from './machine.js';
import { acquireNodeLock } from './node-lock.js';
import { checkOrigin, type Origin } from './origin.js';
import type { ApiMethod } from '../../shared/contract/api.js';
import { createNodeEntryCrypto } from './node-crypto.js';
import { createEntryCheckPool } from './entry-checks/pool.js';
import { startParts, type Part } from './lifecycle.js';
import { createCheckpointer } from './parts/checkpointer.js';
import { createSearchIndexer } from './parts/search-indexer.js';
import { createExternalWritesWatcher } from './parts/external-writes.js';
import { createWindowPart } from './host/window-part.js';
import { parseListenAddress } from './sync/addresses.js';
import { listenPoints, rememberListen } from './sync/reach.js';
import type { SyncNode } from './sync/node.js';
import { createStatusPublisher } from './sync/status-publisher.js';
import { loadTeam } from './sync/team/team.js';
import { createTransferHandlers } from './handlers/transfers.js';
import { createTransferStore } from './transfers/transfer-store.js';

export interface BackendOptions {
  dataDir: string;
  /** Time and timers (default: the system clock); tests give each peer its own, skewed or stuck. */
  clock?: Clock;
  /** Entries stamped further ahead than this are flagged as clock skew (default 5 minutes). */
  maxSkewMs?: number;
  /** Make the data directory when missing (the app and `baken init` do; other commands refuse). */
  create?: boolean;
  /** Join the team's network on start(): where to listen (host:port or multiaddrs), mDNS on or off, extra peers to dial. */
  network?: { listen: string[]; mdns: boolean; peers?: string[] };
  /** Which computer this is (default: the operating system's machine id, machine.ts). */
  machine?: Machine;
  /** Where the backend's own diagnostics go (dials, protocol strikes); default: nowhere. */
  log?: (line: string) => void;
  /**
   * Serve the window on start() without Electron (`baken serve --ui`): the renderer's build from
   * `rendererDir` and the contract over a WebSocket, on 127.0.0.1 only; port 0 (default) takes a free one.
   */
  window?: { rendererDir: string; port?: number };
  /**
   * The better_sqlite3.node to load instead of node_modules' own: the app run by `npm start` passes
   * the build made for its Electron (store/sqlite-module.ts). One that cannot load is refused in
   * plain words before anything is written.
   */
  nativeBinding?: string;
}

/** What a user interface gets: the contract's methods and events, and the backend's lifecycle. */
export interface Backend extends BackendSurface {
  /** Starts the background parts (checkpoints, noticing other processes' writes) and, with `network`, the sync node. */
  start(): Promise<void>;
  /** Stops whatever runs, then closes the database. Safe to call more than once, and without start(). */
  stop(): Promise<void>;
  /** With `window`: the address to open (`http://127.0.0.1:PORT/?token=…`) while started; null otherwise. */
  windowUrl(): string | null;
}

/** The backend a user interface runs (CLI, Electron main, headless host). */
export function createBackend(options: BackendOptions): Backend {
  return openBackend(options).backend;
}

/**
 * The composition root: opens this device's log and wires the parts, each with only what it uses.
 * Returns the device and the event hub too, for tests and benchmarks that look at the store
 * directly or run a sync node of their own on it.
 */
export function openBackend(options: BackendOptions): { backend: Backend; device: Device; events: EventHub } {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => {});
  const device = openDevice({ dataDir: options.dataDir, clock, maxSkewMs: options.maxSkewMs, create: options.create, nativeBinding: options.nativeBinding });
  const { store, dataDir } = device;
  const events = createEventHub((event, error) => log(`a listener of ${event} failed: ${(error as Error)?.message ?? String(error)}`));
  const writer = createEntryWriter({ store, emit: events.emit, now: clock.now });
  const resolve = createResolver({ store, crypto: device.crypto });
  let liveNode: LiveNode | null = null;
  const machine = options.machine ?? thisMachine();
  let origin: Origin = checkOrigin(dataDir, machine, clock.now(), log);
  let replacedKey: string | null = null;

  /** A copied data directory writes and syncs nothing until the person chooses; a replaced key signs nothing more. */
  const refusal = (method: ApiMethod | 'start'): BakenError | null => {
    // Its database is closed: a clear answer, not an internal error from SQLite.
    if (state === 'stopped' && method !== 'start') return new BakenError('conflict', 'the backend was stopped; open a new one');
    if (replacedKey !== null && method !== 'device.origin') {
      return new BakenError('conflict', `this device's key was just replaced (the new one is ${replacedKey}); open Baken again to go on with it`);
    }
    if (origin.status === 'moved' && !ANSWERED_WHILE_MOVED.has(method)) return new BakenError('conflict', movedMessage(origin.recorded.host, machine.host, store.author));
    return null;
  };

  /** A large bundle import checks its entries on a thread of its own, started for it. */
  const lendEntryChecker = async () => {
    const pool = createEntryCheckPool({ crypto: device.crypto, clock, warn: log });
    await pool.start();
    return { checker: pool, release: async () => pool.stop() };
  };
  const transfers = createTransferStore({ dir: join(dataDir, 'transfers'), clock });
  const handlers = mergeDisjoint(
    'the backend handlers',
    createLogHandlers({ store, writer, resolve, crypto: device.crypto, now: clock.now }),
    createActionHandlers({ store, writer, resolve, crypto: device.crypto, now: clock.now }),
    createPeopleHandlers({ store, writer, dataDir }),
    createSyncHandlers({ store, dataDir, now: clock.now, liveNode: () => liveNode }),
    createBundleHandlers({ replica: store, dataDir, now: clock.now, emit: events.emit, transfers, lendEntryChecker }),
    createTransferHandlers({ transfers }),
    createReportHandlers({ store, writer, resolve, crypto: device.crypto, now: clock.now, context: () => ({ version: BAKEN_VERSION, team: teamName(dataDir) }) }),
    createDeviceHandlers({
      dataDir, machine, now: clock.now, author: store.author, origin: () => origin, setOrigin: (o) => (origin = o), keyReplaced: (device) => (replacedKey = device),
    }),
  );
  const checkedInvoke = createInvoke(
    handlers,
    (method, error) => log(`internal error in ${method}: ${(error as Error)?.stack ?? String(error)}`),
    (method) => {
      const refused = refusal(method);
      if (refused) throw refused;
    },
  );

  let state: 'idle' | 'starting' | 'running' | 'stopped' = 'idle';
  let stopParts: (() => Promise<void>) | null = null;
  /** A network was asked for but the device was in no team: it starts once the window creates or joins one. */
  let networkDeferred = false;

  const startDeferredNetwork = async () => {
    if (!networkDeferred || state !== 'running') return;
    networkDeferred = false;
    try {
      const stopNetwork = await startParts(await networkParts(), (part, error) => log(`stopping the ${part} failed: ${(error as Error)?.message ?? String(error)}`));
      const stopRest = stopParts;
      stopParts = async () => {
        await stopNetwork();
        await stopRest?.();
      };
    } catch (error) {
      // The team is joined all the same; sync waits for the next start, which the status shows.
      log(`could not start syncing after joining the team: ${(error as Error)?.message ?? String(error)}`);
    }
  };
  /** Every user interface's invoke: the checked one, and sync started as soon as the device is in a team. */
  const invoke: typeof checkedInvoke = async (method, input) => {
    const result = await checkedInvoke(method, input);
    if (result.ok && (method === 'team.create' || method === 'team.join')) await startDeferredNetwork();
    return result;
  };

  /** The sync node and its status publisher, when a network was asked for; libp2p loads only then. */
  const networkParts = async (): Promise<Part[]> => {
    if (!options.network) return [];
    const network = { ...options.network, listen: options.network.listen.map(parseListenAddress) };
    const team = loadTeam(dataDir);
    if (!team && options.window) {
      // The window is where a person creates or joins the team on first run, so it comes up without sync until then.
      networkDeferred = true;
      return [];
    }
    if (!team) throw new BakenError('not-found', 'this device is in no team yet; run: baken team create --name NAME, or baken team join CODE');
    // Before libp2p loads or anything listens: a second node on this directory is refused at once.
    const lock = acquireNodeLock(dataDir, { machine, now: clock.now });
    // The key was loaded when this backend opened; `device new-identity` may have retired it since,
    // before this lock was taken. A node must not announce itself with a retired key.
    try {
      device.identity.assertCurrent();
    } catch (error) {
      lock.release();
      throw error;
    }
    // Received entries are checked on a second thread while the batch before is stored.
    const entryChecks = createEntryCheckPool({ crypto: device.crypto, clock, warn: log });
    let node: SyncNode;
    try {
      const { createSyncNode } = await import('./sync/node.js');
      node = await createSyncNode({
        replica: store, checker: entryChecks, knownPeers: store.knownPeers, signer: device.identity, sha256: createNodeEntryCrypto().sha256, events, clock, team, maxSkewMs: options.maxSkewMs, log, ...network,
      });
    } catch (error) {
      lock.release();
      throw error;
    }
    const locked: Part = { name: 'node lock', start: async () => {}, stop: async () => lock.release() };
    const exposed: Part = {
      name: 'sync node',
      start: async () => {
        await node.start();
        liveNode = node;
        try {
          rememberListen(dataDir, listenPoints(network.listen, node.status().listen), clock.now());
        } catch (error) {
          // Only invites made while no node runs need it; the node itself works without.
          log(`could not remember where the node listens: ${(error as Error).message}`);
        }
      },
      stop: async () => {
        liveNode = null;
        await node.stop();
      },
    };
    return [locked, entryChecks, exposed, createStatusPublisher({ dataDir, status: () => node.status(), clock, log })];
  };

  // Over the WebSocket, the same invoke (the same validation and gate) and the same events as every other user interface.
  const windowPart = options.window
    ? createWindowPart({ surface: { invoke, on: events.on }, rendererDir: options.window.rendererDir, port: options.window.port ?? 0, log })
    : null;

  const backend: Backend = {
    api: createApiClient(invoke),
    invoke,
    on: events.on,
    async start() {
      if (state !== 'idle') throw new BakenError('conflict', state === 'stopped' ? 'the backend was stopped; open a new one' : 'the backend is already started');
      const refused = refusal('start');
      if (refused) throw refused;
      state = 'starting';
      try {
        stopParts = await startParts(
          [
            createCheckpointer({ checkpoint: () => store.checkpoint(), writes: () => store.writes(), clock }),
            createSearchIndexer({ backlog: { size: () => store.searchBacklogSize(), indexSome: () => store.indexSearchBacklogPass(), index: () => store.indexSearchBacklog() }, clock }),
            createExternalWritesWatcher({ replica: store, dataVersion: () => store.dataVersion(), emit: events.emit, on: events.on, clock }),
            ...(await networkParts()),
            // After the node lock: starting clears the transfer folder, which must not be another running node's.
            transfers,
            ...(windowPart ? [windowPart] : []),
          ],
          (part, error) => log(`stopping the ${part} failed: ${(error as Error)?.message ?? String(error)}`),
        );
        state = 'running';
      } catch (error) {
        state = 'idle';
        throw error;
      }
    },
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      await stopParts?.();
      stopParts = null;
      events.clear();
      device.close();
    },
    windowUrl: () => windowPart?.url() ?? null,
  };
  return { backend, device, events };
}

/** What a user interface may still ask of a copied data directory: what it is, and the two ways on. */
const ANSWERED_WHILE_MOVED = new Set<ApiMethod | 'start'>(['device.origin', 'device.info', 'device.keepIdentity', 'device.newIdentity']);

function movedMessage(from: string, here: string, device: string): string {
  return (
    `this data directory belongs to the computer ${from}, and is now opened on ${here}: it was copied or moved. ` +
    `Two computers signing as one device would fork its log, so nothing is written or synced until you choose. ` +
    `If the folder was moved here whole and the copy on ${from} will never run again: baken device keep-identity (this computer goes on as device ${device.slice(0, 12)}). ` +
    `Otherwise (a restored backup, which may lack what was written since, or both copies in use): baken device new-identity (a new device key; every entry so far stays)`
  );
}

/** The team's name for what exports say of their origin; a damaged team file is no reason to refuse an export. */
function teamName(dataDir: string): string | null {
  try {
    return loadTeam(dataDir)?.name ?? null;
  } catch {
    return null;
  }
}
