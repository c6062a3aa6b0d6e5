/**
 * The access token of `biascope serve`. Whoever holds it can read the datasets the
 * server opens, so every request for data must present it, and in a form no other
 * server on the machine can be handed by the browser:
 * - calls (/api/) and the session (/session) take it only as `Authorization: Bearer`;
 * - the events socket, which cannot carry a header from a page, takes it in its URL;
 * - images (<img> cannot carry a header either) take the image key in their URL: a key
 *   derived from the token that opens images and nothing else.
 * There is no cookie: browsers scope cookies by host, not port, so a cookie set by this
 * server would be sent to every other server on 127.0.0.1 (and replayed from there).
 * The page's own files (the app's code) need no token; the page reads the token from
 * the printed URL, keeps it in the tab's session storage and drops it from the address.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { IMAGE_KEY_PARAM } from '../../shared/client';

/** 32 random bytes, URL-safe: 256 bits cannot be guessed through a loopback port. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Equal strings, in time independent of where they differ. Hashing first gives both
 * sides the same length, which timingSafeEqual requires, without leaking the length.
 */
export function sameToken(presented: string, token: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** The key that opens this server's images and nothing else: it cannot be turned back into the token. */
export function imageKey(token: string): string {
  return createHmac('sha256', token).update('biascope image key').digest('base64url');
}

/** What a route asks of a request besides a Host and Origin of this server. */
export type Credential = 'none' | 'bearer' | 'socket' | 'image';

/** The secret a request presents in the form its route takes, or null. */
export function presented(request: IncomingMessage, url: URL, credential: Exclude<Credential, 'none'>): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? null;
  if (credential === 'bearer') return bearer;
  if (credential === 'socket') return url.searchParams.get('token') || bearer;
  return url.searchParams.get(IMAGE_KEY_PARAM) || bearer;
}

export const NO_TOKEN = 'an access token is required: open the URL that biascope serve printed';
export const WRONG_TOKEN = 'the access token is wrong (was the server restarted?)';
export const BEARER_ONLY = 'calls take the access token as an "Authorization: Bearer" header, not in the URL';
