import { APP_SCHEME_PRIVILEGES } from '../../src/main/electron/app-protocol';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  IMAGE_SCHEME_PRIVILEGES,
  handleImages,
  imageHandler,
  registerSchemes,
} from '../../src/main/electron/protocol';
import { DatasetImages, type ImageService } from '../../src/main/images/image-service';
import { CallError } from '../../src/shared/api';
import { IMAGE_SCHEME, imageRoute } from '../../src/shared/client';

let folder: string;
let images: DatasetImages;
let handler: ReturnType<typeof imageHandler>;

const DATASET = 3;

function url(route: string, host = 'dataset'): string {
  return `${IMAGE_SCHEME}://${host}${route}`;
}

function get(target: string, headers: Record<string, string> = {}) {
  return handler(new Request(target, { headers }));
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'biascope-protocol-'));
  const root = path.join(folder, 'dataset');
  await mkdir(path.join(root, 'doctor'), { recursive: true });
  await sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .png()
    .toFile(path.join(root, 'doctor', 'a b#1.png'));
  await writeFile(path.join(root, 'doctor', 'broken.png'), 'not an image');
  await writeFile(path.join(folder, 'secret.png'), 'outside the dataset');
  await symlink(path.join(folder, 'secret.png'), path.join(root, 'doctor', 'link.png'));
  images = new DatasetImages();
  images.allow(DATASET, root);
  handler = imageHandler(images);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('the image scheme', () => {
  it('is registered as a secure standard scheme that can stream', () => {
    const protocol = { registerSchemesAsPrivileged: vi.fn() };
    registerSchemes(protocol);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([IMAGE_SCHEME_PRIVILEGES, APP_SCHEME_PRIVILEGES]);
    expect(IMAGE_SCHEME_PRIVILEGES).toEqual({
      scheme: 'biascope-image',
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true },
    });
  });

  it('is handled until stopped', async () => {
    const protocol = { handle: vi.fn(), unhandle: vi.fn() };
    const stop = handleImages(protocol, images);
    expect(protocol.handle).toHaveBeenCalledWith('biascope-image', expect.any(Function));
    const registered = protocol.handle.mock.calls[0]?.[1] as typeof handler;
    const response = await registered(new Request(url(imageRoute(DATASET, 'doctor/a b#1.png', 'full'))));
    expect(response.status).toBe(200);
    stop();
    expect(protocol.unhandle).toHaveBeenCalledWith('biascope-image');
  });
});

describe('imageHandler', () => {
  it('serves an original with its type and ETag', async () => {
    const response = await get(url(imageRoute(DATASET, 'doctor/a b#1.png', 'full')));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('image/png');
    expect(response.headers.get('ETag')).toMatch(/^".+-full"$/);
    const metadata = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect(metadata).toMatchObject({ format: 'png', width: 600, height: 400 });
  });

  it('serves a thumbnail as a small JPEG', async () => {
    const response = await get(url(imageRoute(DATASET, 'doctor/a b#1.png', 'thumb')));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('image/jpeg');
    const metadata = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 256, height: 171 });
  });

  it('answers 304 when the page already has this version', async () => {
    const target = url(imageRoute(DATASET, 'doctor/a b#1.png', 'full'));
    const etag = (await get(target)).headers.get('ETag') ?? '';
    const response = await get(target, { 'If-None-Match': etag });
    expect(response.status).toBe(304);
    expect(response.headers.get('ETag')).toBe(etag);
    expect(await response.arrayBuffer()).toHaveProperty('byteLength', 0);
  });

  it('refuses a dataset not opened in this run with 403', async () => {
    const response = await get(url(imageRoute(DATASET + 1, 'doctor/a b#1.png', 'full')));
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/not open/);
  });

  it('refuses paths that leave the dataset with 403', async () => {
    for (const route of [`/${DATASET}/doctor/..%2F..%2Fsecret.png`, imageRoute(DATASET, 'doctor/link.png', 'full')]) {
      const response = await get(url(route));
      expect(response.status, route).toBe(403);
    }
  });

  it('never sees plain dot segments: the URL resolves them before the route is read', async () => {
    const response = await get(url(imageRoute(DATASET, '../secret.png', 'full')));
    expect(new URL(url(imageRoute(DATASET, '../secret.png', 'full'))).pathname).toBe('/secret.png');
    expect(response.status).toBe(404);
  });

  it('answers 404 for a missing or undecodable file', async () => {
    expect((await get(url(imageRoute(DATASET, 'doctor/missing.png', 'full')))).status).toBe(404);
    expect((await get(url(imageRoute(DATASET, 'doctor/broken.png', 'thumb')))).status).toBe(404);
  });

  it('answers 404 for another host or a route that is not an image', async () => {
    for (const target of [
      url(imageRoute(DATASET, 'doctor/a b#1.png', 'full'), 'elsewhere'),
      url('/'),
      url('/three/doctor/a.png'),
      url(`/${DATASET}/doctor/a.png?size=huge`),
      url(`/${DATASET}/%E0%A4%A.png`),
    ]) {
      expect((await get(target)).status, target).toBe(404);
    }
  });

  it('answers 400 for a malformed URL, without throwing', async () => {
    const response = await handler({ url: 'biascope-image://data set/3/a.png', method: 'GET', headers: new Headers() });
    expect(response.status).toBe(400);
  });

  it('answers only GET and HEAD', async () => {
    const target = url(imageRoute(DATASET, 'doctor/a b#1.png', 'full'));
    expect((await handler(new Request(target, { method: 'HEAD' }))).status).toBe(200);
    expect((await handler(new Request(target, { method: 'POST' }))).status).toBe(405);
  });

  it('turns any other failure of the service into 500', async () => {
    const failing: ImageService = {
      serve: () => Promise.reject(new Error('disk on fire')),
    };
    const response = await imageHandler(failing)(new Request(url('/1/a.png')));
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('disk on fire');
    const refusing: ImageService = { serve: () => Promise.reject(new CallError('invalid-input', 'bad')) };
    expect((await imageHandler(refusing)(new Request(url('/1/a.png')))).status).toBe(400);
  });
});
