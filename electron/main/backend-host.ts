import type { Invoke } from '../../shared/contract/api.js';
import { toErrorData, type BakenErrorData, type CallResult } from '../../shared/contract/errors.js';
import { BACKEND_EVENT_NAMES, type BackendEventName, type EventListener, type Subscribe } from '../../shared/contract/events.js';
import { DEFAULT_SYNC_PORT } from '../../shared/contract/sync.js';
import { createBackend, type Backend, type BackendOptions } from '../backend/index.js';

/**
 * The backend as the app runs it (no `electron` import: tested in plain Node).
 *
 * The app joins the team's network as `baken serve` does (every address, port 4100, mDNS on), but
 * a device may not be able to: it is in no team yet (first run), another process (`baken serve`)
 * holds the node lock, or its data directory was copied from another computer. Then the app opens
 * the backend without the network, so the window can still read, write and make or join a team.
 * After a call that changes that (`team.create`, `team.join`, `device.keepIdentity`,
 * `device.newIdentity`) the host closes the backend and opens it again, network first. The
 * window's invoke and event subscriptions go through the host and survive the reopening.
 */
export type AppNetwork = NonNullable<BackendOptions['network']>;

/** What `baken serve` listens on by default, with mDNS on: the app runs on a real machine on the team's LAN. */
export const APP_NETWORK: AppNetwork = { listen: [`0.0.0.0:${DEFAULT_SYNC_PORT}`], mdns: true, peers: [] };

export interface HostStatus {
  /** Whether the sync node runs. */
  network: 'running' | 'off';
  /** Why the network (or the backend) did not start, as the contract's error data; null when all is well. */
  problem: BakenErrorData | null;
}

export interface BackendHost {
  invoke: Invoke;
  on: Subscribe;
  /** Opens the backend and starts it (network first, without when that fails). Never throws. */
  start(): Promise<HostStatus>;
  /** Waits for calls in flight, stops the sync node and closes the database. Safe to call twice. */
  stop(): Promise<void>;
  status(): HostStatus;
}

export interface BackendHostOptions {
  dataDir: string;
  /** The network to join; none: the backend runs without (tests). */
  network?: AppNetwork;
  log?: (line: string) => void;
  /** The database module built for this Electron (`npm start`); none: node_modules' own (a packaged app). */
  nativeBinding?: string;
  /** How a backend is made (default createBackend); tests may wrap it. */
  open?: (options: BackendOptions) => Backend;
}

/** Calls after whose success the backend is opened again, so the network starts or a new key is used. */
export const REOPEN_AFTER: ReadonlySet<string> = new Set(['team.create', 'team.join', 'device.keepIdentity', 'device.newIdentity']);

export function createBackendHost(options: BackendHostOptions): BackendHost {
  const open = options.open ?? createBackend;
  const log = options.log ?? (() => {});
  const listeners = new Map<BackendEventName, Set<EventListener<never>>>();
  const inFlight = new Set<Promise<unknown>>();
  let current: Backend | null = null;
  let openError: BakenErrorData | null = null;
  let status: HostStatus = { network: 'off', problem: null };
  let stopping = false;
  /** Opening, reopening and stopping run one after another; calls wait for the one before them. */
  let lifecycle: Promise<void> = Promise.resolve();

  const relay = (backend: Backend) => {
    for (const name of BACKEND_EVENT_NAMES) {
      backend.on(name, (payload) => {
        for (const listener of [...(listeners.get(name) ?? [])]) {
          try {
            (listener as EventListener<typeof name>)(payload);
          } catch (error) {
            log(`a listener of ${name} failed: ${(error as Error)?.message ?? String(error)}`);
          }
        }
      });
    }
  };

  const tryOpen = (withNetwork: AppNetwork | undefined): Backend | BakenErrorData => {
    try {
      const backend = open({
        dataDir: options.dataDir, create: true, log, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}), ...(withNetwork ? { network: withNetwork } : {}),
      });
      relay(backend);
      return backend;
    } catch (error) {
      return toErrorData(error);
    }
  };

  const openAndStart = async (): Promise<void> => {
    let problem: BakenErrorData | null = null;
    if (options.network) {
      const backend = tryOpen(options.network);
      if ('invoke' in backend) {
        try {
          await backend.start();
          current = backend;
          openError = null;
          status = { network: 'running', problem: null };
          return;
        } catch (error) {
          problem = toErrorData(error);
          log(`the sync node did not start: ${problem.message}`);
          await backend.stop();
        }
      } else {
        problem = backend;
      }
    }
    const backend = tryOpen(undefined);
    if (!('invoke' in backend)) {
      current = null;
      openError = backend;
      status = { network: 'off', problem: backend };
      log(`the backend did not open: ${backend.message}`);
      return;
    }
    current = backend;
    openError = null;
    try {
      await backend.start();
    } catch (error) {
      // A copied data directory refuses to start until the person chooses; invoke still answers device.*.
      problem ??= toErrorData(error);
      log(`the backend did not start: ${toErrorData(error).message}`);
    }
    status = { network: 'off', problem };
  };

  const closeCurrent = async (): Promise<void> => {
    await Promise.allSettled([...inFlight]);
    const backend = current;
    current = null;
    await backend?.stop();
  };

  const queue = (step: () => Promise<void>): Promise<void> => {
    lifecycle = lifecycle.then(step, step);
    return lifecycle;
  };

  const invoke: Invoke = async (method, input) => {
    await lifecycle;
    const backend = current;
    if (!backend) {
      return { ok: false, error: stopping ? { code: 'conflict', message: 'Baken is shutting down' } : (openError ?? { code: 'internal', message: 'internal error: the backend is not open' }) };
    }
    const call = backend.invoke(method, input);
    inFlight.add(call);
    let result: CallResult<unknown>;
    try {
      result = await call;
    } finally {
      inFlight.delete(call);
    }
    if (result.ok && typeof method === 'string' && REOPEN_AFTER.has(method) && !stopping) {
      await queue(async () => {
        if (stopping) return;
        await closeCurrent();
        await openAndStart();
      });
    }
    return result;
  };

  const on: Subscribe = (event, listener) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    const entry = listener as EventListener<never>;
    set.add(entry);
    return () => void set.delete(entry);
  };

  return {
    invoke,
    on,
    start: async () => {
      await queue(async () => {
        if (current === null && openError === null && !stopping) await openAndStart();
      });
      return status;
    },
    stop: () =>
      queue(async () => {
        if (stopping && current === null) return;
        stopping = true;
        await closeCurrent();
        listeners.clear();
      }),
    status: () => status,
  };
}
