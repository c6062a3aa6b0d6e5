/**
 * The client of a page served by `biascope serve`: calls are POSTs to /api/<method>,
 * events come over one WebSocket to /events, images are routes of the same server.
 * The access token rides in the page URL the server printed; it is sent as a Bearer
 * header and on the socket's URL, and the cookie the server set covers <img> requests.
 */
import { CHANNEL_PREFIX } from '../../../shared/api';
import { createBridge, type Invoke } from '../../../shared/bridge';
import { imageRoute, type BiascopeClient } from '../../../shared/client';
import { parseEventFrame, type EventName, type EventPayload } from '../../../shared/events';

/** What the client reads of `window.location`. */
export interface PageLocation {
  readonly protocol: string;
  readonly host: string;
  readonly search: string;
}

/** Reconnection waits double from the first to the last, and start over once connected. */
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 10_000;

type Listener = (payload: unknown) => void;

function apiInvoke(origin: string, token: string | null, fetchImpl: typeof fetch): Invoke {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers['Authorization'] = `Bearer ${token}`;
  return async (channel, ...args) => {
    let response: Response;
    try {
      response = await fetchImpl(`${origin}/api/${channel.slice(CHANNEL_PREFIX.length)}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(args),
        credentials: 'same-origin',
      });
    } catch (error) {
      throw new Error(`the server at ${origin} cannot be reached (${(error as Error).message})`, { cause: error });
    }
    // A failed call is a 200 with a failed Result; other statuses never reached a method.
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${(await response.text()).trim()}`);
    return response.json();
  };
}

/** One socket for every listener, opened with the first and reopened while any remain. */
function eventStream(url: string, WebSocketImpl: typeof WebSocket): BiascopeClient['on'] {
  const listeners = new Map<EventName, Set<Listener>>();
  let socket: WebSocket | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let delay = FIRST_RETRY_MS;
  const listening = () => [...listeners.values()].some((set) => set.size > 0);

  const deliver = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    const checked = parseEventFrame(frame);
    if (!checked) return;
    for (const listener of listeners.get(checked.event) ?? []) {
      try {
        listener(checked.payload);
      } catch (error) {
        // One failing view must not keep the others from hearing.
        console.error(`biascope: a listener of ${checked.event} failed`, error);
      }
    }
  };

  const open = (): void => {
    retry = null;
    const current = new WebSocketImpl(url);
    socket = current;
    current.onopen = () => {
      delay = FIRST_RETRY_MS;
    };
    current.onmessage = (message) => deliver(message.data);
    // 'error' is always followed by 'close', where reconnection is decided.
    current.onclose = () => {
      if (socket !== current) return;
      socket = null;
      if (!listening()) return;
      retry = setTimeout(open, delay);
      delay = Math.min(delay * 2, LAST_RETRY_MS);
    };
  };

  return <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => {
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    // The payload was checked against this event's schema before any listener sees it.
    const stored = listener as Listener;
    set.add(stored);
    if (socket === null && retry === null) open();
    return () => {
      set.delete(stored);
    };
  };
}

export function createHttpClient(
  location: PageLocation,
  fetchImpl: typeof fetch = fetch,
  WebSocketImpl: typeof WebSocket = WebSocket,
): BiascopeClient {
  const origin = `${location.protocol}//${location.host}`;
  const token = new URLSearchParams(location.search).get('token');
  const socketScheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const eventsUrl = `${socketScheme}//${location.host}/events${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return {
    api: createBridge(apiInvoke(origin, token, fetchImpl)),
    on: eventStream(eventsUrl, WebSocketImpl),
    imageUrl: (datasetId, path, size) => `/image${imageRoute(datasetId, path, size)}`,
  };
}
