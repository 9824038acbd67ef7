import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Invoke } from '../../../shared/contract/api.js';
import { BACKEND_EVENT_NAMES, type BackendEventName, type Subscribe } from '../../../shared/contract/events.js';
import { createSocketBridge, type BridgeSocket } from '../../../electron/backend/host/socket-bridge.js';

/** A stand-in for a `ws` socket whose unread bytes the test sets, as a window that stopped reading would leave them. */
class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closedWith: { code: number; reason: string } | null = null;
  send(text: string) {
    this.sent.push(text);
  }
  close(code: number, reason: string) {
    this.closedWith = { code, reason };
    this.readyState = 2;
  }
}

function fakeSurface() {
  const listeners = new Map<BackendEventName, Set<(payload: unknown) => void>>();
  const on = ((event, listener) => {
    const set = listeners.get(event) ?? new Set();
    set.add(listener as (payload: unknown) => void);
    listeners.set(event, set);
    return () => set.delete(listener as (payload: unknown) => void);
  }) as Subscribe;
  const invoke: Invoke = async () => ({ ok: true, value: null });
  const emit = (event: BackendEventName, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  return { surface: { invoke, on }, emit, subscribed: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) };
}

describe('the host\'s socket bridge', () => {
  it('closes a socket that stops reading instead of buffering without bound, and sends it nothing more', () => {
    const { surface, emit } = fakeSurface();
    const bridge = createSocketBridge({ surface, log: () => {}, maxBufferedBytes: 1000 });
    const slow = new FakeSocket();
    const reading = new FakeSocket();
    bridge.add(slow as unknown as BridgeSocket);
    bridge.add(reading as unknown as BridgeSocket);

    emit('peers.changed', { peers: [] });
    expect(slow.sent).toHaveLength(1);
    expect(slow.closedWith).toBeNull();

    slow.bufferedAmount = 1001;
    emit('peers.changed', { peers: [] });
    expect(slow.closedWith).toEqual({ code: 1008, reason: 'the window fell too far behind reading; reload the page to reconnect' });
    expect(Buffer.byteLength(slow.closedWith!.reason)).toBeLessThanOrEqual(123);
    emit('peers.changed', { peers: [] });
    expect(slow.sent).toHaveLength(2);
    expect(reading.sent).toHaveLength(3);
    expect(reading.closedWith).toBeNull();
  });

  it('subscribes to every backend event once, and unsubscribes when closed', async () => {
    const { surface, emit, subscribed } = fakeSurface();
    const bridge = createSocketBridge({ surface, log: () => {} });
    expect(subscribed()).toBe(BACKEND_EVENT_NAMES.length);
    const socket = new FakeSocket();
    bridge.add(socket as unknown as BridgeSocket);
    const closing = bridge.close();
    expect(socket.closedWith).toEqual({ code: 1001, reason: 'baken serve is stopping' });
    socket.emit('close');
    await closing;
    expect(subscribed()).toBe(0);
    expect(bridge.size()).toBe(0);
    emit('progress', {});
    expect(socket.sent).toEqual([]);
  });
});
