/**
 * What every request passes before any route sees it, HTTP and WebSocket alike: a Host
 * that names this server, an Origin (when there is one) that is this server's page, and
 * the credential its route takes (auth.ts). Refusals are a status and a short reason for
 * a person to read.
 */
import type { IncomingMessage } from 'node:http';
import { BEARER_ONLY, imageKey, NO_TOKEN, presented, sameToken, WRONG_TOKEN, type Credential } from './auth';
import type { HostGuard } from './host-guard';

export type GateOutcome = { allowed: true } | { allowed: false; status: number; reason: string };

export function passGate(request: IncomingMessage, url: URL, guard: HostGuard, token: string, credential: Credential): GateOutcome {
  const host = request.headers.host;
  if (!guard.allowsHost(host)) {
    return { allowed: false, status: 403, reason: `host ${JSON.stringify(host ?? '')} is not this server's: open the URL it printed, or allow the name with --allow-host` };
  }
  if (!guard.allowsOrigin(request.headers.origin, host)) {
    return { allowed: false, status: 403, reason: 'requests from other origins are refused' };
  }
  if (credential === 'none') return { allowed: true };
  const secret = presented(request, url, credential);
  if (!secret) return { allowed: false, status: 401, reason: credential === 'bearer' && url.searchParams.has('token') ? BEARER_ONLY : NO_TOKEN };
  // An image takes the image key, or the token itself in a header (scripts).
  const fits = sameToken(secret, token) || (credential === 'image' && sameToken(secret, imageKey(token)));
  if (!fits) return { allowed: false, status: 401, reason: WRONG_TOKEN };
  return { allowed: true };
}

/**
 * The URL of a request, or null when its target is not a path (absolute-form targets
 * are for proxies). Parsed against a fixed base so `//name/...` stays a path.
 */
export function requestUrl(request: IncomingMessage): URL | null {
  const target = request.url ?? '';
  if (!target.startsWith('/')) return null;
  try {
    return new URL(`http://biascope.invalid${target}`);
  } catch {
    return null;
  }
}
