/**
 * `GET /image/<datasetId>/<path>?size=thumb|full`: a dataset's image, as the desktop
 * app's image protocol serves it. The image service confines paths to the dataset's
 * root; this route only maps its refusals to statuses and handles revalidation.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallError } from '../../shared/api';
import { parseImageRoute } from '../../shared/client';
import type { ImageReply, ImageService } from '../images/image-service';
import { matchesEtag, sendBytes, sendText } from './reply';

export const IMAGE_PREFIX = '/image/';

/**
 * Ten minutes: a grid scrolled back and forth is not fetched again, and an image edited
 * on disk shows up soon after (its ETag changes with its size and mtime).
 */
const IMAGE_CACHE_CONTROL = 'private, max-age=600';

const STATUS_OF_KIND: Readonly<Partial<Record<CallError['kind'], number>>> = {
  forbidden: 403,
  'not-found': 404,
  'invalid-input': 400,
};

export async function handleImage(request: IncomingMessage, response: ServerResponse, url: URL, images: ImageService): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return sendText(response, 405, 'images are read with GET', { Allow: 'GET, HEAD' });
  }
  const route = parseImageRoute(url.pathname.slice(IMAGE_PREFIX.length - 1), url.search);
  if (!route) return sendText(response, 404, 'an image URL is /image/<dataset id>/<path>?size=thumb|full');
  let reply: ImageReply;
  try {
    reply = await images.serve(route.datasetId, route.path, route.size);
  } catch (error) {
    const status = error instanceof CallError ? STATUS_OF_KIND[error.kind] : undefined;
    if (status === undefined) throw error;
    return sendText(response, status, (error as CallError).message);
  }
  response.setHeader('ETag', reply.etag);
  response.setHeader('Cache-Control', IMAGE_CACHE_CONTROL);
  if (matchesEtag(request.headers['if-none-match'], reply.etag)) {
    response.writeHead(304);
    response.end();
    return;
  }
  sendBytes(response, 200, reply.bytes, reply.contentType);
}
