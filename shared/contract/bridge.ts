import { z } from 'zod';
import type { Invoke } from './api.js';
import { BACKEND_EVENT_NAMES, type Subscribe } from './events.js';

/**
 * What a window gets from whatever carries the contract: the Electron preload exposes exactly this
 * as `window.baken`; in a browser (the headless host) a WebSocket client implements it. The
 * renderer knows nothing else of the backend: `createApiClient(bridge.invoke)` gives it the typed
 * methods, `bridge.on` the typed events (each subscription returns its unsubscribe).
 */
export interface BakenBridge {
  invoke: Invoke;
  on: Subscribe;
}

/** The bridge's name on `window` and the IPC channels (their own module, so the preload bundle needs no zod). */
export { BRIDGE_GLOBAL, IPC_EVENT, IPC_INVOKE } from './ipc-channels.js';

/**
 * Frames on the headless host's WebSocket (`baken serve --ui`), JSON text, one per message:
 *   window → host  { type: 'call', id, method, input }
 *   host → window  { type: 'result', id, result }   (result: the contract's CallResult, errors as data)
 *                  { type: 'event', event, payload } (every BackendEvents event, as the preload forwards them)
 * A frame that does not parse is answered with an `error` frame naming why and changes nothing;
 * unknown fields are ignored, as a newer window may send them.
 */
export const WIRE_MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** The page is served at `/?token=T`; the window opens its WebSocket at `/ws?token=T` on the same host and port. */
export const WS_PATH = '/ws';
export const TOKEN_PARAM = 'token';

export const callFrameSchema = z.looseObject({
  type: z.literal('call'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(100),
  input: z.unknown(),
});
export type CallFrame = z.infer<typeof callFrameSchema>;

export type HostFrame =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'event'; event: (typeof BACKEND_EVENT_NAMES)[number]; payload: unknown }
  | { type: 'error'; message: string };
