/**
 * The desktop app's own page over `biascope-app://app/...`, served from the built
 * renderer folder, instead of file://. A file:// page has an opaque origin, reads any
 * local file a link points it at (file:// grants extra privileges), and shares its
 * "origin" with every other file; an app scheme gives the page one origin of its own,
 * the same CSP header as every response, and only the files of the renderer folder
 * (symlinks resolved, by the same confinement as dataset images).
 */
import { readFile } from 'node:fs/promises';
import type { CustomScheme, Protocol } from 'electron';
import { CallError } from '../../shared/api';
import { confinedPath } from '../images/confine';
import { contentTypeOf } from '../util/content-types';
import { CONTENT_SECURITY_POLICY } from '../util/content-security-policy';

export const APP_SCHEME = 'biascope-app';
export const APP_HOST = 'app';
/** The page the main window loads when no dev server is given. */
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Standard (a real origin, relative URLs) and secure (not mixed content), like https. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: false },
};

function reply(status: number, body: string | Uint8Array, type: string): Response {
  return new Response(body as BodyInit, {
    status,
    headers: { 'Content-Type': type, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' },
  });
}

/** Answers one request of the app scheme from `rendererDir`. */
export async function appFileResponse(request: Pick<Request, 'url' | 'method'>, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET') return reply(405, 'only GET is answered here', 'text/plain; charset=utf-8');
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return reply(400, 'not a URL', 'text/plain; charset=utf-8');
  }
  if (url.host !== APP_HOST) return reply(404, 'not found', 'text/plain; charset=utf-8');
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname).slice(1);
  } catch {
    return reply(400, 'the path is not valid percent-encoding', 'text/plain; charset=utf-8');
  }
  try {
    const file = await confinedPath(rendererDir, relative);
    return reply(200, await readFile(file), contentTypeOf(file));
  } catch (error) {
    if (error instanceof CallError) return reply(error.kind === 'forbidden' ? 403 : 404, error.kind === 'forbidden' ? 'outside the app' : 'not found', 'text/plain; charset=utf-8');
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR' || code === 'ENOENT') return reply(404, 'not found', 'text/plain; charset=utf-8');
    throw error;
  }
}

/** Serves the app scheme from the built renderer folder; call once the app is ready. */
export function handleAppFiles(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => appFileResponse(request, rendererDir));
}
