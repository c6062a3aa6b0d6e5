/**
 * Audits through a real Redis (the OS's redis-server on a free port) with real worker
 * processes: the same results as a local audit, and nothing lost or stored twice when
 * workers, the coordinator or Redis die mid-run, or when an image kills every worker
 * that takes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAudit } from '../../src/main/jobs/audit';
import { openStore } from '../../src/main/store';
import { mulberry32 } from '../../scripts/random';
import { startRedis, type RedisServer } from '../../scripts/redis-server';
import { tempDir } from '../fixtures/models';
import { BIN } from '../cli/run-cli';
import { demoSubset, DEMO_MODEL } from './demo-subset';

const NODE = new URL('./queue-node.mjs', import.meta.url).pathname;
/** Short leases, so a killed worker's chunk is taken again within seconds. */
const LEASE = { lockMs: 2000, stalledCheckMs: 1000 };

interface Spawned {
  child: ChildProcess;
  log: string[];
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

function spawnNode(args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  const log: string[] = [];
  child.stdout!.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (running.delete(child), resolve(code))));
  return { child, log, exited };
}

async function kill(node: Spawned, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill(signal);
  await node.exited;
}

/** Every stored map and prediction, keyed by the image's content hash: two stores compare equal or not. */
function fingerprint(db: string): { maps: Map<string, string>; predictions: Map<string, string>; errors: { path: string; stage: string }[] } {
  const reader = new Database(db, { readonly: true });
  try {
    const maps = new Map<string, string>();
    for (const row of reader
      .prepare('SELECT c.hash AS hash, s.method AS method, r.target AS target, hex(r.map) AS map, r.max AS max, r.entropy AS entropy FROM results r JOIN contents c ON c.id = r.content_id JOIN result_sets s ON s.id = r.set_id')
      .all() as { hash: string; method: string; target: number; map: string; max: number; entropy: number }[]) {
      const key = `${row.hash}:${row.method}:${row.target}`;
      if (maps.has(key)) throw new Error(`stored twice: ${key}`);
      maps.set(key, `${row.map}:${row.max}:${row.entropy}`);
    }
    const predictions = new Map<string, string>();
    for (const row of reader.prepare('SELECT c.hash AS hash, p.predicted AS predicted, p.prob AS prob FROM predictions p JOIN contents c ON c.id = p.content_id').all() as { hash: string; predicted: number; prob: number }[]) {
      predictions.set(row.hash, `${row.predicted}:${row.prob}`);
    }
    const errors = reader.prepare('SELECT e.path AS path, e.stage AS stage FROM errors e').all() as { path: string; stage: string }[];
    return { maps, predictions, errors };
  } finally {
    reader.close();
  }
}

function integrity(db: string): string {
  const reader = new Database(db, { readonly: true });
  try {
    return reader.pragma('integrity_check', { simple: true }) as string;
  } finally {
    reader.close();
  }
}

/** A local audit of the same images: what every queued audit must store, to the bit. */
async function localAudit(dataset: string): Promise<ReturnType<typeof fingerprint>> {
  const db = path.join(tempDir('biascope-local-'), 'audit.db');
  const store = openStore(db);
  try {
    await startAudit(store, { dataset, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', workers: 1 }).finished;
  } finally {
    store.close();
  }
  return fingerprint(db);
}

function expectSameAs(db: string, expected: ReturnType<typeof fingerprint>): void {
  const got = fingerprint(db);
  expect(integrity(db)).toBe('ok');
  expect(got.predictions.size).toBe(expected.predictions.size);
  expect(got.maps.size).toBe(expected.maps.size);
  for (const [key, value] of expected.maps) expect(got.maps.get(key), key).toBe(value);
  for (const [key, value] of expected.predictions) expect(got.predictions.get(key), key).toBe(value);
}

let redis: RedisServer;
let dataset: string;
let expected: ReturnType<typeof fingerprint>;
/** Every test image of the demo: enough work that eight kills land while it runs. */
let large: string;
let expectedLarge: ReturnType<typeof fingerprint>;

beforeAll(async () => {
  redis = await startRedis(tempDir('biascope-redis-'));
  dataset = demoSubset(30);
  expected = await localAudit(dataset);
  large = demoSubset(100);
  expectedLarge = await localAudit(large);
}, 120_000);

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await redis?.stop(true);
});

