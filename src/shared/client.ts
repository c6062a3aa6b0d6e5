/**
 * What the renderer holds as `window.biascope` (desktop) or builds over HTTP (browser):
 * the contract's calls, pushed events, and the URL of an image, which differs by
 * transport (a custom protocol in the desktop app, a route of `biascope serve`).
 * Pure: no Node, no DOM.
 */
import type { BiascopeApi } from './api';
import type { EventName, EventPayload } from './events';

export const IMAGE_SIZES = ['thumb', 'full'] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];

/** Longest side of a thumbnail, in pixels: sharp enough for tiles up to ~256 px on a 1x screen. */
export const THUMB_SIZE = 256;

export interface BiascopeClient {
  readonly api: BiascopeApi;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** The URL of a dataset's image by its path relative to the root. */
  imageUrl(datasetId: number, path: string, size: ImageSize): string;
}

/** Desktop: `biascope-image://dataset/<id>/<path>?size=thumb`. */
export const IMAGE_SCHEME = 'biascope-image';

/** The route (after the scheme's host, or after `/image` over HTTP) of an image: `/<id>/<path segments>?size=`. */
export function imageRoute(datasetId: number, path: string, size: ImageSize): string {
  const segments = path.split('/').map(encodeURIComponent).join('/');
  return `/${datasetId}/${segments}?size=${size}`;
}

/** Reads an image route back; null when it is not one. Segments are decoded; confinement is the server's job. */
export function parseImageRoute(pathname: string, search: string): { datasetId: number; path: string; size: ImageSize } | null {
  const match = /^\/(\d+)\/(.+)$/.exec(pathname);
  if (!match) return null;
  let path: string;
  try {
    path = match[2]!.split('/').map(decodeURIComponent).join('/');
  } catch {
    return null;
  }
  const size = new URLSearchParams(search).get('size') ?? 'thumb';
  if (size !== 'thumb' && size !== 'full') return null;
  return { datasetId: Number(match[1]), path, size };
}

/** `biascope serve`: what a page asks once it has the token (by Bearer header): `{ imageKey }`. */
export const SESSION_PATH = '/session';
/** `biascope serve`: the query parameter of an image URL that carries the image key. */
export const IMAGE_KEY_PARAM = 'k';
