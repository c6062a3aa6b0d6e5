/**
 * The image protocol: `biascope-image://dataset/<id>/<path>?size=thumb|full` answers
 * from the image service, so the page shows dataset files without reading the disk and
 * without a server. Only datasets opened in this run are served, only inside their
 * roots (the service's job); the handler turns each refusal into a status code.
 */
import type { CustomScheme, Protocol } from 'electron';
import { errorKindOf, type ErrorKind } from '../../shared/api';
import { IMAGE_SCHEME, parseImageRoute } from '../../shared/client';
import type { ImageService } from '../images/image-service';
import { APP_SCHEME_PRIVILEGES } from './app-protocol';

/** The only host of the scheme; the route after it is the same as over HTTP. */
export const IMAGE_HOST = 'dataset';

/**
 * `standard` gives the URLs a host and path parsed like http (relative URLs, percent
 * encoding); `secure` keeps them from being mixed content. Not corsEnabled: the page
 * only shows the images, and a canvas that drew one cannot read its pixels back.
 */
export const IMAGE_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: IMAGE_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true },
};

/**
 * Must run before the app is ready, and only once per run: Electron keeps the first
 * list it is given, so every privileged scheme of the app belongs in this one call:
 * the images' and the page's own (app-protocol.ts).
 */
export function registerSchemes(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([IMAGE_SCHEME_PRIVILEGES, APP_SCHEME_PRIVILEGES]);
}

/** What the handler reads of a request; Electron passes a whole `Request`. */
export type ImageRequest = Pick<Request, 'url' | 'method' | 'headers'>;

const STATUS_OF: Readonly<Partial<Record<ErrorKind, number>>> = {
  'invalid-input': 400,
  forbidden: 403,
  'not-found': 404,
};

function text(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
  });
}

/** Answers every request with a response; it never throws, so a bad URL cannot surface as a network error. */
export function imageHandler(images: ImageService): (request: ImageRequest) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, `${request.method} is not allowed`);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return text(400, 'malformed image URL');
    }
    const route = url.hostname.toLowerCase() === IMAGE_HOST ? parseImageRoute(url.pathname, url.search) : null;
    if (!route) return text(404, `no image at ${url.pathname}`);
    try {
      const reply = await images.serve(route.datasetId, route.path, route.size);
      const headers = {
        ETag: reply.etag,
        // Revalidate on each use: the ETag changes whenever the file does.
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      };
      if (request.headers.get('If-None-Match') === reply.etag) return new Response(null, { status: 304, headers });
      // A view, not a copy: buffers from fs and sharp are never backed by shared memory.
      const body = new Uint8Array(reply.bytes.buffer as ArrayBuffer, reply.bytes.byteOffset, reply.bytes.byteLength);
      return new Response(body, {
        status: 200,
        headers: { ...headers, 'Content-Type': reply.contentType, 'Content-Length': String(reply.bytes.length) },
      });
    } catch (error) {
      const kind = errorKindOf(error);
      const message = error instanceof Error ? error.message : String(error);
      return text((kind && STATUS_OF[kind]) ?? 500, message);
    }
  };
}

/** Serves the scheme on a session (the default one holds our window); returns the function that stops. */
export function handleImages(protocol: Pick<Protocol, 'handle' | 'unhandle'>, images: ImageService): () => void {
  protocol.handle(IMAGE_SCHEME, imageHandler(images));
  return () => protocol.unhandle(IMAGE_SCHEME);
}
