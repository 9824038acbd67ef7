import { request } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { WebSocket } from 'ws';

/**
 * Clients for the headless host in tests: raw HTTP (to send a Host header, a path with `..` or an
 * encoded slash exactly as written, which fetch would normalise or refuse) and a WebSocket client
 * that collects frames.
 */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Whatever bytes are written, and the status line that comes back (for request lines Node's client will not send). */
export function rawStatus(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    socket.on('end', () => resolve(got.split('\r\n')[0] ?? ''));
    socket.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

export interface OpenSocket {
  socket: WebSocket;
  /** The next frame that matches (frames already received count), parsed. */
  next(match?: (frame: any) => boolean): Promise<any>;
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a WebSocket; resolves with it, or with the HTTP status the host refused it with. */
export function openSocket(url: string, headers: Record<string, string> = {}): Promise<OpenSocket | { refused: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const frames: any[] = [];
    const waiting: { match: (frame: any) => boolean; resolve: (frame: any) => void }[] = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      const at = waiting.findIndex((w) => w.match(frame));
      if (at === -1) frames.push(frame);
      else waiting.splice(at, 1)[0]!.resolve(frame);
    });
    const closed = new Promise<{ code: number; reason: string }>((done) => socket.once('close', (code, reason) => done({ code, reason: reason.toString() })));
    socket.once('open', () =>
      resolve({
        socket,
        closed,
        next: (match = () => true) => {
          const at = frames.findIndex(match);
          if (at !== -1) return Promise.resolve(frames.splice(at, 1)[0]);
          return new Promise((r) => waiting.push({ match, resolve: r }));
        },
      }),
    );
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        resolve({ refused: res.statusCode ?? 0, body });
        socket.terminate();
      });
    });
    socket.once('error', reject);
  });
}
