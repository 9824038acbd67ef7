import type { Invoke } from '../../shared/contract/api.js';
import { IPC_EVENT, IPC_INVOKE } from '../../shared/contract/bridge.js';
import type { CallResult } from '../../shared/contract/errors.js';
import { windowInvoke } from '../../shared/contract/window.js';
import { BACKEND_EVENT_NAMES, type BackendEventName, type Subscribe } from '../../shared/contract/events.js';
import { isTrustedSender, type FrameLike } from './security.js';

/**
 * The IPC between the window and the backend. It imports nothing from `electron`: it takes the
 * little of ipcMain and the window it uses, so it runs in plain Node with stand-ins
 * (test/shell/ipc.test.ts); main.ts passes the real ones, and the type-check shows they fit.
 *
 * A call from anywhere but the window's own main frame showing app://baken/ is not passed on: it is
 * answered, not rejected, with the contract's error data `{ code: 'invalid-input', message }`, so
 * the page's client turns it into a BakenError like every other failure. Everything else goes to
 * the backend's invoke, which validates the input with the contract's zod schema and never throws.
 */
export const REFUSED_SENDER_MESSAGE = "refused: this call did not come from Baken's own window";

/** The little of an IPC event the check needs (Electron's IpcMainInvokeEvent has it). */
export interface InvokeEventLike {
  readonly senderFrame: FrameLike | null;
}

export type InvokeHandler = (event: InvokeEventLike, method: unknown, input: unknown) => Promise<CallResult<unknown>>;

export function createInvokeHandler(deps: { invoke: Invoke; mainFrame: () => FrameLike | null | undefined }): InvokeHandler {
  // A window: calls that name files by path are the command line's (shared/contract/window.ts).
  const invoke = windowInvoke(deps.invoke);
  return async (event, method, input) => {
    if (!isTrustedSender(event?.senderFrame, deps.mainFrame())) return { ok: false, error: { code: 'invalid-input', message: REFUSED_SENDER_MESSAGE } };
    if (typeof method !== 'string') return { ok: false, error: { code: 'invalid-input', message: `unknown method ${JSON.stringify(method) ?? String(method)}` } };
    return invoke(method, input);
  };
}

/** One message on IPC_EVENT: the event's name travels with its payload. */
export interface EventMessage {
  event: BackendEventName;
  payload: unknown;
}

/** Subscribes to every backend event and sends each to the window; returns the function that unsubscribes them all. */
export function forwardEvents(on: Subscribe, send: (message: EventMessage) => void): () => void {
  const offs = BACKEND_EVENT_NAMES.map((event) => on(event, (payload) => send({ event, payload })));
  return () => {
    for (const off of offs.splice(0)) off();
  };
}

/** The little of ipcMain the IPC needs. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: any[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The little of a BrowserWindow the IPC needs. */
export interface WindowLike {
  readonly webContents: {
    readonly mainFrame: FrameLike;
    send(channel: string, ...args: unknown[]): void;
    isDestroyed(): boolean;
  };
  once(event: 'closed', listener: () => void): unknown;
}

/**
 * Answers the window's calls and forwards the backend's events to it until it closes (then the
 * handler and the event listeners are removed). Returns the same clean-up, for shutdown.
 */
export function registerIpc(deps: { ipcMain: IpcMainLike; window: WindowLike; backend: { invoke: Invoke; on: Subscribe } }): () => void {
  const { ipcMain, window, backend } = deps;
  const contents = window.webContents;
  const handler = createInvokeHandler({ invoke: backend.invoke, mainFrame: () => (contents.isDestroyed() ? null : contents.mainFrame) });
  ipcMain.handle(IPC_INVOKE, (event, method, input) => handler(event, method, input));
  const stopForwarding = forwardEvents(backend.on, (message) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT, message);
  });
  let done = false;
  const dispose = () => {
    if (done) return;
    done = true;
    stopForwarding();
    ipcMain.removeHandler(IPC_INVOKE);
  };
  window.once('closed', dispose);
  return dispose;
}
