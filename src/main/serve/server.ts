/**
 * `biascope serve`: the contract, the dataset images, pushed events and the renderer
 * itself over HTTP and a WebSocket, for a browser on this or another machine. Every
 * request passes the gate (host, origin, token) before a route sees it.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import type { BiascopeApi } from '../../shared/api';
import type { ImageService } from '../images/image-service';
import { API_PREFIX, handleApi } from './api-route';
import { imageKey, newToken, type Credential } from './auth';
import { createEventsSocket, EVENTS_PATH, type EventSource } from './events-socket';
import { passGate, requestUrl } from './gate';
import { createHostGuard, isWildcardHost, urlHost } from './host-guard';
import { handleImage, IMAGE_PREFIX } from './image-route';
import { sendJson, sendText, setSecurityHeaders } from './reply';
import { SESSION_PATH } from '../../shared/client';
import { handleStatic } from './static-files';

export interface ServedBackend {
  api: BiascopeApi;
  images: ImageService;
  events: EventSource;
}

export interface ServerOptions {
  backend: ServedBackend;
  /** Loopback unless told otherwise: anything else is reachable by the network. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Random unless given (tests, scripts that open the page themselves). */
  token?: string;
  /** The built renderer: index.html and assets/. */
  staticDir: string;
  /** DNS names, besides this machine's own, by which browsers may reach the server. */
  allowedHosts?: readonly string[];
  /** Where failures of the server itself (not of calls) are reported. */
  onError?: (error: unknown) => void;
}

export interface RunningServer {
  /** The page, with the token: the one thing a user needs. */
  url: string;
  origin: string;
  port: number;
  token: string;
  /** Stops listening, says goodbye to sockets, waits for requests in flight (briefly). */
  close(): Promise<void>;
}

/**
 * How long requests in flight may take to finish once the server is closing. Someone
 * pressed Ctrl-C and waits for the prompt: a call still running after this is cut off
 * (the page reconnects to nothing anyway), and `biascope serve` stops within a second.
 */
const DRAIN_MS = 500;

function checkedToken(token: string | undefined): string {
  if (token === undefined) return newToken();
  // It travels in a URL, a header and a cookie: keep to characters all three carry as is.
  if (!/^[\w.~-]{16,}$/.test(token)) throw new Error('a server token must be at least 16 characters of A-Z a-z 0-9 _ - . ~');
  return token;
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { backend, staticDir, host = '127.0.0.1' } = options;
  const token = checkedToken(options.token);
  const onError = options.onError ?? ((error: unknown) => console.error('biascope serve:', error));
  const server = createServer();
  const port = await listen(server, options.port ?? 0, host);
  // Handlers are attached in the same tick as 'listening': no connection is accepted before.
  const guard = createHostGuard(host, port, options.allowedHosts);
  const key = imageKey(token);
  const events = createEventsSocket(backend.events);
  let closed: Promise<void> | undefined;
  /** Replies not yet sent: once closing, each is told to end its keep-alive connection. */
  const unanswered = new Set<ServerResponse>();

  /** What each route takes: data needs the token (or the image key); the app's own files do not. */
  const credentialOf = (url: URL): Credential => {
    if (url.pathname.startsWith(API_PREFIX) || url.pathname === SESSION_PATH) return 'bearer';
    if (url.pathname.startsWith(IMAGE_PREFIX)) return 'image';
    if (url.pathname === EVENTS_PATH) return 'socket';
    return 'none';
  };

  const route = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    if (url.pathname === SESSION_PATH) return sendJson(response, 200, { imageKey: key });
    if (url.pathname.startsWith(API_PREFIX)) return handleApi(request, response, url, backend.api);
    if (url.pathname.startsWith(IMAGE_PREFIX)) return handleImage(request, response, url, backend.images);
    if (url.pathname === EVENTS_PATH) return sendText(response, 426, 'events are a WebSocket', { Upgrade: 'websocket' });
    return handleStatic(request, response, url, staticDir);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    setSecurityHeaders(response);
    const url = requestUrl(request);
    if (!url) return sendText(response, 400, 'the request target must be a path');
    const gate = passGate(request, url, guard, token, credentialOf(url));
    if (!gate.allowed) return sendText(response, gate.status, gate.reason);
    if (closed) response.setHeader('Connection', 'close');
    await route(request, response, url);
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    unanswered.add(response);
    response.once('close', () => unanswered.delete(response));
    handle(request, response).catch((error: unknown) => {
      onError(error);
      if (response.headersSent) response.destroy();
      else sendText(response, 500, 'internal error: see the server log');
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = requestUrl(request);
    if (!url) return refuseUpgrade(socket, 400, 'the request target must be a path');
    if (closed) return refuseUpgrade(socket, 503, 'the server is stopping');
    if (url.pathname !== EVENTS_PATH) return refuseUpgrade(socket, 404, `only ${EVENTS_PATH} is a WebSocket`);
    const gate = passGate(request, url, guard, token, 'socket');
    if (!gate.allowed) return refuseUpgrade(socket, gate.status, gate.reason);
    events.accept(request, socket, head);
  });

  server.on('error', onError);

  // 0.0.0.0 is no address to browse to: name the machine instead.
  const origin = `http://${urlHost(isWildcardHost(host) ? hostname() : host)}:${port}`;

  const close = (): Promise<void> => {
    closed ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A keep-alive connection whose request was in flight would otherwise go idle after
      // its reply and hold the server open until the drain cuts it.
      for (const response of unanswered) if (!response.headersSent) response.setHeader('Connection', 'close');
      const drain = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
      drain.unref();
      await Promise.all([stopped, events.close()]).finally(() => clearTimeout(drain));
    })();
    return closed;
  };

  return { url: `${origin}/?token=${token}`, origin, port, token, close };
}
