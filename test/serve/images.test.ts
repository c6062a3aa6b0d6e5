import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THUMB_SIZE } from '../../src/shared/client';
import { imageKey } from '../../src/main/serve/auth';
import { createHttpClient } from '../../src/renderer/src/transport/http-client';
import { bearer, DATASET_ID, rawRequest, SECRET, startFixture, type Fixture } from './fixture';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture();
});

afterAll(async () => {
  await fixture.close();
});

function image(target: string, headers: Record<string, string> = {}) {
  return rawRequest(fixture.server.port, target, { headers: { ...bearer(fixture), ...headers } });
}

describe('GET /image/<dataset>/<path>', () => {
  it('serves the original with its type, and revalidates by ETag', async () => {
    const reply = await image(`/image/${DATASET_ID}/cats/one.png?size=full`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('image/png');
    expect(reply.body.equals(fixture.png)).toBe(true);
    expect(reply.headers['cache-control']).toMatch(/^private, max-age=\d+$/);
    const etag = reply.headers.etag!;
    expect(etag).toMatch(/^".+"$/);

    const again = await image(`/image/${DATASET_ID}/cats/one.png?size=full`, { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    const other = await image(`/image/${DATASET_ID}/cats/one.png?size=full`, { 'If-None-Match': '"something-else"' });
    expect(other.status).toBe(200);
  });

  it('serves a thumbnail as JPEG, no larger than a thumbnail', async () => {
    const reply = await image(`/image/${DATASET_ID}/cats/one.png?size=thumb`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(reply.body).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(THUMB_SIZE);
  });

  it('serves the URL the browser client builds, by the image key alone', async () => {
    const page = { protocol: 'http:', host: `127.0.0.1:${fixture.server.port}`, search: '' };
    const key = imageKey(fixture.server.token);
    const client = createHttpClient(page, fetch, WebSocket, { token: fixture.server.token, imageKey: key });
    const url = client.imageUrl(DATASET_ID, 'cats/one.png', 'full');
    expect(url).toBe(`/image/${DATASET_ID}/cats/one.png?size=full&k=${key}`);
    const reply = await rawRequest(fixture.server.port, url);
    expect(reply.body.equals(fixture.png)).toBe(true);
    // The key opens images and nothing else.
    const call = await fetch(`${fixture.server.origin}/api/app-info`, { method: 'POST', headers: { Authorization: `Bearer ${key}` }, body: '[]' });
    expect(call.status).toBe(401);
    const wrong = await rawRequest(fixture.server.port, url.replace(/k=.*/, 'k=not-the-key'));
    expect(wrong.status).toBe(401);
  });

  it.each([
    ['a parent path', '/image/1/..%2F..%2Fetc%2Fpasswd?size=full'],
    ['an absolute path', '/image/1/%2Fetc%2Fpasswd?size=full'],
    ['a parent path to the secret', '/image/1/..%2Fsecret.txt?size=full'],
    ['a symlink inside the root pointing out', '/image/1/cats/escape.png?size=full'],
    ['a thumbnail of that symlink', '/image/1/cats/escape.png?size=thumb'],
    ['a NUL byte', '/image/1/cats%00/one.png?size=full'],
    ['a dataset that was never opened', '/image/2/cats/one.png?size=full'],
  ])('refuses %s with 403 and none of its bytes', async (_name, target) => {
    const reply = await image(target);
    expect(reply.status).toBe(403);
    const body = reply.body.toString('latin1');
    expect(body).not.toContain(SECRET);
    expect(body).not.toMatch(/root:.*:0:0:/);
  });

  it('never reaches the file by a path the URL parser normalises', async () => {
    for (const target of ['/image/1/../../secret.txt', '/image/1/%2e%2e/%2e%2e/secret.txt', '/image/1/cats/..%5c..%5csecret.txt']) {
      const reply = await image(target);
      expect([403, 404], target).toContain(reply.status);
      expect(reply.body.toString('latin1')).not.toContain(SECRET);
    }
  });

  it('answers 404 for a missing image or a URL that is not an image route', async () => {
    expect((await image('/image/1/cats/two.png')).status).toBe(404);
    expect((await image('/image/x/cats/one.png')).status).toBe(404);
    expect((await image('/image/1/cats/one.png?size=huge')).status).toBe(404);
  });

  it('answers 405 for a write', async () => {
    const reply = await rawRequest(fixture.server.port, '/image/1/cats/one.png', { method: 'PUT', headers: bearer(fixture), body: 'x' });
    expect(reply.status).toBe(405);
  });
});
