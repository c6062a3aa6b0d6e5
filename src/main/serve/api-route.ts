/**
 * `POST /api/<method>`: the contract over HTTP. The body is the JSON array of the
 * call's arguments; the reply is the call's Result, with status 200 whether it
 * succeeded or not (a failed call is data, as over IPC). Statuses other than 200 say
 * the request never reached a method.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_METHODS, CHANNEL_PREFIX, channelOf, type ApiMethod, type BiascopeApi } from '../../shared/api';
import { dispatch } from '../api';
import { sendJson, sendText } from './reply';

export const API_PREFIX = '/api/';

/** Large enough for any argument list of the contract but a tag change... */
export const MAX_BODY_BYTES = 1024 * 1024;
/** ...which may name every image of a large dataset (a million content ids). */
const LARGE_BODIES: ReadonlyMap<ApiMethod, number> = new Map([['setTags', 16 * 1024 * 1024]]);
/** The contract's arguments nest a few levels; a deeper body is an attack on the parser. */
export const MAX_BODY_DEPTH = 32;

/**
 * Whether JSON text nests deeper than `limit`, read in one pass over the bytes before it
 * is parsed: 8 MB of `[[[[...` kept the event loop busy for seconds.
 */
export function nestsDeeper(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > limit) return true;
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return false;
}

/** Routes derive from the channel names, so "/api/grid-tiles" is "biascope:grid-tiles" over IPC. */
export function apiRoute(method: ApiMethod): string {
  return API_PREFIX + channelOf(method).slice(CHANNEL_PREFIX.length);
}

const ROUTES: ReadonlyMap<string, ApiMethod> = new Map(API_METHODS.map((method) => [apiRoute(method), method]));

type Body = { kind: 'read'; bytes: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

function readBody(request: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (body: Body) => {
      settled = true;
      resolve(body);
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) settle({ kind: 'too-large' });
      else chunks.push(chunk);
    });
    request.on('end', () => {
      if (!settled) settle({ kind: 'read', bytes: Buffer.concat(chunks) });
    });
    request.on('close', () => {
      if (!settled) settle({ kind: 'aborted' });
    });
    request.on('error', reject);
  });
}

function tooLarge(response: ServerResponse, limit: number): void {
  // The rest of the body is not read: closing the connection keeps it from being
  // taken for the next request.
  sendText(response, 413, `the request body is over ${limit / 1024 / 1024} MB`, { Connection: 'close' });
}

export async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL, api: BiascopeApi): Promise<void> {
  const method = ROUTES.get(url.pathname);
  if (!method) return sendText(response, 404, `no such method: ${url.pathname.slice(API_PREFIX.length)}`);
  if (request.method !== 'POST') {
    return sendText(response, 405, 'a call is a POST of a JSON array of its arguments', { Allow: 'POST' });
  }
  const limit = LARGE_BODIES.get(method) ?? MAX_BODY_BYTES;
  if (Number(request.headers['content-length'] ?? 0) > limit) return tooLarge(response, limit);
  const body = await readBody(request, limit);
  if (body.kind === 'aborted') return;
  if (body.kind === 'too-large') return tooLarge(response, limit);
  if (nestsDeeper(body.bytes, MAX_BODY_DEPTH)) return sendText(response, 400, `the body nests deeper than ${MAX_BODY_DEPTH} levels`);
  let args: unknown;
  try {
    // An empty body is a call without arguments: `curl -X POST .../api/app-info` works.
    args = body.bytes.length === 0 ? [] : JSON.parse(body.bytes.toString('utf8'));
  } catch (error) {
    return sendText(response, 400, `the body is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(args)) return sendText(response, 400, 'the body must be a JSON array of the arguments');
  sendJson(response, 200, await dispatch(api, method, args));
}
