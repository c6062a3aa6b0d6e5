import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/main/electron/security';
import { ASSET, bearer, INDEX_HTML, rawRequest, SECRET, startFixture, type Fixture } from './fixture';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture();
});

afterAll(async () => {
  await fixture.close();
});

function get(target: string, headers: Record<string, string> = {}) {
  return rawRequest(fixture.server.port, target, { headers: { ...bearer(fixture), ...headers } });
}

describe('the renderer', () => {
  it('serves index.html at / with the app policy, revalidated every time', async () => {
    const reply = await fetch(fixture.server.url);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await reply.text()).toBe(INDEX_HTML);
    expect(reply.headers.get('cache-control')).toBe('no-cache');
    const policy = reply.headers.get('content-security-policy') ?? '';
    expect(policy.startsWith(CONTENT_SECURITY_POLICY)).toBe(true);
    expect(policy).toMatch(/connect-src 'self'/);
    expect(policy).toMatch(/script-src 'self'(;|$)/);

    const etag = reply.headers.get('etag')!;
    expect((await get('/', { 'If-None-Match': etag })).status).toBe(304);
  });

  it('serves a hashed asset with its type, cached for good', async () => {
    const reply = await get(ASSET);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(reply.body.toString()).toBe('console.log("app");');
  });

  it('answers HEAD without a body, 404 for what is not there, 405 for writes', async () => {
    const head = await rawRequest(fixture.server.port, ASSET, { method: 'HEAD', headers: bearer(fixture) });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String('console.log("app");'.length));
    expect(head.body.length).toBe(0);
    expect((await get('/assets/missing-12345678.js')).status).toBe(404);
    expect((await get('/assets')).status).toBe(404);
    expect((await rawRequest(fixture.server.port, '/', { method: 'POST', headers: bearer(fixture) })).status).toBe(405);
  });

  it.each([
    '/../secret.txt',
    '/..%2Fsecret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2F..%2Fsecret.txt',
    '/assets/%2E%2E%2F%2E%2E%2Fsecret.txt',
    `//${'..%2F'.repeat(8)}etc%2Fpasswd`,
    '/%2Fetc%2Fpasswd',
    '/assets/escape.js',
    '/index.html%00.js',
  ])('cannot leave the renderer folder by %s', async (target) => {
    const reply = await get(target);
    expect([400, 403, 404]).toContain(reply.status);
    const body = reply.body.toString('latin1');
    expect(body).not.toContain(SECRET);
    expect(body).not.toMatch(/root:.*:0:0:/);
  });

  it('says how to build the renderer when it is not built', async () => {
    const unbuilt = await startFixture({ withIndex: false });
    try {
      const reply = await fetch(unbuilt.server.url);
      expect(reply.status).toBe(503);
      expect(await reply.text()).toBe('the renderer is not built: run npm run build\n');
    } finally {
      await unbuilt.close();
    }
  });
});
