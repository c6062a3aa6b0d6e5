/**
 * `GET /events`: a WebSocket per page, sent the event hub's {event, payload} frames as
 * JSON, the same frames the desktop app sends over IPC. The page never speaks on it.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { EventFrame, EventSink } from '../../shared/events';

export const EVENTS_PATH = '/events';

/** Frames are a few hundred bytes, a few a second: a client this far behind is gone. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Pings find peers that vanished without a close (a laptop lid, a dropped tunnel). */
const PING_INTERVAL_MS = 30_000;

/**
 * How long a closing server waits for pages to answer its close frame. A live page
 * answers in milliseconds; one that does not (a suspended tab, a dead tunnel) is not
 * worth holding up the stop for, which the server keeps within a second.
 */
const CLOSE_GRACE_MS = 500;

export interface EventSource {
  connect(sink: EventSink): () => void;
}

export interface EventsSocket {
  /** Completes an upgrade the server has already checked (host, origin, token). */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Says goodbye to every page (1001, going away) and resolves once they are gone. */
  close(): Promise<void>;
}

function connectSocket(socket: WebSocket, events: EventSource): void {
  const disconnect = events.connect((event, payload) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.terminate();
      return;
    }
    const frame: EventFrame = { event, payload };
    socket.send(JSON.stringify(frame));
  });
  socket.on('close', disconnect);
  // A reset connection emits 'error' then 'close'; without a listener it would throw.
  socket.on('error', () => socket.terminate());
}

export function createEventsSocket(events: EventSource): EventsSocket {
  const server = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const unanswered = new WeakSet<WebSocket>();
  server.on('connection', (socket) => {
    socket.on('pong', () => unanswered.delete(socket));
    connectSocket(socket, events);
  });
  const heartbeat = setInterval(() => {
    for (const socket of server.clients) {
      if (unanswered.has(socket)) {
        socket.terminate();
        continue;
      }
      unanswered.add(socket);
      socket.ping();
    }
  }, PING_INTERVAL_MS);
  heartbeat.unref();

  return {
    accept(request, socket, head) {
      server.handleUpgrade(request, socket, head, (client) => server.emit('connection', client, request));
    },
    close() {
      clearInterval(heartbeat);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of server.clients) client.close(1001, 'the server is stopping');
      const stragglers = setTimeout(() => {
        for (const client of server.clients) client.terminate();
      }, CLOSE_GRACE_MS);
      stragglers.unref();
      return closed.finally(() => clearTimeout(stragglers));
    },
  };
}
