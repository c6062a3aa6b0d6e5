/** The browser's client (src/renderer/src/transport) against a real server, with Node's fetch and WebSocket. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttpClient, createHttpClient, type Page, type PageLocation } from '../../src/renderer/src/transport/http-client';
import { startServer } from '../../src/main/serve/server';
import { errorKindOf } from '../../src/shared/api';
import { startFixture, type Fixture } from './fixture';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture();
});

afterAll(async () => {
  await fixture.close();
});

/** The page as the browser sees it after opening the printed URL. */
function pageOf(url: string): PageLocation {
  const { protocol, host, search } = new URL(url);
  return { protocol, host, search };
}

function nextPayload<T>(subscribe: (listener: (payload: T) => void) => () => void): Promise<T> {
  return new Promise((resolve) => {
    const off = subscribe((payload) => {
      off();
      resolve(payload);
    });
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('createHttpClient', () => {
  it('calls the API with the token of the page URL', async () => {
    const client = createHttpClient(pageOf(fixture.server.url));
    await expect(client.api.appInfo()).resolves.toEqual(await fixture.backend.api.appInfo());
  });

  it('rejects a failed call with an error that names it and keeps its kind', async () => {
    const client = createHttpClient(pageOf(fixture.server.url));
    const error = await client.api.openDataset({ root: `${fixture.folder}/no-such-folder` }).then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^openDataset failed \[[a-z-]+\]: .*no-such-folder/);
    expect(errorKindOf(error)).not.toBe('internal');
  });

  it('reports a refused request (no token) as an internal failure with the reason', async () => {
    const client = createHttpClient(pageOf(fixture.server.origin));
    await expect(client.api.appInfo()).rejects.toThrow(/^appInfo failed \[internal\]: HTTP 401: an access token is required/);
  });

  it('reports a server that cannot be reached', async () => {
    const client = createHttpClient({ protocol: 'http:', host: '127.0.0.1:1', search: '' });
    await expect(client.api.appInfo()).rejects.toThrow(/cannot be reached/);
  });

  it('delivers pushed events to listeners of that event only, checked against the schema', async () => {
    const client = createHttpClient(pageOf(fixture.server.url));
    const audits: unknown[] = [];
    const offAudit = client.on('audit', (payload) => audits.push(payload));
    const menu = nextPayload((listener: (payload: unknown) => void) => client.on('menu', listener));
    await until(() => fixture.connectedSinks() === 1, 'the socket');
    fixture.backend.events.emit('menu', { command: 'next-colormap' });
    await expect(menu).resolves.toEqual({ command: 'next-colormap' });
    expect(audits).toEqual([]);
    offAudit();
  });

  it('reconnects when the server comes back, on the same port with the same token', async () => {
    const own = await startFixture();
    const client = createHttpClient(pageOf(own.server.url));
    const heard: unknown[] = [];
    client.on('menu', (payload) => heard.push(payload));
    await until(() => own.connectedSinks() === 1, 'the socket');
    const { port, token } = own.server;
    await own.server.close();
    const backend = { api: own.backend.api, images: own.backend.images, events: own.backend.events };
    const again = await startServer({ backend, port, token, staticDir: own.folder });
    try {
      // The client retries on its own; emit until a frame gets through the new socket.
      await until(() => {
        own.backend.events.emit('menu', { command: 'start-audit' });
        return heard.length > 0;
      }, 'an event after the restart');
      expect(heard[0]).toEqual({ command: 'start-audit' });
    } finally {
      await again.close();
      await own.close();
    }
  });
});

/** A page at `url` with a session storage of its own, recording the addresses it shows. */
function servedPage(url: string, kept = new Map<string, string>()): Page & { addresses: string[]; kept: Map<string, string> } {
  const { protocol, host, search, pathname, hash } = new URL(url);
  const addresses: string[] = [];
  return {
    location: { protocol, host, search, pathname, hash },
    storage: { getItem: (k) => kept.get(k) ?? null, setItem: (k, v) => void kept.set(k, v), removeItem: (k) => void kept.delete(k) },
    replaceAddress: (address) => void addresses.push(address),
    addresses,
    kept,
  };
}

describe('connectHttpClient', () => {
  it('takes the token from the printed URL, drops it from the address, keeps it for a reload, and loads images by the key', async () => {
    const page = servedPage(`${fixture.server.url}&view=grid#top`);
    const client = await connectHttpClient(page);
    if ('refused' in client) throw new Error(client.refused);
    expect(page.addresses).toEqual(['/?view=grid#top']);
    await expect(client.api.appInfo()).resolves.toMatchObject({ name: 'biascope' });
    const image = await fetch(`${fixture.server.origin}${client.imageUrl(1, 'cats/one.png', 'full')}`);
    expect(image.status).toBe(200);
    expect(client.imageUrl(1, 'cats/one.png', 'full')).not.toContain(fixture.server.token);

    const reloaded = servedPage(`${fixture.server.origin}/?view=grid`, page.kept);
    const again = await connectHttpClient(reloaded);
    expect('refused' in again).toBe(false);
    expect(reloaded.addresses).toEqual([]);
  });

  it('says why when the page has no token, or one the server does not know (and forgets it)', async () => {
    const none = await connectHttpClient(servedPage(fixture.server.origin));
    expect(none).toEqual({ refused: expect.stringMatching(/no access token: open the address that biascope serve printed/) });
    const stale = servedPage(`${fixture.server.origin}/?token=from-an-earlier-run-of-the-server`);
    const refused = await connectHttpClient(stale);
    expect(refused).toEqual({ refused: expect.stringMatching(/refused this page: the access token is wrong/) });
    expect(stale.kept.size).toBe(0);
  });
});

