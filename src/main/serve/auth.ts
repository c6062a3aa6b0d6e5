/**
 * The access token of `biascope serve`. Whoever holds it can read the datasets the
 * server opens, so every request must present it: in the URL the server prints
 * (`?token=`), as `Authorization: Bearer`, or in the cookie set from the URL so that
 * <img> requests and the WebSocket, which cannot carry a header, are let in too.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The cookie's name, one per port: browsers scope cookies by host, not port, so two
 * servers on one machine sharing a name would overwrite each other's token, and each
 * page's <img> requests would then carry the other server's (401).
 */
export function tokenCookieName(port: number): string {
  return `biascope_token_${port}`;
}

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

export type TokenSource = 'query' | 'bearer' | 'cookie';

export interface PresentedToken {
  value: string;
  source: TokenSource;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at !== -1 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * The token a request presents, by precedence: the URL (a fresh link beats a stale
 * cookie from an earlier run), then the header, then the cookie.
 */
export function presentedToken(request: IncomingMessage, url: URL, cookieName: string): PresentedToken | null {
  const query = url.searchParams.get('token');
  if (query) return { value: query, source: 'query' };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer) return { value: bearer, source: 'bearer' };
  const cookie = cookieValue(request.headers.cookie, cookieName);
  if (cookie) return { value: cookie, source: 'cookie' };
  return null;
}

export const NO_TOKEN = 'an access token is required: open the URL that biascope serve printed';
export const WRONG_TOKEN = 'the access token is wrong (was the server restarted?)';

/**
 * Keeps the token for the page's later requests, under this server's own name (see
 * tokenCookieName). Strict SameSite: another site cannot make the browser send it.
 */
export function tokenCookie(token: string, cookieName: string): string {
  return `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
