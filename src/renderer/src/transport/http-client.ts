/**
 * The client of a page served by `biascope serve`: calls are POSTs to /api/<method>,
 * events come over one WebSocket to /events, images are routes of the same server.
 * The access token rides in the page URL the server printed. The page keeps it in the
 * tab's session storage (which no other origin, another port included, can read) and
 * drops it from the address; it is sent as a Bearer header and on the socket's URL.
 * Images, which <img> fetches without headers, carry the image key the server gives for
 * the token: it opens images and nothing else.
 */
import { CHANNEL_PREFIX } from '../../../shared/api';
import { createBridge, type Invoke } from '../../../shared/bridge';
import { IMAGE_KEY_PARAM, imageRoute, SESSION_PATH, type BiascopeClient } from '../../../shared/client';
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
        credentials: 'omit',
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

export interface Credentials {
  token: string | null;
  /** Opens images; null when the session was not asked for (images are then refused). */
  imageKey: string | null;
}

export function createHttpClient(
  location: PageLocation,
  fetchImpl: typeof fetch = fetch,
  WebSocketImpl: typeof WebSocket = WebSocket,
  credentials: Credentials = { token: new URLSearchParams(location.search).get('token'), imageKey: null },
): BiascopeClient {
  const { token, imageKey } = credentials;
  const origin = `${location.protocol}//${location.host}`;
  const socketScheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const eventsUrl = `${socketScheme}//${location.host}/events${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const key = imageKey ? `&${IMAGE_KEY_PARAM}=${encodeURIComponent(imageKey)}` : '';
  return {
    api: createBridge(apiInvoke(origin, token, fetchImpl)),
    on: eventStream(eventsUrl, WebSocketImpl),
    imageUrl: (datasetId, path, size) => `/image${imageRoute(datasetId, path, size)}${key}`,
  };
}

/** The page as the HTTP client needs it: where it is, where the token is kept, and its address bar. */
export interface Page {
  location: PageLocation & { readonly pathname: string; readonly hash: string };
  /** The tab's session storage; null where there is none. */
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  /** Replaces the address shown (history.replaceState) without loading anything. */
  replaceAddress(url: string): void;
}

const TOKEN_ITEM = 'biascope-token';

/** The token of this page: from the printed URL (then kept, and dropped from the address), else the one kept. */
function takeToken(page: Page): string | null {
  const { location } = page;
  const search = new URLSearchParams(location.search);
  const fromUrl = search.get('token');
  if (fromUrl) {
    page.storage?.setItem(TOKEN_ITEM, fromUrl);
    search.delete('token');
    const rest = search.toString();
    // Out of the address bar, the history and any bookmark or screenshot of the page.
    page.replaceAddress(`${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    return fromUrl;
  }
  return page.storage?.getItem(TOKEN_ITEM) ?? null;
}

/**
 * The client of a served page, once the server has given the image key for its token;
 * or the reason there is none, in words for the page to show.
 */
export async function connectHttpClient(page: Page, fetchImpl: typeof fetch = fetch, WebSocketImpl: typeof WebSocket = WebSocket): Promise<BiascopeClient | { refused: string }> {
  const token = takeToken(page);
  if (!token) return { refused: 'This page has no access token: open the address that biascope serve printed (it carries the token).' };
  const origin = `${page.location.protocol}//${page.location.host}`;
  let reply: Response;
  try {
    reply = await fetchImpl(`${origin}${SESSION_PATH}`, { headers: { Authorization: `Bearer ${token}` }, credentials: 'omit' });
  } catch (error) {
    return { refused: `The server at ${origin} cannot be reached (${(error as Error).message}).` };
  }
  if (reply.status !== 200) {
    // A token of an earlier run of the server: forget it, the printed address brings the new one.
    if (reply.status === 401) page.storage?.removeItem(TOKEN_ITEM);
    return { refused: `The server refused this page: ${(await reply.text()).trim()}. Open the address that biascope serve printed.` };
  }
  const { imageKey } = (await reply.json()) as { imageKey?: unknown };
  return createHttpClient(page.location, fetchImpl, WebSocketImpl, { token, imageKey: typeof imageKey === 'string' ? imageKey : null });
}
