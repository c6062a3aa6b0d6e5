/**
 * Which Host and Origin headers the server answers. A page on another site can make a
 * browser send requests to our port, and with DNS rebinding even make our address look
 * like its own: the Host header then names the attacker's domain. Requests naming a
 * host that is not this server are refused (403) before the token is looked at; the
 * token alone would stop them, this keeps them from even probing it.
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Addresses that listen on every interface: the Host header is then whatever reached us. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** A host as it appears in a URL or Host header: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host.toLowerCase();
}

function splitHostHeader(header: string): { name: string; port: number | null } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!match) return null;
  return { name: match[1]!.toLowerCase(), port: match[2] === undefined ? null : Number(match[2]) };
}

export interface HostGuard {
  /** Whether a request's Host header names this server. */
  allowsHost(header: string | undefined): boolean;
  /** Whether an Origin header, when a browser sent one, is this server's own page. */
  allowsOrigin(origin: string | undefined, hostHeader: string | undefined): boolean;
}

/**
 * Names accepted, always with our port: the bound host, the loopback names, and
 * `extraHosts`. Bound to every interface, the server is reached by whatever address or
 * name the network gives it, so any IP literal and this machine's name are accepted too;
 * other DNS names must be listed in `extraHosts`.
 */
export function createHostGuard(host: string, port: number, extraHosts: readonly string[] = []): HostGuard {
  const names = new Set([urlHost(host), ...LOOPBACK_NAMES, ...extraHosts.map(urlHost)]);
  if (isWildcardHost(host)) {
    const machine = hostname().toLowerCase();
    names.add(machine);
    names.add(machine.split('.')[0]!);
  }
  const allowsHost = (header: string | undefined): boolean => {
    const parsed = header ? splitHostHeader(header) : null;
    if (!parsed) return false;
    // Browsers leave the port out of Host when it is the scheme's default.
    if ((parsed.port ?? 80) !== port) return false;
    if (names.has(parsed.name)) return true;
    return isWildcardHost(host) && isIP(parsed.name.replace(/^\[|\]$/g, '')) !== 0;
  };
  const allowsOrigin = (origin: string | undefined, hostHeader: string | undefined): boolean => {
    // Browsers send Origin with every POST, cross-origin fetch and WebSocket handshake;
    // a request without one is a navigation, an <img> or a script of our page, or a program.
    if (origin === undefined) return true;
    if (!hostHeader) return false;
    try {
      const parsed = new URL(origin);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
      return parsed.host === new URL(`${parsed.protocol}//${hostHeader}`).host;
    } catch {
      return false;
    }
  };
  return { allowsHost, allowsOrigin };
}
