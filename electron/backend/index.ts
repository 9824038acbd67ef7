import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiInputs, API_METHODS, type ApiClient, type ApiHandlers, type ApiMethod } from '../../shared/contract/api.js';
import type { SignedEntry } from '../../shared/domain/entry.js';
import { formatZodIssues } from '../../shared/domain/entry.js';
import { DATABASE_FILE } from './data-dir.js';
import { BakenError } from '../../shared/contract/errors.js';
import { storageError } from './errors.js';
import { createHandlers } from './handlers.js';
import { createNodeEntryCrypto } from './node-crypto.js';
import { openLogDatabase } from './store/database.js';
import { loadOrCreateDeviceIdentity, type DeviceIdentity } from './store/identity.js';
import { createLogStore, type LogStore } from './store/index.js';
import { createSyncHandlers } from './sync/handlers.js';
import { createSyncNode, type SyncNode } from './sync/node.js';
import { removeStatusFile, writeStatusFile } from './sync/status-file.js';
import { loadTeam } from './sync/team/team.js';

export interface BackendOptions {
  dataDir: string;
  /** Physical clock in epoch ms (default Date.now); tests give each peer its own, skewed or stuck. */
  clock?: () => number;
  /** Entries stamped further ahead than this are flagged as clock skew (default 5 minutes). */
  maxSkewMs?: number;
  /** Make the data directory when missing (the app and `baken init` do; other commands refuse). */
  create?: boolean;
  /** Join the team's network on start(): where to listen, mDNS on or off, extra peers to dial. */
  network?: { listen: string[]; mdns: boolean; peers?: string[] };
}

export interface Backend {
  /** Validating client: what the CLI, IPC and the headless host call. */
  api: ApiClient;
  /** Validates raw input for one method by name (for transports that carry method names). */
  invoke(method: string, input: unknown): Promise<unknown>;
  store: LogStore;
  identity: DeviceIdentity;
  dataDir: string;
  /** Listens for entries appended on this device; returns the unsubscribe function. */
  onAppended(listener: (entry: SignedEntry) => void): () => void;
  /** Progress of long operations (bundle import/export), for a progress bar or stderr. */
  onProgress(listener: (what: string, done: number, total: number) => void): () => void;
  /** Starts networking when `network` was given (needs a team); a no-op otherwise. */
  start(): Promise<void>;
  /** The running sync node, if started. */
  node(): SyncNode | null;
  /** Stops networking cleanly, then closes the database. */
  stop(): Promise<void>;
  /** Closes the database (call stop() first when networking was started). */
  close(): void;
}

export function createBackend({ dataDir, clock = Date.now, maxSkewMs, create = false, network }: BackendOptions): Backend {
  prepareDataDir(dataDir, create);
  const identity = loadOrCreateDeviceIdentity(dataDir);
  const db = openLogDatabase(join(dataDir, DATABASE_FILE));
  let store: LogStore;
  try {
    store = createLogStore({ db, signer: identity, crypto: createNodeEntryCrypto(), now: clock, maxSkewMs });
  } catch (error) {
    db.close();
    throw storageError(error, `opening the log database ${join(dataDir, DATABASE_FILE)}`);
  }
  const listeners = new Set<(entry: SignedEntry) => void>();
  const progressListeners = new Set<(what: string, done: number, total: number) => void>();
  let node: SyncNode | null = null;
  let statusTimer: NodeJS.Timeout | undefined;
  const handlers: ApiHandlers = {
    ...createHandlers({ store, dataDir, now: clock, onAppended: (entry) => listeners.forEach((l) => l(entry)) }),
    ...createSyncHandlers({ store, dataDir, now: clock, node: () => node, progress: (what, done, total) => progressListeners.forEach((l) => l(what, done, total)) }),
  };

  const invoke = async (method: string, input: unknown): Promise<unknown> => {
    if (!Object.hasOwn(apiInputs, method)) throw new BakenError('invalid-input', `unknown method ${JSON.stringify(method)}`);
    const parsed = apiInputs[method as ApiMethod].safeParse(input ?? {});
    if (!parsed.success) throw new BakenError('invalid-input', formatZodIssues(parsed.error));
    return (handlers[method as ApiMethod] as (i: unknown) => unknown)(parsed.data);
  };
  const api = Object.fromEntries(API_METHODS.map((m) => [m, (input: unknown) => invoke(m, input)])) as ApiClient;
  let closed = false;
  // With a large auto-checkpoint threshold the WAL is folded back while the log is quiet instead.
  const checkpointTimer = setInterval(() => {
    try {
      if (!closed) store.checkpoint();
    } catch {
      /* busy or read-only: the next tick or SQLite's own auto-checkpoint will do it */
    }
  }, 5000);
  checkpointTimer.unref();
  const backend: Backend = {
    api, invoke, store, identity, dataDir,
    onAppended(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    async start() {
      if (!network || node) return;
      const team = loadTeam(dataDir);
      if (!team) throw new BakenError('not-found', 'this device is in no team yet; run: baken team create --name NAME, or baken team join CODE');
      const started = await createSyncNode({ backend, team, ...network, now: clock });
      await started.start();
      node = started;
      // Other processes (baken status) read this file: rewrite it as soon as anything changes, and
      // at least every second so they can tell a live node from a dead one.
      let published = '';
      let publishedAt = 0;
      const publish = () => {
        const status = started.status();
        const text = JSON.stringify(status);
        if (text === published && clock() - publishedAt < 1000) return;
        writeStatusFile(dataDir, status, clock());
        published = text;
        publishedAt = clock();
      };
      publish();
      statusTimer = setInterval(publish, 250);
    },
    node: () => node,
    async stop() {
      clearInterval(statusTimer);
      const running = node;
      node = null;
      if (running) {
        await running.stop();
        removeStatusFile(dataDir);
      }
      backend.close();
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(checkpointTimer);
      listeners.clear();
      progressListeners.clear();
      db.close();
    },
  };
  return backend;
}

function prepareDataDir(dataDir: string, create: boolean): void {
  if (!create) {
    if (!existsSync(join(dataDir, DATABASE_FILE))) throw new BakenError('not-initialised', `no Baken log in ${dataDir}; run: baken --data ${dataDir} init`);
    return;
  }
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw storageError(error, `creating the data directory ${dataDir}`);
  }
}

export type { ApiHandlers };
