/**
 * A real server on a free port over real pieces: the back end built by createBackend on
 * a temporary folder, the image service allowed on a dataset folder holding a PNG made
 * by sharp, and a renderer folder with an index.html and a hashed asset. Next to both
 * folders sits a secret file that nothing may serve.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createBackend, type Backend } from '../../src/main/backend';
import { DatasetImages } from '../../src/main/images/image-service';
import type { EventSource } from '../../src/main/serve/events-socket';
import { startServer, type RunningServer } from '../../src/main/serve/server';

export const SECRET = 'SECRET-5c1b7e: this file is outside every served folder';
export const DATASET_ID = 1;
export const ASSET = '/assets/index-D2YuAKpa.js';
export const INDEX_HTML = '<!doctype html><title>biascope test page</title>';

export interface Fixture {
  server: RunningServer;
  backend: Backend;
  folder: string;
  /** The PNG's bytes, as written to <dataset>/cats/one.png. */
  png: Buffer;
  /** Sinks connected to the event hub right now. */
  connectedSinks(): number;
  close(): Promise<void>;
}

export async function startFixture(options: { withIndex?: boolean } = {}): Promise<Fixture> {
  const folder = await mkdtemp(path.join(tmpdir(), 'biascope-serve-'));
  const dataset = path.join(folder, 'dataset');
  const renderer = path.join(folder, 'renderer');
  await mkdir(path.join(dataset, 'cats'), { recursive: true });
  await mkdir(path.join(renderer, 'assets'), { recursive: true });
  await writeFile(path.join(folder, 'secret.txt'), SECRET);
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 30, b: 10 } } })
    .png()
    .toBuffer();
  await writeFile(path.join(dataset, 'cats', 'one.png'), png);
  await symlink(path.join(folder, 'secret.txt'), path.join(dataset, 'cats', 'escape.png'));
  if (options.withIndex !== false) await writeFile(path.join(renderer, 'index.html'), INDEX_HTML);
  await writeFile(path.join(renderer, ASSET), 'console.log("app");');
  await symlink(path.join(folder, 'secret.txt'), path.join(renderer, 'assets', 'escape.js'));

  const backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir: path.join(folder, 'data'), demo: null, workers: 1 });
  const images = new DatasetImages();
  images.allow(DATASET_ID, dataset);
  let sinks = 0;
  const events: EventSource = {
    connect(sink) {
      sinks += 1;
      const disconnect = backend.events.connect(sink);
      return () => {
        sinks -= 1;
        disconnect();
      };
    },
  };
  const server = await startServer({ backend: { api: backend.api, images, events }, staticDir: renderer });
  return {
    server,
    backend,
    folder,
    png,
    connectedSinks: () => sinks,
    async close() {
      await server.close();
      await backend.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A request sent as written: fetch normalises `..` in paths and will not send a forged
 * Host header, which are exactly what the server must be tested against.
 */
export function rawRequest(
  port: number,
  target: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, path: target, method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

export function bearer(fixture: Fixture): Record<string, string> {
  return { Authorization: `Bearer ${fixture.server.token}` };
}

/** POSTs a call's arguments with the token; the reply as fetch gives it. */
export function call(fixture: Fixture, route: string, body: string): Promise<Response> {
  return fetch(`${fixture.server.origin}/api/${route}`, {
    method: 'POST',
    headers: { ...bearer(fixture), 'Content-Type': 'application/json' },
    body,
  });
}
