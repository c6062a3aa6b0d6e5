/**
 * The back end of this page, whichever transport carries it: the desktop preload's
 * client when there is one, else the server that served the page over HTTP, else none
 * (a page opened from a file, with nothing to talk to).
 */
import type { BiascopeClient } from '../../../shared/client';
import { connectHttpClient } from './http-client';

export { connectHttpClient, createHttpClient, type Page, type PageLocation } from './http-client';

/** The back end, or why there is none (null: no transport at all). */
export async function connectClient(): Promise<BiascopeClient | { refused: string } | null> {
  if (window.biascope) return window.biascope;
  const { protocol } = window.location;
  if (protocol !== 'http:' && protocol !== 'https:') return null;
  let storage: Storage | null = null;
  try {
    storage = window.sessionStorage;
  } catch {
    // Storage refused by the browser's settings: the token then lives until a reload.
  }
  return connectHttpClient({ location: window.location, storage, replaceAddress: (url) => window.history.replaceState(window.history.state, '', url) });
}
