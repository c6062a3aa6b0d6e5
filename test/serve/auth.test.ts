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
  { name: 'a call', method: 'POST', path: '/api/app-info' },
  { name: 'an image', method: 'GET', path: '/image/1/cats/one.png?size=full' },
  { name: 'the session', method: 'GET', path: '/session' },
];

describe('the access token', () => {
  it.each(PROTECTED)('is required for $name (401 without, 401 when wrong)', async ({ method, path }) => {
    const url = `${fixture.server.origin}${path}`;
    const missing = await fetch(url, { method, body: method === 'POST' ? '[]' : null });
    expect(missing.status).toBe(401);
    expect(await missing.text()).toMatch(/access token is required/);
    const wrong = fetch(url, { method, headers: { Authorization: 'Bearer not-the-token' }, body: method === 'POST' ? '[]' : null });
    expect((await wrong).status).toBe(401);
    expect(await (await wrong).text()).toMatch(/access token is wrong/);
    // A cookie carrying the right token opens nothing: cookies reach every port of the host.
    const cookie = await fetch(url, { method, headers: { Cookie: `biascope_token=${fixture.server.token}; biascope_token_${fixture.server.port}=${fixture.server.token}` }, body: method === 'POST' ? '[]' : null });
    expect(cookie.status).toBe(401);
  });

  it('is taken by calls only as a Bearer header, not in their URL', async () => {
    const reply = await fetch(`${fixture.server.origin}/api/app-info?token=${fixture.server.token}`, { method: 'POST', body: '[]' });
    expect(reply.status).toBe(401);
    expect(await reply.text()).toMatch(/"Authorization: Bearer" header, not in the URL/);
  });

  it("is not needed for the app's own files, and no reply sets a cookie", async () => {
    const page = await fetch(fixture.server.origin);
    expect(page.status).toBe(200);
    const asset = await fetch(`${fixture.server.origin}/assets/index-D2YuAKpa.js`);
    expect(asset.status).toBe(200);
    for (const reply of [page, asset, await fetch(fixture.server.url), await fetch(`${fixture.server.origin}/session`, { headers: bearer(fixture) })]) {
      expect(reply.headers.get('set-cookie')).toBeNull();
    }
  });

  it('is required for the events socket, in its URL or a Bearer header', async () => {
    const events = `ws://127.0.0.1:${fixture.server.port}/events`;
    expect(await handshake(events)).toBe(401);
    expect(await handshake(`${events}?token=not-the-token`)).toBe(401);
    expect(await handshake(events, { headers: { Cookie: `biascope_token_${fixture.server.port}=${fixture.server.token}` } })).toBe(401);
    expect(await handshake(`${events}?token=${fixture.server.token}`)).toBe(101);
    expect(await handshake(events, { headers: bearer(fixture) })).toBe(101);
  });

  it('gives, by Bearer header, the image key: it opens images and nothing else', async () => {
    const session = await fetch(`${fixture.server.origin}/session`, { headers: bearer(fixture) });
    expect(session.status).toBe(200);
    const { imageKey } = (await session.json()) as { imageKey: string };
    expect(imageKey).toMatch(/^[\w-]{43}$/);
    expect(imageKey).not.toContain(fixture.server.token);
    const image = await fetch(`${fixture.server.origin}/image/1/cats/one.png?size=full&k=${imageKey}`);
    expect(image.status).toBe(200);
    const call = await fetch(`${fixture.server.origin}/api/app-info`, { method: 'POST', headers: { Authorization: `Bearer ${imageKey}` }, body: '[]' });
    expect(call.status).toBe(401);
    expect(await handshake(`ws://127.0.0.1:${fixture.server.port}/events?token=${imageKey}`)).toBe(401);
  });

  it('as a Bearer header lets a call in', async () => {
    const reply = await fetch(`${fixture.server.origin}/api/app-info`, { method: 'POST', headers: bearer(fixture), body: '[]' });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toMatchObject({ ok: true, value: { name: 'biascope' } });
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
