/**
 * The back end of this page, whichever transport carries it: the desktop preload's
 * client when there is one, else the server that served the page over HTTP, else none
 * (a page opened from a file, with nothing to talk to).
 */
import type { BiascopeClient } from '../../../shared/client';
import { createHttpClient } from './http-client';

export { createHttpClient, type PageLocation } from './http-client';

export function connectClient(): BiascopeClient | null {
  if (window.biascope) return window.biascope;
  const { protocol } = window.location;
  if (protocol === 'http:' || protocol === 'https:') return createHttpClient(window.location);
  return null;
}
