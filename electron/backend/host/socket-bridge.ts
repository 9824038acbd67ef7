import type { RawData, WebSocket } from 'ws';
import type { Invoke } from '../../../shared/contract/api.js';
import { callFrameSchema, type HostFrame } from '../../../shared/contract/bridge.js';
import { BACKEND_EVENT_NAMES, type Subscribe } from '../../../shared/contract/events.js';
import { windowInvoke } from '../../../shared/contract/window.js';
import { formatZodIssues } from '../../../shared/domain/entry.js';

/**
 * The contract over the host's WebSockets, as the preload carries it over IPC: calls go through the
 * backend's one `invoke` (which validates every input and returns errors as data), and every
 * backend event goes to every open socket. A frame that is not a call is answered with an `error`
 * frame and changes nothing; the socket stays open for the next.
 */

/** A window that stops reading must not make the host buffer without bound: past this, its socket is closed. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** 1008: policy violation; the reason is what the window shows when asked why it was dropped (at most 123 bytes). */
const TOO_SLOW = { code: 1008, reason: 'the window fell too far behind reading; reload the page to reconnect' };
const STOPPING = { code: 1001, reason: 'baken serve is stopping' };

/** The little of a `ws` socket the bridge uses, so a test can hand it a stand-in. */
export type BridgeSocket = Pick<WebSocket, 'send' | 'close' | 'on' | 'once' | 'readyState' | 'bufferedAmount'>;

export interface SocketBridge {
  add(socket: BridgeSocket): void;
  /** How many sockets are open. */
  size(): number;
  /** Unsubscribes from the backend's events and closes every socket; resolves once they are closed. */
  close(): Promise<void>;
}

export function createSocketBridge({ surface, log, maxBufferedBytes = MAX_BUFFERED_BYTES }: {
  surface: { invoke: Invoke; on: Subscribe };
  log: (line: string) => void;
  maxBufferedBytes?: number;
}): SocketBridge {
  const sockets = new Set<BridgeSocket>();
  const closed = new Map<BridgeSocket, Promise<void>>();
  // A window: calls that name files by path are the command line's (shared/contract/window.ts).
  const invoke = windowInvoke(surface.invoke);

  const send = (socket: BridgeSocket, text: string): void => {
    // 1: OPEN. A socket closing or closed gets nothing more (ws would only report an error).
    if (socket.readyState !== 1) return;
    socket.send(text);
    if (socket.bufferedAmount > maxBufferedBytes) {
      log(`closing a window's WebSocket: ${socket.bufferedAmount} bytes wait unread`);
      socket.close(TOO_SLOW.code, TOO_SLOW.reason);
    }
  };
  const sendFrame = (socket: BridgeSocket, frame: HostFrame): void => send(socket, JSON.stringify(frame));

  // Each event is encoded once, whatever the number of windows.
  const unsubscribes = BACKEND_EVENT_NAMES.map((event) =>
    surface.on(event, (payload) => {
      const text = JSON.stringify({ type: 'event', event, payload } satisfies HostFrame);
      for (const socket of sockets) send(socket, text);
    }),
  );

  const answer = async (socket: BridgeSocket, data: RawData, isBinary: boolean): Promise<void> => {
    if (isBinary) return sendFrame(socket, { type: 'error', message: 'frames are JSON text; a binary frame was sent' });
    let value: unknown;
    try {
      value = JSON.parse(rawText(data));
    } catch (error) {
      return sendFrame(socket, { type: 'error', message: `a frame is one JSON object; this one does not parse (${(error as Error).message})` });
    }
    const parsed = callFrameSchema.safeParse(value);
    if (!parsed.success) {
      return sendFrame(socket, { type: 'error', message: `not a call: a frame is { type: 'call', id, method, input } (${formatZodIssues(parsed.error)})` });
    }
    const { id, method, input } = parsed.data;
    const result = await invoke(method, input);
    let text: string;
    try {
      text = JSON.stringify({ type: 'result', id, result } satisfies HostFrame);
    } catch (error) {
      // A result that JSON cannot carry is a bug on this side; the window still gets an answer to its id.
      log(`the result of ${method} could not be sent: ${(error as Error).message}`);
      text = JSON.stringify({ type: 'result', id, result: { ok: false, error: { code: 'internal', message: `internal error: the result of ${method} could not be encoded` } } });
    }
    send(socket, text);
  };

  return {
    add(socket) {
      sockets.add(socket);
      closed.set(socket, new Promise((resolve) => socket.once('close', () => resolve())));
      socket.on('close', () => {
        sockets.delete(socket);
        closed.delete(socket);
      });
      socket.on('error', (error: Error) => log(`a window's WebSocket failed: ${error.message}`));
      socket.on('message', (data: RawData, isBinary: boolean) => {
        answer(socket, data, isBinary).catch((error: unknown) => log(`answering a window failed: ${(error as Error)?.message ?? String(error)}`));
      });
    },
    size: () => sockets.size,
    async close() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      const waiting = [...closed.values()];
      // ws ends a socket whose peer never answers the close within its own closeTimeout (30 s), so this resolves.
      for (const socket of sockets) socket.close(STOPPING.code, STOPPING.reason);
      await Promise.all(waiting);
    },
  };
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
