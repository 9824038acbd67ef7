import { BRIDGE_GLOBAL, type BakenBridge } from '../../../shared/contract/bridge.js';
import { createWsBridge, wsUrl, type ConnectionSource, type SocketLike } from './ws-bridge.js';

export type { ConnectionSource, ConnectionState } from './ws-bridge.js';

export interface WindowBridge {
  bridge: BakenBridge;
  connection: ConnectionSource;
}

/** The Electron window's bridge is always there: the backend runs in the same app. */
const alwaysOpen: ConnectionSource = { state: () => 'open', subscribe: () => () => {} };

/**
 * The bridge this window has: `window.baken` when the Electron preload exposed it, else a
 * WebSocket to the headless host that served the page.
 */
export function bridgeFromWindow(): WindowBridge {
  const exposed = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL] as Partial<BakenBridge> | undefined;
  if (exposed && typeof exposed.invoke === 'function' && typeof exposed.on === 'function') {
    return { bridge: { invoke: exposed.invoke, on: exposed.on }, connection: alwaysOpen };
  }
  const ws = createWsBridge({ url: wsUrl(window.location), connect: (url) => new WebSocket(url) as unknown as SocketLike });
  return { bridge: ws, connection: ws.connection };
}
