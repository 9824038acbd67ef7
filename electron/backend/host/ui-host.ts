import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Invoke } from '../../../shared/contract/api.js';
import { TOKEN_PARAM, WIRE_MAX_FRAME_BYTES, WS_PATH } from '../../../shared/contract/bridge.js';
import { BakenError } from '../../../shared/contract/errors.js';
import type { Subscribe } from '../../../shared/contract/events.js';
import { hostAllowed, newToken, originAllowed, splitTarget, tokenMatches } from './access.js';
import { createSocketBridge } from './socket-bridge.js';
import { plain, securityHeaders, serveAsset, serveIndex } from './static-files.js';

/**
 * The headless host (`baken serve --ui`): the renderer's files over HTTP and the API contract over a
 * WebSocket, on 127.0.0.1 only, so a browser on this computer is the window. Same contract and same
 * validation as IPC: every call goes through the backend's `invoke`.
 */
export interface UiHostOptions {
  /** The backend as every user interface sees it: `invoke` (validates, never throws) and `on`. */
  surface: { invoke: Invoke; on: Subscribe };
  /** The Vite build of the renderer: index.html and assets/. */
  rendererDir: string;
  /** 0 (the default): a free port the system picks. */
  port?: number;
  log?: (line: string) => void;
  /** Unread bytes past which a window's socket is closed (default: socket-bridge's MAX_BUFFERED_BYTES). */
  maxBufferedBytes?: number;
}

export interface UiHost {
  /** What to open: `http://127.0.0.1:PORT/?token=T`. */
  url: string;
  port: number;
  token: string;
  /** Closes every window's socket and the server; safe to call more than once. */
  close(): Promise<void>;
}

export async function startUiHost(options: UiHostOptions): Promise<UiHost> {
  const { surface, rendererDir, log = () => {} } = options;
  const requested = options.port ?? 0;
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
    throw new BakenError('invalid-input', `the window's port must be a whole number from 0 to 65535, not ${JSON.stringify(requested)}`, { field: 'port' });
  }
  const token = newToken();
  const server = createServer();
  // The port is known once listening; no request is answered before that.
  let port = 0;
  let closing = false;
  const headers = () => securityHeaders(port);

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req, port)) return plain(res, 403, `this server answers only at 127.0.0.1:${port}`, headers());
    if (closing) return plain(res, 503, 'baken serve is stopping', headers());
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return plain(res, 405, `${req.method} is not answered here; only GET`, headers());
    }
    const target = splitTarget(req.url);
    if (!target) return plain(res, 400, 'a request names a path starting with /', headers());
    if (target.path === '/' || target.path === '/index.html') {
      if (!tokenMatches(target.query.getAll(TOKEN_PARAM), token)) {
        return plain(res, 403, 'this page needs the token: open the whole address baken serve --ui printed, with ?token=…', headers());
      }
      return serveIndex(res, rendererDir, headers());
    }
    // The assets are the renderer's public code: no token, so the page's <script> tags need none.
    if (target.path.startsWith('/assets/')) return serveAsset(res, rendererDir, target.path, headers());
    return plain(res, 404, 'not found', headers());
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: WIRE_MAX_FRAME_BYTES, clientTracking: false });
  const bridge = createSocketBridge({ surface, log, maxBufferedBytes: options.maxBufferedBytes });

  /** Why a WebSocket may not open, as status and words; null when it may. Checked before the upgrade, so nothing is said over a refused socket. */
  const upgradeRefusal = (req: IncomingMessage): { status: number; message: string } | null => {
    if (!hostAllowed(req, port)) return { status: 403, message: `this server answers only at 127.0.0.1:${port}` };
    if (closing) return { status: 503, message: 'baken serve is stopping' };
    const target = splitTarget(req.url);
    if (!target || target.path !== WS_PATH) return { status: 404, message: `the WebSocket is at ${WS_PATH}` };
    if (!tokenMatches(target.query.getAll(TOKEN_PARAM), token)) return { status: 401, message: 'a missing or wrong token' };
    if (!originAllowed(req, port)) return { status: 403, message: `only pages from http://127.0.0.1:${port} may connect` };
    return null;
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    onRequest(req, res).catch((error: unknown) => {
      log(`the window host failed to answer ${JSON.stringify(req.url)}: ${(error as Error)?.message ?? String(error)}`);
      if (!res.headersSent) plain(res, 500, 'internal error; see the terminal running baken serve', headers());
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that hangs up mid-handshake must not take the process with it.
    socket.on('error', () => {});
    const refusal = upgradeRefusal(req);
    if (refusal) return refuseUpgrade(socket, refusal.status, refusal.message);
    wss.handleUpgrade(req, socket, head, (ws) => bridge.add(ws));
  });
  server.on('clientError', (_error, socket: Duplex) => refuseUpgrade(socket, 400, 'a request that is not HTTP/1.1'));

  try {
    port = await listen(server, requested);
  } catch (error) {
    await bridge.close();
    throw error;
  }

  let closed: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    token,
    close() {
      closed ??= (async () => {
        closing = true;
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive connections would hold close() open; the windows' sockets are the bridge's to end.
        server.closeIdleConnections();
        await bridge.close();
        server.closeAllConnections();
        wss.close();
        await serverClosed;
      })();
      return closed;
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      server.off('listening', listening);
      reject(listenError(error, port));
    };
    const listening = () => {
      server.off('error', failed);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', failed);
    server.once('listening', listening);
    server.listen({ host: '127.0.0.1', port, exclusive: true });
  });
}

function listenError(error: NodeJS.ErrnoException, port: number): BakenError {
  if (error.code === 'EADDRINUSE') return new BakenError('network', `could not serve the window: port ${port} on 127.0.0.1 is already in use; choose another port, or none to take a free one`, { cause: error });
  if (error.code === 'EACCES') return new BakenError('network', `could not serve the window: not allowed to listen on port ${port} of 127.0.0.1; choose a port above 1023`, { cause: error });
  return new BakenError('network', `could not serve the window on 127.0.0.1:${port}: ${error.message}`, { cause: error });
}

/** An HTTP answer on the raw socket, as the upgrade never happened. */
function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) return void socket.destroy();
  const body = Buffer.from(`${message}\n`, 'utf8');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${body.length}\r\nCache-Control: no-store\r\n\r\n${body.toString('utf8')}`,
  );
}
