import type { BakenBridge } from '../../../shared/contract/bridge.js';
import { TOKEN_PARAM, WS_PATH } from '../../../shared/contract/bridge.js';
import type { CallResult } from '../../../shared/contract/errors.js';
import type { BackendEventName, EventListener } from '../../../shared/contract/events.js';

/**
 * The bridge a browser window gets from the headless host (`baken serve --ui`): the contract's
 * frames over one WebSocket (shared/contract/bridge.ts). Calls carry ids and wait in a pending map
 * for their result; events go to local listener sets. When the socket is closed a call is answered
 * at once with a `network` error result (never a throw, never a hang), and the bridge reconnects
 * with backoff. Written against a minimal socket shape, so a test can give it a fake one.
 */

/** The part of the browser's WebSocket this uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** Whether the window can reach the backend now; the header shows it. */
export interface ConnectionSource {
  state(): ConnectionState;
  /** Calls back on every change; returns the unsubscribe. */
  subscribe(listener: (state: ConnectionState) => void): () => void;
}

export interface WsBridge extends BakenBridge {
  connection: ConnectionSource;
  /** Closes the socket for good (no reconnect); pending calls get the network error. */
  dispose(): void;
}

export interface WsBridgeOptions {
  url: string;
  /** Opens a socket: `(url) => new WebSocket(url)` in a browser. */
  connect: (url: string) => SocketLike;
  /** First wait before reconnecting, doubled on each failure up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

const OPEN = 1;

export const CLOSED_MESSAGE = 'Geen verbinding met Baken op deze computer; er wordt opnieuw verbonden. Not connected to Baken on this computer; reconnecting.';

export function networkError(message = CLOSED_MESSAGE): CallResult<never> {
  return { ok: false, error: { code: 'network', message } };
}

/** Where the window's socket is: the page's host, WS_PATH, and the token the page was opened with. */
export function wsUrl(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get(TOKEN_PARAM) ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

export function createWsBridge(options: WsBridgeOptions): WsBridge {
  const initialDelay = options.initialDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 15_000;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));

  const pending = new Map<number, (result: CallResult<unknown>) => void>();
  /** Calls made while the first connection (or a reconnection) is being opened: sent once it opens. */
  const queued: { frame: string; id: number }[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let nextId = 1;
  let socket: SocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let delay = initialDelay;
  let timer: unknown = null;
  let disposed = false;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const l of [...stateListeners]) l(next);
  };

  const failAll = () => {
    for (const { id } of queued.splice(0)) {
      const resolve = pending.get(id);
      pending.delete(id);
      resolve?.(networkError());
    }
    for (const [id, resolve] of [...pending]) {
      pending.delete(id);
      resolve(networkError());
    }
  };

  const open = () => {
    timer = null;
    if (disposed) return;
    setState('connecting');
    let s: SocketLike;
    try {
      s = options.connect(options.url);
    } catch {
      onClosed(null);
      return;
    }
    socket = s;
    s.onopen = () => {
      if (socket !== s) return;
      delay = initialDelay;
      setState('open');
      for (const { frame } of queued.splice(0)) s.send(frame);
    };
    s.onmessage = (event) => {
      if (socket === s) receive(event.data);
    };
    s.onerror = () => {
      // A close follows an error; the close decides.
    };
    s.onclose = () => onClosed(s);
  };

  const onClosed = (s: SocketLike | null) => {
    if (s !== null && socket !== s) return;
    socket = null;
    setState('closed');
    failAll();
    if (disposed) return;
    timer = setTimer(open, delay);
    delay = Math.min(delay * 2, maxDelay);
  };

  const receive = (data: unknown) => {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const f = frame as { type?: unknown; id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
    if (f.type === 'result' && typeof f.id === 'number') {
      const resolve = pending.get(f.id);
      if (!resolve) return;
      pending.delete(f.id);
      // The result is the contract's CallResult; createApiClient checks its shape.
      resolve(f.result as CallResult<unknown>);
    } else if (f.type === 'event' && typeof f.event === 'string') {
      for (const l of [...(listeners.get(f.event) ?? [])]) {
        try {
          l(f.payload);
        } catch {
          // One screen's failing listener must not keep the others from hearing the event.
        }
      }
    }
  };

  const invoke = (method: string, input: unknown): Promise<CallResult<unknown>> => {
    if (disposed || state === 'closed') return Promise.resolve(networkError());
    const id = nextId++;
    const frame = JSON.stringify({ type: 'call', id, method, input });
    return new Promise((resolve) => {
      pending.set(id, resolve);
      if (state === 'open' && socket !== null && socket.readyState === OPEN) {
        try {
          socket.send(frame);
        } catch {
          pending.delete(id);
          resolve(networkError());
        }
      } else {
        queued.push({ frame, id });
      }
    });
  };

  const on = <E extends BackendEventName>(event: E, listener: EventListener<E>): (() => void) => {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  };

  open();

  return {
    invoke,
    on,
    connection: {
      state: () => state,
      subscribe(listener) {
        stateListeners.add(listener);
        return () => stateListeners.delete(listener);
      },
    },
    dispose() {
      disposed = true;
      if (timer !== null) clearTimer(timer);
      const s = socket;
      socket = null;
      setState('closed');
      failAll();
      s?.close();
    },
  };
}
