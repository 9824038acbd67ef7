import type { BakenBridge } from '../../shared/contract/bridge.js';
import { toErrorData } from '../../shared/contract/errors.js';
import { BACKEND_EVENT_NAMES } from '../../shared/contract/events.js';

/**
 * The bridge the preload exposes, made from the little of ipcRenderer it uses (no `electron`
 * import here, so preload.ts stays a two-line wiring; the channel names are passed in).
 */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

const EVENT_NAMES: ReadonlySet<string> = new Set(BACKEND_EVENT_NAMES);

export function createBridge(ipc: IpcRendererLike, channels: { invoke: string; event: string }): BakenBridge {
  return {
    invoke: async (method, input) => {
      try {
        return (await ipc.invoke(channels.invoke, method, input)) as Awaited<ReturnType<BakenBridge['invoke']>>;
      } catch (error) {
        // Only when IPC itself failed (main's handler never throws): still an error as data.
        return { ok: false, error: toErrorData(error) };
      }
    },
    on: (event, listener) => {
      if (typeof event !== 'string' || !EVENT_NAMES.has(event)) throw new TypeError(`unknown event ${JSON.stringify(event) ?? String(event)}; known: ${BACKEND_EVENT_NAMES.join(', ')}`);
      if (typeof listener !== 'function') throw new TypeError(`the listener of ${event} must be a function`);
      // The page never sees Electron's event object (it would carry the sender), only the payload.
      const onMessage = (_event: unknown, message: unknown) => {
        if (typeof message === 'object' && message !== null && (message as { event?: unknown }).event === event) {
          listener((message as { payload: never }).payload);
        }
      };
      ipc.on(channels.event, onMessage);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(channels.event, onMessage);
      };
    },
  };
}
