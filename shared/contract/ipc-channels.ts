/**
 * The Electron IPC names, in a module of their own (no zod), so the preload bundle carries only
 * these strings and the event names. bridge.ts re-exports them; import them from either.
 */

/** The name under which the preload exposes the bridge on `window`. */
export const BRIDGE_GLOBAL = 'baken';

/** The Electron IPC channels: one for calls, one for events (the event's name travels in the message). */
export const IPC_INVOKE = 'baken:invoke';
export const IPC_EVENT = 'baken:event';
