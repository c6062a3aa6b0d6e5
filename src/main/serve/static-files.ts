/**
 * The built renderer (out/renderer): index.html for `/`, and its assets. Only files
 * inside the folder are served, symlinks resolved, by the same confinement as images.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallError } from '../../shared/api';
import { confinedPath } from '../images/confine';
import { contentTypeOf } from '../util/content-types';
import { matchesEtag, sendBytes, sendText } from './reply';

/** Vite names built assets `<name>-<hash>.<ext>`: a name never changes content, so it may be kept for good. */
const HASHED_ASSET = /^\/assets\/.+-[\w-]{8,}\.\w+$/;

export const NOT_BUILT = 'the renderer is not built: run npm run build';

function cacheControl(pathname: string): string {
  // index.html names the current assets: it is revalidated every time (cheap, by ETag).
  return HASHED_ASSET.test(pathname) ? 'private, max-age=31536000, immutable' : 'no-cache';
}

export async function handleStatic(request: IncomingMessage, response: ServerResponse, url: URL, staticDir: string): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return sendText(response, 405, 'only GET and HEAD are answered here', { Allow: 'GET, HEAD' });
  }
  const pathname = url.pathname === '/' ? '/index.html' : url.pathname;
  let relative: string;
  try {
    relative = decodeURIComponent(pathname).slice(1);
  } catch {
    return sendText(response, 400, 'the path is not valid percent-encoding');
  }
  let file: string;
  try {
    file = await confinedPath(staticDir, relative);
  } catch (error) {
    if (!(error instanceof CallError)) throw error;
    if (url.pathname === '/') return sendText(response, 503, NOT_BUILT);
    return sendText(response, error.kind === 'forbidden' ? 403 : 404, error.kind === 'forbidden' ? 'outside the app' : 'not found');
  }
  const info = await stat(file);
  if (!info.isFile()) return sendText(response, 404, 'not found');
  const etag = `"${info.size.toString(36)}-${Math.round(info.mtimeMs).toString(36)}"`;
  response.setHeader('ETag', etag);
  response.setHeader('Cache-Control', cacheControl(pathname));
  if (matchesEtag(request.headers['if-none-match'], etag)) {
    response.writeHead(304);
    response.end();
    return;
  }
  const type = contentTypeOf(file);
  sendBytes(response, 200, await readFile(file), type);
}
