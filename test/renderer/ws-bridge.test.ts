import { describe, expect, it } from 'vitest';
import { createWsBridge, wsUrl, type SocketLike } from '../../renderer/src/bridge/ws-bridge.js';

/** A socket the test drives: it opens, answers and closes when told. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: { run: () => void; ms: number }[] = [];
  const bridge = createWsBridge({
    url: 'ws://host:1234/ws?token=abc',
    connect: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    initialDelayMs: 100,
    maxDelayMs: 1000,
    setTimer: (run, ms) => timers.push({ run, ms }),
    clearTimer: () => {},
  });
  return { bridge, sockets, timers, socket: () => sockets.at(-1)! };
}

describe('the WebSocket bridge', () => {
  it('builds the socket address from the page: host, WS_PATH and the token', () => {
    expect(wsUrl({ protocol: 'http:', host: '127.0.0.1:4200', search: '?token=t0k%2Ben' })).toBe('ws://127.0.0.1:4200/ws?token=t0k%2Ben');
    expect(wsUrl({ protocol: 'https:', host: 'example:443', search: '' })).toBe('wss://example:443/ws?token=');
  });

  it('sends calls with increasing ids and resolves each with its own result', async () => {
    const { bridge, socket } = setup();
    socket().open();
    const a = bridge.invoke('device.info', {});
    const b = bridge.invoke('incident.list', { all: true });
    const [first, second] = socket().sent as { type: string; id: number; method: string; input: unknown }[];
    expect(first).toMatchObject({ type: 'call', method: 'device.info', input: {} });
    expect(second).toMatchObject({ type: 'call', method: 'incident.list', input: { all: true } });
    expect(second!.id).toBeGreaterThan(first!.id);
    // Answered out of order: each goes to its own caller.
    socket().receive({ type: 'result', id: second!.id, result: { ok: true, value: [] } });
    socket().receive({ type: 'result', id: first!.id, result: { ok: false, error: { code: 'not-found', message: 'no' } } });
    expect(await a).toEqual({ ok: false, error: { code: 'not-found', message: 'no' } });
    expect(await b).toEqual({ ok: true, value: [] });
  });

  it('holds calls made while the first connection opens, and sends them once it is open', async () => {
    const { bridge, socket } = setup();
    const call = bridge.invoke('sync.status', {});
    expect(socket().sent).toEqual([]);
    socket().open();
    const [frame] = socket().sent as { id: number }[];
    socket().receive({ type: 'result', id: frame!.id, result: { ok: true, value: 1 } });
    expect(await call).toEqual({ ok: true, value: 1 });
  });

  it('delivers events to the listeners of that event until they unsubscribe', () => {
    const { bridge, socket } = setup();
    socket().open();
    const heard: unknown[] = [];
    const other: unknown[] = [];
    const off = bridge.on('peers.changed', (p) => heard.push(p));
    bridge.on('entries.added', (p) => other.push(p));
    socket().receive({ type: 'event', event: 'peers.changed', payload: { peers: [] } });
    off();
    socket().receive({ type: 'event', event: 'peers.changed', payload: { peers: [1] } });
    expect(heard).toEqual([{ peers: [] }]);
    expect(other).toEqual([]);
  });

  it('ignores frames that do not parse and results nobody waits for', async () => {
    const { bridge, socket } = setup();
    socket().open();
    const call = bridge.invoke('verify', {});
    socket().onmessage?.({ data: 'not json' });
    socket().receive({ type: 'result', id: 999, result: { ok: true, value: 'stray' } });
    socket().receive({ type: 'error', message: 'bad frame' });
    const [frame] = socket().sent as { id: number }[];
    socket().receive({ type: 'result', id: frame!.id, result: { ok: true, value: 'mine' } });
    expect(await call).toEqual({ ok: true, value: 'mine' });
  });

  it('answers a closed socket with a network error result, fails pending calls, and reconnects with backoff', async () => {
    const { bridge, socket, sockets, timers } = setup();
    const states: string[] = [];
    bridge.connection.subscribe((s) => states.push(s));
    socket().open();
    const pending = bridge.invoke('log.list', {});
    socket().drop();
    const failed = await pending;
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.error.code).toBe('network');
    expect(!failed.ok && failed.error.message.length).toBeGreaterThan(10);

    const later = await bridge.invoke('log.list', {});
    expect(later).toMatchObject({ ok: false, error: { code: 'network' } });
    expect(bridge.connection.state()).toBe('closed');

    expect(timers.map((t) => t.ms)).toEqual([100]);
    timers[0]!.run();
    expect(sockets).toHaveLength(2);
    socket().drop();
    expect(timers.map((t) => t.ms)).toEqual([100, 200]);
    timers[1]!.run();
    socket().open();
    expect(bridge.connection.state()).toBe('open');
    expect(states).toEqual(['open', 'closed', 'connecting', 'closed', 'connecting', 'open']);

    // Open again: calls go through, and the backoff starts over.
    const again = bridge.invoke('device.info', {});
    const [frame] = socket().sent as { id: number }[];
    socket().receive({ type: 'result', id: frame!.id, result: { ok: true, value: 'back' } });
    expect(await again).toEqual({ ok: true, value: 'back' });
    socket().drop();
    expect(timers.at(-1)!.ms).toBe(100);
  });

  it('a disposed bridge closes its socket, answers with the network error and does not reconnect', async () => {
    const { bridge, socket, timers } = setup();
    socket().open();
    bridge.dispose();
    expect(socket().closed).toBe(true);
    expect(await bridge.invoke('device.info', {})).toMatchObject({ ok: false, error: { code: 'network' } });
    expect(timers).toEqual([]);
  });
});
