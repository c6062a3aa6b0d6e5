/** Headers every response carries, and the small ways the routes answer. */
import type { ServerResponse } from 'node:http';
import { CONTENT_SECURITY_POLICY } from '../util/content-security-policy';

/**
 * The desktop app's policy (its connect-src 'self' also admits our own ws:// origin),
 * plus what only a header can say: no other page may frame ours.
 */
export const SERVED_CONTENT_SECURITY_POLICY = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': SERVED_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // The page URL holds the token: it must not leave in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  // Pages of other origins (another port of localhost is the same site, so the cookie
  // goes along) may not even embed our images or scripts.
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  // Routes that may be cached say so themselves.
  'Cache-Control': 'no-store',
};

/** Set first on every response; the CSP applies to every document, not only index.html. */
export function setSecurityHeaders(response: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
}

/** Node drops the body of a reply to HEAD by itself, keeping Content-Length. */
export function sendBytes(response: ServerResponse, status: number, body: Buffer, contentType: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length });
  response.end(body);
}

export function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  sendBytes(response, status, Buffer.from(text + '\n'), 'text/plain; charset=utf-8');
}

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  sendBytes(response, status, Buffer.from(JSON.stringify(value)), 'application/json; charset=utf-8');
}

/** Whether If-None-Match names the current version: weak comparison, as RFC 9110 13.1.2 asks for GET. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
