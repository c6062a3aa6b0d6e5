/**
 * The parts of a queued audit, against a real redis-server: the payloads as they
 * travel, the model sent once and checked by its hash, hostile contents refused, a
 * Redis that is not there said plainly, and a run with workers that share the files.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAudit } from '../../src/main/jobs/audit';
import { identifyModel } from '../../src/main/jobs/model-identity';
import { fetchModel, publishModel } from '../../src/main/jobs/queue/model-transfer';
import { RecentRate } from '../../src/main/jobs/queue/presence';
import { ChunkSchema, chunkIdOf, modelKey, pack, readChunk, unpack } from '../../src/main/jobs/queue/protocol';
import { connectRedis, redactRedisUrl } from '../../src/main/jobs/queue/redis';
import { openStore } from '../../src/main/store';
import { parseAuditArgs } from '../../src/main/cli/audit-args';
import { freePort, startRedis, type RedisServer } from '../../scripts/redis-server';
import { tempDir } from '../fixtures/models';
import { demoSubset, DEMO_MODEL } from './demo-subset';

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis(tempDir('biascope-redis-'));
  redis = new Redis(server.url);
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop(true);
});

describe('payloads', () => {
  it('carry image bytes, maps and int8 descriptors unchanged', () => {
    const bytes = new Uint8Array([255, 216, 255, 0, 1, 2]);
    const descriptor = new Int8Array([-127, 0, 5, 127]);
    const back = unpack(pack({ items: [{ bytes, descriptor }] }), 'test') as { items: { bytes: Uint8Array; descriptor: Int8Array }[] };
    expect([...back.items[0]!.bytes]).toEqual([...bytes]);
    expect(back.items[0]!.descriptor).toBeInstanceOf(Int8Array);
    expect([...back.items[0]!.descriptor]).toEqual([...descriptor]);
  });

  it('refuse image paths outside the dataset and malformed chunks', () => {
    const item = { contentId: 1, labelIndex: 0, regions: [] };
    for (const bad of ['/etc/passwd', '../secret.png', 'a/../../b.png', 'C:\\x.png', 'a\\..\\b.png']) {
      expect(ChunkSchema.safeParse({ items: [{ ...item, path: bad }] }).success, bad).toBe(false);
    }
    expect(ChunkSchema.safeParse({ items: [{ ...item, path: 'doctor/a..b.png' }] }).success).toBe(true);
    expect(() => readChunk({ p: pack({ items: [] }) })).toThrow(/queued chunk/);
    expect(() => readChunk({ p: 'not base64 msgpack %%%' })).toThrow(/queued chunk/);
    expect(() => readChunk(null)).toThrow(/no payload/);
  });

  it('name a chunk by its images', () => {
    expect(chunkIdOf([1, 2, 3])).toBe(chunkIdOf([1, 2, 3]));
    expect(chunkIdOf([1, 2, 3])).not.toBe(chunkIdOf([1, 2, 4]));
    expect(chunkIdOf([12, 3])).not.toBe(chunkIdOf([1, 23]));
  });
});

describe('the Redis address', () => {
  it('is said plainly when nothing listens there, without its password', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(connectRedis(`redis://user:hunter2@127.0.0.1:${port}`, 2000)).rejects.toThrow(new RegExp(`cannot reach Redis at redis://user:\\*\\*\\*@127.0.0.1:${port}: connect ECONNREFUSED`));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(redactRedisUrl('redis://:pw@h:1')).toBe('redis://:***@h:1');
  });

  it('unreachable, stops a queued audit before its dataset is scanned', async () => {
    const port = await freePort();
    const store = openStore(path.join(tempDir('biascope-out-'), 'audit.db'));
    try {
      const run = startAudit(store, { dataset: demoSubset(2), model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', queue: { url: `redis://127.0.0.1:${port}` } });
      const phases: string[] = [];
      run.on('progress', (p) => phases.push(p.phase));
      await expect(run.finished).rejects.toThrow(/cannot reach Redis/);
      expect(phases).not.toContain('hashing');
      expect(store.allDatasets()).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('is checked on the command line', () => {
    const base = ['data', '--model', 'm.onnx', '--out', 'o'];
    expect(() => parseAuditArgs([...base, '--queue', 'http://h:6379'])).toThrow(/--queue: a Redis address/);
    expect(() => parseAuditArgs([...base, '--shared-fs'])).toThrow(/go with --queue/);
    const parsed = parseAuditArgs([...base, '--queue', 'redis://h:6379', '--shared-fs', '--chunk', '16']);
    expect(parsed.help === false && parsed.queue).toEqual({ url: 'redis://h:6379', sharedFs: true, chunkSize: 16 });
  });
});

describe('the model sent through Redis', () => {
  it('arrives once, hashes as the original, and is kept in the cache', async () => {
    const identity = await identifyModel(DEMO_MODEL);
    const model = await publishModel(redis, identity, false);
    const cache = tempDir('biascope-cache-');
    const got = await fetchModel(redis, model, cache);
    expect(got.hash).toBe(identity.hash);
    expect(path.dirname(got.path)).toBe(path.join(cache, identity.hash));
    // What loading reads (model.json, its shards, the sidecar), nothing else of the folder.
    expect(readdirSync(path.dirname(got.path)).sort()).toEqual(['biascope.json', 'model.json', 'weights.bin']);
    // Gone from Redis, the cached copy still serves.
    await redis.del(modelKey(identity.hash));
    expect((await fetchModel(redis, model, cache)).hash).toBe(identity.hash);
  });

  it('is refused when its bytes changed in transit or it names a file outside its folder', async () => {
    const identity = await identifyModel(DEMO_MODEL);
    const model = await publishModel(redis, identity, false);
    const key = modelKey(identity.hash);
    const json = await redis.hgetBuffer(key, 'file:model.json');
    await redis.hset(key, 'file:model.json', Buffer.concat([json!, Buffer.from(' ')]));
    const cache = tempDir('biascope-cache-');
    await expect(fetchModel(redis, model, cache)).rejects.toThrow(/does not hash as the coordinator's/);
    expect(existsSync(path.join(cache, identity.hash))).toBe(false);
    await redis.hset(key, 'file:model.json', json!, 'file:../../evil.sh', Buffer.from('#!/bin/sh'));
    await expect(fetchModel(redis, model, cache)).rejects.toThrow(/outside its folder/);
    expect(existsSync(path.join(cache, '..', 'evil.sh'))).toBe(false);
    await redis.del(key);
    await expect(fetchModel(redis, model, tempDir('biascope-cache-'))).rejects.toThrow(/not in Redis/);
  });
});

describe('a worker pace', () => {
  it('counts images over the last half minute', () => {
    const rate = new RecentRate();
    rate.begin(0);
    rate.add(10, 1000);
    rate.add(10, 2000);
    expect(rate.perSecond(2000)).toBeCloseTo(10);
    expect(rate.perSecond(60_000)).toBe(0);
    expect(rate.total).toBe(20);
  });
});

describe('workers that see the same files (--shared-fs)', () => {
  it('read images and model by path and store what a local audit stores', async () => {
    const dataset = demoSubset(8);
    const files = [path.join(tempDir('biascope-out-'), 'audit.db'), path.join(tempDir('biascope-out-'), 'audit.db')] as const;
    const local = openStore(files[0]);
    const queued = openStore(files[1]);
    const cache = tempDir('biascope-cache-');
    const worker = spawn(process.execPath, [new URL('./queue-node.mjs', import.meta.url).pathname, 'worker', server.url, cache], { stdio: 'ignore' });
    try {
      const settings = { dataset, model: DEMO_MODEL, methods: ['gradcam' as const], targets: 'label' as const };
      await startAudit(local, { ...settings, workers: 1 }).finished;
      const summary = await startAudit(queued, { ...settings, queue: { url: server.url, sharedFs: true, chunkSize: 4 } }).finished;
      expect(summary.computed).toBe(16);
      const rows = (file: string) => {
        const reader = new Database(file, { readonly: true });
        try {
          return reader.prepare('SELECT c.hash, r.target, hex(r.map) AS map FROM results r JOIN contents c ON c.id = r.content_id ORDER BY c.hash, r.target').all();
        } finally {
          reader.close();
        }
      };
      expect(rows(files[1])).toEqual(rows(files[0]));
      expect(new Set(rows(files[0]).map((row) => (row as { hash: string }).hash)).size).toBe(16);
      // Nothing was received: the model was read where it is.
      expect(readdirSync(cache)).toEqual([]);
    } finally {
      worker.kill('SIGKILL');
      local.close();
      queued.close();
    }
  }, 90_000);
});
