import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, nestsDeeper } from '../../src/main/serve/api-route';
import { API_METHODS, CHANNELS, isResult } from '../../src/shared/api';
import { bearer, call, rawRequest, startFixture, type Fixture } from './fixture';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture();
});

afterAll(async () => {
  await fixture.close();
});

describe('POST /api/<method>', () => {
  it('round-trips a call through dispatch', async () => {
    const reply = await call(fixture, 'app-info', '[]');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(await reply.json()).toEqual({ ok: true, value: await fixture.backend.api.appInfo() });
  });

  it('takes an empty body for a call without arguments', async () => {
    const reply = await fetch(`${fixture.server.origin}/api/app-info`, { method: 'POST', headers: bearer(fixture) });
    expect(await reply.json()).toMatchObject({ ok: true, value: { name: 'biascope', version: '0.0.0' } });
  });

  it('answers a failed call with status 200 and a failed Result', async () => {
    const badArgs = await call(fixture, 'app-info', '[{"path":"/etc"}]');
    expect(badArgs.status).toBe(200);
    expect(await badArgs.json()).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });

    const missing = await call(fixture, 'open-dataset', JSON.stringify([{ root: `${fixture.folder}/no-such-folder` }]));
    expect(missing.status).toBe(200);
    const result: unknown = await missing.json();
    expect(isResult(result)).toBe(true);
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no-such-folder/) } });
  });

  it('routes every method of the contract by its channel name', async () => {
    for (const method of API_METHODS) {
      const route = CHANNELS[method].replace('biascope:', '');
      // Empty arguments reach dispatch for every method: a Result, never a 404.
      const reply = await call(fixture, route, method === 'pickPath' ? '[{"kind":"dataset"}]' : '[]');
      expect(reply.status, route).toBe(200);
      expect(isResult(await reply.json()), route).toBe(true);
    }
  });

  it('answers 404 for a method that does not exist, 405 for other verbs', async () => {
    for (const route of ['no-such-method', 'appInfo', 'app-info/extra', '']) {
      const reply = await call(fixture, route, '[]');
      expect(reply.status, route).toBe(404);
    }
    const get = await fetch(`${fixture.server.origin}/api/app-info`, { headers: bearer(fixture) });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers 400 for a body that is not a JSON array', async () => {
    for (const body of ['[1,', '{"ok":true}', '"appInfo"', 'null']) {
      const reply = await call(fixture, 'app-info', body);
      expect(reply.status, body).toBe(400);
      expect(await reply.text()).toMatch(/JSON/);
    }
  });

  it('answers 413 for a body over the limit, declared or streamed', async () => {
    const declared = await rawRequest(fixture.server.port, '/api/grid-tiles', {
      method: 'POST',
      headers: { ...bearer(fixture), 'Content-Length': String(MAX_BODY_BYTES + 1) },
    });
    expect(declared.status).toBe(413);
    const streamed = await rawRequest(fixture.server.port, '/api/grid-tiles', {
      method: 'POST',
      headers: { ...bearer(fixture), 'Transfer-Encoding': 'chunked' },
      body: Buffer.alloc(MAX_BODY_BYTES + 1024, 0x20),
    });
    expect(streamed.status).toBe(413);
    // The server is still fine afterwards.
    expect((await call(fixture, 'app-info', '[]')).status).toBe(200);
  });

  it('takes a tag change larger than other calls, up to its own limit', async () => {
    const ids = Array.from({ length: 200_000 }, (_, i) => i + 1);
    const body = JSON.stringify([{ datasetId: 1, contentIds: ids, add: ['x'], remove: [] }]);
    expect(body.length).toBeGreaterThan(MAX_BODY_BYTES);
    const reply = await call(fixture, 'set-tags', body);
    // Past the size gate: the call itself answers (the fixture's back end has no such images).
    expect(reply.status).toBe(200);
  });

  it('answers 400 for a body nested deeper than the contract ever is, without parsing it', async () => {
    const deep = `[${'['.repeat(400_000)}${']'.repeat(400_000)}]`;
    const reply = await call(fixture, 'app-info', deep);
    expect(reply.status).toBe(400);
    expect(await reply.text()).toMatch(/nests deeper than 32 levels/);
    const inString = await call(fixture, 'app-info', JSON.stringify(['['.repeat(100)]));
    expect(inString.status).toBe(200);
  });
});

describe('nestsDeeper', () => {
  it('counts brackets outside strings only, escapes included', () => {
    const bytes = (text: string) => Buffer.from(text);
    expect(nestsDeeper(bytes('[[[]]]'), 3)).toBe(false);
    expect(nestsDeeper(bytes('[[[[]]]]'), 3)).toBe(true);
    expect(nestsDeeper(bytes('[{"a":[1]}]'), 3)).toBe(false);
    expect(nestsDeeper(bytes('["[[[[\\"]'), 1)).toBe(false);
    expect(nestsDeeper(bytes('["\\"", [[[]]]]'), 3)).toBe(true);
  });
});
