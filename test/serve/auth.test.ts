import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sameToken } from '../../src/main/serve/auth';
import { startServer } from '../../src/main/serve/server';
import { bearer, rawRequest, startFixture, type Fixture } from './fixture';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture();
});

afterAll(async () => {
  await fixture.close();
});

/** The status a WebSocket handshake gets: 101 when it opens, else the refusal's. */
function handshake(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', (error) => reject(error));
  });
}

const PROTECTED = [
  { name: 'the page', method: 'GET', path: '/' },
  { name: 'an asset', method: 'GET', path: '/assets/index-D2YuAKpa.js' },
  { name: 'a call', method: 'POST', path: '/api/app-info' },
  { name: 'an image', method: 'GET', path: '/image/1/cats/one.png?size=full' },
];

describe('the access token', () => {
  it.each(PROTECTED)('is required for $name (401 without, 401 when wrong)', async ({ method, path }) => {
    const url = `${fixture.server.origin}${path}`;
    const missing = await fetch(url, { method, body: method === 'POST' ? '[]' : null });
    expect(missing.status).toBe(401);
    expect(await missing.text()).toMatch(/access token is required/);
    const wrong = [
      fetch(`${url}${path.includes('?') ? '&' : '?'}token=not-the-token`, { method, body: method === 'POST' ? '[]' : null }),
      fetch(url, { method, headers: { Authorization: 'Bearer not-the-token' }, body: method === 'POST' ? '[]' : null }),
      fetch(url, { method, headers: { Cookie: `biascope_token_${fixture.server.port}=not-the-token` }, body: method === 'POST' ? '[]' : null }),
    ];
    for (const reply of await Promise.all(wrong)) {
      expect(reply.status).toBe(401);
      expect(await reply.text()).toMatch(/access token is wrong/);
    }
  });

  it('is required for the events socket', async () => {
    const events = `ws://127.0.0.1:${fixture.server.port}/events`;
    expect(await handshake(events)).toBe(401);
    expect(await handshake(`${events}?token=not-the-token`)).toBe(401);
    expect(await handshake(events, { headers: { Cookie: `biascope_token_${fixture.server.port}=not-the-token` } })).toBe(401);
    expect(await handshake(`${events}?token=${fixture.server.token}`)).toBe(101);
  });

  it('from the URL sets a strict, HttpOnly cookie that lets later requests in alone', async () => {
    const page = await fetch(fixture.server.url);
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^biascope_token_${fixture.server.port}=[\\w-]+; `));
    expect(cookie.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
    const pair = cookie.split(';')[0]!;
    expect(pair).toBe(`biascope_token_${fixture.server.port}=${fixture.server.token}`);

    const headers = { Cookie: `theme=dark; ${pair}` };
    const asset = await fetch(`${fixture.server.origin}/assets/index-D2YuAKpa.js`, { headers });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('set-cookie')).toBeNull();
    const image = await fetch(`${fixture.server.origin}/image/1/cats/one.png?size=full`, { headers });
    expect(image.status).toBe(200);
    const events = `ws://127.0.0.1:${fixture.server.port}/events`;
    expect(await handshake(events, { headers })).toBe(101);
  });

  it('as a Bearer header lets a call in', async () => {
    const reply = await fetch(`${fixture.server.origin}/api/app-info`, { method: 'POST', headers: bearer(fixture), body: '[]' });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toMatchObject({ ok: true, value: { name: 'biascope' } });
  });

  it('in the URL wins over a stale cookie from an earlier run', async () => {
    const reply = await fetch(fixture.server.url, { headers: { Cookie: `biascope_token_${fixture.server.port}=from-yesterday` } });
    expect(reply.status).toBe(200);
  });

  it('is compared by value, whatever the lengths', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken('ab', 'abc')).toBe(false);
    expect(sameToken('', 'abc')).toBe(false);
  });

  it('is random per server unless given, and a weak one is refused', async () => {
    expect(fixture.server.token).toMatch(/^[\w-]{43}$/);
    const backend = { api: fixture.backend.api, images: fixture.backend.images, events: fixture.backend.events };
    await expect(startServer({ backend, staticDir: fixture.folder, token: 'short' })).rejects.toThrow(/at least 16 characters/);
    const chosen = await startServer({ backend, staticDir: fixture.folder, token: 'a-token-chosen-by-a-test' });
    try {
      expect(chosen.url).toBe(`http://127.0.0.1:${chosen.port}/?token=a-token-chosen-by-a-test`);
      const reply = await fetch(`${chosen.origin}/api/app-info`, { method: 'POST', headers: { Authorization: 'Bearer a-token-chosen-by-a-test' } });
      expect(reply.status).toBe(200);
    } finally {
      await chosen.close();
    }
  });
});

describe('the host and origin guard', () => {
  const authorised = () => bearer(fixture);

  it('answers the loopback names with our port', async () => {
    for (const host of [`127.0.0.1:${fixture.server.port}`, `localhost:${fixture.server.port}`, `[::1]:${fixture.server.port}`]) {
      const reply = await rawRequest(fixture.server.port, '/', { headers: { ...authorised(), Host: host } });
      expect(reply.status, host).toBe(200);
    }
  });

  it('refuses a Host that is not this server (DNS rebinding), even with the token', async () => {
    const port = fixture.server.port;
    for (const host of [`attacker.example:${port}`, 'localhost:1', `127.0.0.1.nip.io:${port}`, 'localhost']) {
      const reply = await rawRequest(port, '/api/app-info', { method: 'POST', headers: { ...authorised(), Host: host }, body: '[]' });
      expect(reply.status, host).toBe(403);
      expect(reply.body.toString()).not.toContain('"ok"');
    }
  });

  it('refuses a call from a page of another origin, even a port of localhost', async () => {
    const port = fixture.server.port;
    const post = (origin: string) =>
      rawRequest(port, '/api/app-info', { method: 'POST', headers: { ...authorised(), Origin: origin }, body: '[]' });
    expect((await post('http://localhost:1234')).status).toBe(403);
    expect((await post('https://attacker.example')).status).toBe(403);
    expect((await post('null')).status).toBe(403);
    expect((await post(`http://127.0.0.1:${port}`)).status).toBe(200);
  });

  it('refuses a cross-origin WebSocket, and a Host that is not ours', async () => {
    const events = `ws://127.0.0.1:${fixture.server.port}/events?token=${fixture.server.token}`;
    expect(await handshake(events, { origin: 'https://attacker.example' })).toBe(403);
    expect(await handshake(events, { origin: `http://localhost:${fixture.server.port}` })).toBe(403);
    expect(await handshake(events, { origin: `http://127.0.0.1:${fixture.server.port}` })).toBe(101);
    expect(await handshake(events, { headers: { Host: 'attacker.example' } })).toBe(403);
  });

  it('puts the security headers on every response, refusals included', async () => {
    const replies = [
      await fetch(fixture.server.url),
      await fetch(`${fixture.server.origin}/`),
      await rawRequest(fixture.server.port, '/', { headers: { Host: 'attacker.example' } }),
    ];
    for (const reply of replies) {
      const header = (name: string) => (reply instanceof Response ? reply.headers.get(name) : reply.headers[name]);
      expect(header('x-content-type-options')).toBe('nosniff');
      expect(header('referrer-policy')).toBe('no-referrer');
      expect(header('x-frame-options')).toBe('DENY');
      expect(header('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    }
  });
});