describe('a queued audit', () => {
  it('with 2 worker processes writes the same images.csv as a local audit', async () => {
    const cache = tempDir('biascope-cache-');
    const workers = [1, 2].map(() => spawnNode([BIN, 'worker', '--queue', redis.url, '--concurrency', '1', '--cache', cache]));
    try {
      const local = tempDir('biascope-out-');
      const queued = tempDir('biascope-out-');
      const common = [dataset, '--model', DEMO_MODEL];
      const localRun = spawnNode([BIN, 'audit', ...common, '--quiet', '--out', local, '--workers', '1']);
      expect(await localRun.exited).toBe(0);
      const queuedRun = spawnNode([BIN, 'audit', ...common, '--out', queued, '--queue', redis.url, '--chunk', '8', '--json-progress']);
      expect(await queuedRun.exited, queuedRun.log.join('')).toBe(0);
      expect(readFileSync(path.join(queued, 'images.csv'), 'utf8')).toBe(readFileSync(path.join(local, 'images.csv'), 'utf8'));
      expectSameAs(path.join(queued, 'audit.db'), expected);
      // The progress named the workers, with the images each explained (which one takes
      // more is up to the machine: a worker may join after the other has taken everything).
      const events = queuedRun.log
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{"event":"progress"'))
        .map((line) => JSON.parse(line) as { workers?: { host: string; images: number }[] });
      const last = events.findLast((e) => (e.workers?.length ?? 0) > 0);
      expect(last?.workers?.reduce((n, w) => n + w.images, 0)).toBe(60);
    } finally {
      for (const worker of workers) await kill(worker, 'SIGTERM');
    }
    const explained = workers.map((w) => Number(/(\d+) images explained here/.exec(w.log.join(''))?.[1] ?? 0));
    expect(explained.reduce((a, b) => a + b, 0)).toBe(60);
    // The audit left Redis: no queue, no announcement.
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    try {
      expect(await client.hlen('biascope:audits')).toBe(0);
      expect(await client.keys('bull:*')).toEqual([]);
    } finally {
      client.disconnect();
    }
  }, 120_000);

  it('loses nothing and stores nothing twice when workers (x5) and the coordinator (x3) are killed at random', async () => {
    const cache = tempDir('biascope-cache-');
    const out = tempDir('biascope-out-');
    const db = path.join(out, 'audit.db');
    const settings = JSON.stringify({ dataset: large, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', batchSize: 1, queue: { url: redis.url, chunkSize: 4 } });
    const random = mulberry32(17);
    const workers: Spawned[] = [0, 1].map(() => spawnNode([NODE, 'worker', redis.url, cache]));
    let coordinator = spawnNode([NODE, 'coordinator', settings, db, JSON.stringify(LEASE)]);
    let workerKills = 0;
    let coordinatorKills = 0;
    let summary: { computed: number; failed: number };
    try {
      const plan = ['w', 'c', 'w', 'w', 'c', 'w', 'c', 'w'];
      for (const victim of plan) {
        await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1200));
        if (coordinator.child.exitCode !== null) break; // finished before every kill came
        if (victim === 'w') {
          const i = Math.floor(random() * workers.length);
          await kill(workers[i]!);
          workers[i] = spawnNode([NODE, 'worker', redis.url, cache]);
          workerKills++;
        } else {
          await kill(coordinator);
          coordinatorKills++;
          if (existsSync(db)) expect(integrity(db)).toBe('ok');
          coordinator = spawnNode([NODE, 'coordinator', settings, db, JSON.stringify(LEASE)]);
        }
      }
      const code = await coordinator.exited;
      expect(code, coordinator.log.join('')).toBe(0);
      summary = JSON.parse(coordinator.log.join('').split('\n').find((line) => line.startsWith('{'))!) as { computed: number; failed: number };
    } finally {
      for (const worker of workers) await kill(worker);
      await kill(coordinator);
    }
    // The kills came while there was work (a too-fast audit would prove nothing).
    expect([workerKills, coordinatorKills]).toEqual([5, 3]);
    expect(summary.failed).toBe(0);
    expectSameAs(db, expectedLarge);
    expect(fingerprint(db).errors).toEqual([]);
  }, 240_000);

  it('goes on when Redis restarts and forgets everything', async () => {
    const cache = tempDir('biascope-cache-');
    const db = path.join(tempDir('biascope-out-'), 'audit.db');
    const workers = [0, 1].map(() => spawnNode([NODE, 'worker', redis.url, cache]));
    const store = openStore(db);
    try {
      const run = startAudit(store, { dataset, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', batchSize: 2, queue: { url: redis.url, chunkSize: 4 } }, { lease: LEASE });
      let restarted = false;
      run.on('progress', (progress) => {
        if (restarted || progress.done < 12) return;
        restarted = true;
        void redis.stop(true).then(() => redis.start());
      });
      const summary = await run.finished;
      expect(restarted).toBe(true);
      expect(summary.outcome).toBe('done');
      expect(summary.failed).toBe(0);
    } finally {
      store.close();
      for (const worker of workers) await kill(worker);
    }
    expectSameAs(db, expected);
  }, 180_000);

  it('reports an image that kills every worker taking it, and explains the rest', async () => {
    const cache = tempDir('biascope-cache-');
    const db = path.join(tempDir('biascope-out-'), 'audit.db');
    // The content id of one image: the one the fault names.
    const probe = openStore(db);
    const { openDataset } = await import('../../src/main/jobs/open-dataset');
    const opened = await openDataset(probe, dataset);
    const poison = probe.listImages(opened.dataset.id)[5]!;
    probe.close();
    const fault = { BIASCOPE_FAULT: JSON.stringify({ mode: 'kill-process', contents: [poison.contentId] }) };
    const workers: Spawned[] = [0, 1].map(() => spawnNode([NODE, 'worker', redis.url, cache], fault));
    // A supervisor, as a service manager would be: a worker that died is started again.
    let supervising = true;
    const restarts = { n: 0 };
    const supervisor = (async () => {
      while (supervising) {
        for (const [i, worker] of workers.entries()) {
          if (worker.child.exitCode !== null || worker.child.signalCode !== null) {
            workers[i] = spawnNode([NODE, 'worker', redis.url, cache], fault);
            restarts.n++;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const store = openStore(db);
    try {
      const summary = await startAudit(store, { dataset, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', batchSize: 2, queue: { url: redis.url, chunkSize: 8 } }, { lease: LEASE }).finished;
      expect(summary.failed).toBe(1);
    } finally {
      store.close();
      supervising = false;
      await supervisor;
      for (const worker of workers) await kill(worker);
    }
    expect(restarts.n).toBeGreaterThan(0);
    const got = fingerprint(db);
    expect(got.errors).toEqual([{ path: poison.path, stage: 'explain' }]);
    expect(got.predictions.size).toBe(expected.predictions.size - 1);
    for (const [key, value] of got.predictions) expect(expected.predictions.get(key)).toBe(value);
  }, 240_000);
});
