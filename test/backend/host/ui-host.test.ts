import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WIRE_MAX_FRAME_BYTES, WS_PATH } from '../../../shared/contract/bridge.js';
import { startUiHost, type UiHost } from '../../../electron/backend/host/ui-host.js';
import { openTestBackend, type TestBackend } from '../../support/backend.js';
import { get, openSocket, rawStatus, type OpenSocket } from '../../support/host-client.js';
import { useTempDirs } from '../../support/temp.js';

const INDEX = '<!doctype html><title>Baken</title><script type="module" src="/assets/app-1234.js"></script>';

describe('the headless host (baken serve --ui)', () => {
  const tempDir = useTempDirs();
  const hosts: UiHost[] = [];
  const backends: TestBackend[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close();
    for (const backend of backends.splice(0)) await backend.stop();
  });

  function rendererDir({ built = true } = {}): string {
    const dir = tempDir();
    if (built) writeFileSync(join(dir, 'index.html'), INDEX);
    mkdirSync(join(dir, 'assets', 'fonts'), { recursive: true });
    writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log("baken")');
    writeFileSync(join(dir, 'assets', 'app-1234.css'), 'body{}');
    writeFileSync(join(dir, 'assets', 'fonts', 'noto.woff2'), 'font');
    writeFileSync(join(dir, 'secret.txt'), 'not for the browser');
    // A hidden file inside assets/ is refused by its name alone (nothing Vite writes starts with a dot).
    writeFileSync(join(dir, 'assets', '.hidden'), 'not for the browser');
    return dir;
  }

  async function start(options: { built?: boolean } = {}) {
    const backend = openTestBackend({ dataDir: tempDir(), create: true });
    backends.push(backend);
    const dir = rendererDir(options);
    const host = await startUiHost({ surface: { invoke: backend.invoke, on: backend.on }, rendererDir: dir, port: 0 });
    hosts.push(host);
    const origin = `http://127.0.0.1:${host.port}`;
    const wsUrl = (token = host.token) => `ws://127.0.0.1:${host.port}${WS_PATH}?token=${encodeURIComponent(token)}`;
    return { backend, host, dir, origin, wsUrl };
  }

  async function window(): Promise<{ backend: TestBackend; host: UiHost; ws: OpenSocket }> {
    const { backend, host, origin, wsUrl } = await start();
    const ws = await openSocket(wsUrl(), { Origin: origin });
    if ('refused' in ws) throw new Error(`refused: ${ws.refused} ${ws.body}`);
    return { backend, host, ws };
  }

  it('prints an address on 127.0.0.1 with a 32-byte random token', async () => {
    const { host } = await start();
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(Buffer.from(host.token, 'base64url')).toHaveLength(32);
    const other = await start();
    expect(other.host.token).not.toBe(host.token);
  });

  it('serves the page only with the token, with strict security headers and no caching', async () => {
    const { host } = await start();
    const page = await get(host.port, `/?token=${host.token}`);
    expect(page).toMatchObject({ status: 200, body: INDEX });
    expect(page.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy':
        `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${host.port}; ` +
        `frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    });
    expect((await get(host.port, `/index.html?token=${host.token}`)).status).toBe(200);

    for (const path of ['/', '/index.html', '/?token=', `/?token=${host.token}x`, `/?token=${host.token}&token=${host.token}`, `/?Token=${host.token}`]) {
      const refused = await get(host.port, path);
      expect(refused, path).toMatchObject({ status: 403, body: expect.stringMatching(/^this page needs the token/) });
      expect(refused.body).not.toContain('Baken</title>');
      expect(refused.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it('says the window is not built when index.html is missing', async () => {
    const { host } = await start({ built: false });
    expect(await get(host.port, `/?token=${host.token}`)).toMatchObject({ status: 503, body: 'the window is not built: run npm run build\n' });
  });

  it('serves assets without the token, by their type, and nothing outside assets/', async () => {
    const { host } = await start();
    expect(await get(host.port, '/assets/app-1234.js')).toMatchObject({ status: 200, body: 'console.log("baken")', headers: { 'content-type': 'text/javascript; charset=utf-8', 'x-content-type-options': 'nosniff' } });
    expect((await get(host.port, '/assets/app-1234.css?v=2')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get(host.port, '/assets/fonts/noto.woff2')).headers['content-type']).toBe('font/woff2');
    const head = await get(host.port, '/assets/app-1234.js', {}, 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '', headers: { 'content-length': '20' } });

    for (const path of [
      '/secret.txt', '/assets/../secret.txt', '/assets/fonts/../../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/..%2fsecret.txt', '/assets/..%2Fsecret.txt',
      '/assets/fonts%2fnoto.woff2', '/assets/%2e%2e%2fsecret.txt', '/assets/..\\secret.txt', '/assets/.%2e/secret.txt', '/assets/app-1234.js%00', '/assets/', '/assets/fonts',
      '/assets//etc/passwd', '/assets/.hidden', '//assets/app-1234.js', '/../secret.txt',
    ]) {
      const answer = await get(host.port, path);
      expect(answer.status, path).toBe(404);
      expect(answer.body).not.toContain('not for the browser');
    }
    expect(await rawStatus(host.port, `GET /assets/app-1234.js\0 HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect((await get(host.port, '/assets/app-1234.js', {}, 'POST')).status).toBe(405);
  });

  it('follows no symlink out of assets/', async () => {
    const { host, dir } = await start();
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'assets', 'link.txt'));
    expect((await get(host.port, '/assets/link.txt')).status).toBe(404);
  });

  it('answers only to the Host 127.0.0.1:PORT (DNS rebinding), for the page and the WebSocket', async () => {
    const { host, origin, wsUrl } = await start();
    for (const name of ['localhost', 'evil.example', '127.0.0.1', `localhost:${host.port}`, `evil.example:${host.port}`, `127.0.0.1:${host.port + 1}`]) {
      expect(await get(host.port, `/?token=${host.token}`, { Host: name }), name).toMatchObject({ status: 403, body: `this server answers only at 127.0.0.1:${host.port}\n` });
      expect(await openSocket(wsUrl(), { Origin: origin, Host: name }), name).toMatchObject({ refused: 403 });
    }
  });

  it('refuses a WebSocket with no token, a wrong token or a foreign Origin, before the upgrade', async () => {
    const { host, origin, wsUrl } = await start();
    expect(await openSocket(`ws://127.0.0.1:${host.port}${WS_PATH}`, { Origin: origin })).toEqual({ refused: 401, body: 'a missing or wrong token\n' });
    expect(await openSocket(wsUrl('x'.repeat(43)), { Origin: origin })).toMatchObject({ refused: 401 });
    expect(await openSocket(wsUrl(''), { Origin: origin })).toMatchObject({ refused: 401 });
    expect(await openSocket(`ws://127.0.0.1:${host.port}/other?token=${host.token}`, { Origin: origin })).toMatchObject({ refused: 404 });
    // The same request, with only the Origin different: this is what keeps other pages in the browser out.
    for (const foreign of ['https://evil.example', `http://localhost:${host.port}`, `http://127.0.0.1:${host.port + 1}`, 'null', `https://127.0.0.1:${host.port}`]) {
      expect(await openSocket(wsUrl(), { Origin: foreign }), foreign).toEqual({ refused: 403, body: `only pages from http://127.0.0.1:${host.port} may connect\n` });
    }
    expect(await openSocket(wsUrl(), {})).toMatchObject({ refused: 403 });
    const own = await openSocket(wsUrl(), { Origin: origin });
    expect(own).toHaveProperty('socket');
    if ('socket' in own) own.socket.close();
  });

  it('carries calls through the backend\'s invoke: values, invalid input and unknown methods as data', async () => {
    const { backend, ws } = await window();
    ws.socket.send(JSON.stringify({ type: 'call', id: 1, method: 'device.info', input: {} }));
    expect(await ws.next()).toEqual({ type: 'result', id: 1, result: { ok: true, value: await backend.api['device.info']({}) } });

    ws.socket.send(JSON.stringify({ type: 'call', id: 2, method: 'incident.create', input: { title: 42 } }));
    const invalid = await ws.next();
    expect(invalid).toMatchObject({ type: 'result', id: 2, result: { ok: false, error: { code: 'invalid-input', field: 'title' } } });

    ws.socket.send(JSON.stringify({ type: 'call', id: 3, method: 'device.erase', input: {} }));
    expect(await ws.next()).toEqual({ type: 'result', id: 3, result: { ok: false, error: { code: 'invalid-input', message: 'unknown method "device.erase"' } } });
    ws.socket.send(JSON.stringify({ type: 'call', id: 4, method: 'constructor', input: {} }));
    expect(await ws.next()).toMatchObject({ id: 4, result: { ok: false, error: { code: 'invalid-input' } } });
    expect((await backend.api['incident.list']({})).length).toBe(0);
  });

  it('refuses every call that names a file by its path: the page cannot write over the log or the device key, nor read a file', async () => {
    const { backend, ws } = await window();
    const db = join(backend.dataDir, 'baken.db');
    const key = join(backend.dataDir, 'device-key.pem');
    const before = [readFileSync(db), readFileSync(key)];
    const incident = (await backend.api['incident.create']({ title: 'Uitval NAFIN' })).id;
    const calls: [string, unknown][] = [
      ['bundle.clock', { out: db }],
      ['bundle.clock', { out: key }],
      ['bundle.export', { out: key, force: true, operation: 'op-1' }],
      ['export.write', { format: 'csv', incident, out: db, force: true }],
      ['import.cap', { file: '/etc/passwd' }],
      ['verify.file', { file: '/etc/passwd' }],
      ['bundle.import', { file: '/etc/passwd', operation: 'op-2' }],
      ['team.invite', { out: key, force: true }],
    ];
    for (const [i, [method, input]] of calls.entries()) {
      ws.socket.send(JSON.stringify({ type: 'call', id: i + 1, method, input }));
      expect(await ws.next((frame) => frame.type === 'result' && frame.id === i + 1), method).toMatchObject({ id: i + 1, result: { ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/command line/) } } });
    }
    expect([readFileSync(db), readFileSync(key)]).toEqual(before);
    // What the window does use still goes through.
    ws.socket.send(JSON.stringify({ type: 'call', id: 99, method: 'incident.list', input: {} }));
    expect(await ws.next((frame) => frame.type === 'result' && frame.id === 99)).toMatchObject({ id: 99, result: { ok: true } });
  });

  it('answers garbage with an error frame and stays usable', async () => {
    const { ws } = await window();
    const garbage: (string | Buffer)[] = [
      'not json', '{"type":"call"', 'null', '[]', '{"type":"result","id":1}', '{"type":"call","id":-1,"method":"device.info"}', '{"type":"call","id":1.5,"method":"device.info"}',
      '{"type":"call","id":1,"method":""}', JSON.stringify({ type: 'call', id: 1, method: 'x'.repeat(101) }), Buffer.from([1, 2, 3]),
    ];
    for (const frame of garbage) {
      ws.socket.send(frame);
      const answer = await ws.next();
      expect(answer, String(frame)).toEqual({ type: 'error', message: expect.any(String) });
    }
    expect((await (async () => (ws.socket.send('not json'), ws.next()))()).message).toMatch(/^a frame is one JSON object; this one does not parse/);
    ws.socket.send(JSON.stringify({ type: 'call', id: 9, method: 'device.info', input: {}, extra: 'from a newer window' }));
    expect(await ws.next()).toMatchObject({ type: 'result', id: 9, result: { ok: true } });
  });

  it('closes a socket that sends a frame over the wire limit, without reading it', async () => {
    const { ws } = await window();
    ws.socket.send(JSON.stringify({ type: 'call', id: 1, method: 'device.info', input: { pad: 'x'.repeat(WIRE_MAX_FRAME_BYTES) } }));
    expect(await ws.closed).toMatchObject({ code: 1009 });
  });

  it('forwards backend events to every open socket', async () => {
    const { backend, host, ws } = await window();
    const second = await openSocket(`ws://127.0.0.1:${host.port}${WS_PATH}?token=${host.token}`, { Origin: `http://127.0.0.1:${host.port}` });
    if ('refused' in second) throw new Error('refused');
    const { id: incident, entry } = await backend.api['incident.create']({ title: 'Stroomuitval' });
    for (const socket of [ws, second]) {
      expect(await socket.next((f) => f.type === 'event')).toEqual({
        type: 'event', event: 'entries.added',
        payload: { entries: [expect.objectContaining({ id: entry.id, incident, kind: 'incident' })], incidents: [incident], source: { type: 'this-device' } },
      });
    }
    // A write through the socket is an event too, after its result.
    ws.socket.send(JSON.stringify({ type: 'call', id: 1, method: 'log.add', input: { incident, kind: 'melding', body: { text: 'Aggregaat draait' } } }));
    const added = await ws.next((f) => f.type === 'result');
    expect(added).toMatchObject({ id: 1, result: { ok: true } });
    expect(await second.next((f) => f.type === 'event')).toMatchObject({ event: 'entries.added', payload: { entries: [{ id: added.result.value.id }] } });
  });

  it('close() ends the sockets, refuses new ones and stops forwarding events', async () => {
    const { backend, host, ws } = await window();
    let delivered = 0;
    ws.socket.on('message', () => delivered++);
    await host.close();
    expect(await ws.closed).toEqual({ code: 1001, reason: 'baken serve is stopping' });
    await backend.api['incident.create']({ title: 'Na het sluiten' });
    expect(delivered).toBe(0);
    await expect(get(host.port, `/?token=${host.token}`)).rejects.toThrow(/ECONNREFUSED/);
    await host.close();
  });

  it('refuses a port in use in plain words, and a port that is no port', async () => {
    const { host } = await start();
    const backend = openTestBackend({ dataDir: tempDir(), create: true });
    backends.push(backend);
    await expect(startUiHost({ surface: backend, rendererDir: tempDir(), port: host.port })).rejects.toMatchObject({
      code: 'network', message: `could not serve the window: port ${host.port} on 127.0.0.1 is already in use; choose another port, or none to take a free one`,
    });
    await expect(startUiHost({ surface: backend, rendererDir: tempDir(), port: 70000 })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
