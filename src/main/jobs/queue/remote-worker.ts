/**
 * `biascope worker`: joins every audit coordinated through a Redis server, takes its
 * chunks from the audit's BullMQ queue and explains them with the same thread pool,
 * decoding and retry-then-bisect as a local audit, so the numbers are the same to the
 * bit. Workers come and go: a chunk whose worker dies is taken again by another when
 * its lock lapses (BullMQ's stalled jobs).
 */
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import type { Device } from '../../../shared/devices';
import type { BackendName } from '../../engine/backend';
import { decodeImage, decodeImageBytes } from '../../library/decode';
import type { ImageError, ImageResult } from '../../store/types';
import { mapWithConcurrency } from '../../util/concurrency';
import { chunks } from '../../util/chunks';
import { explainBisecting, explainFailures, messageOf } from '../bisect';
import { decodeBatch, type DecodedBatch } from '../decode-batch';
import type { ModelIdentity } from '../model-identity';
import { batchTimeoutMs, createExplainPool, runWithin } from '../pool';
import type { ExplainReply, ExplainTask, TaskImage } from '../worker-protocol';
import { defaultModelCache, fetchModel } from './model-transfer';
import { beat, HEARTBEAT_MS, leave, RecentRate } from './presence';
import { ANNOUNCE_CHANNEL, AnnouncementSchema, leaseOf, PROTOCOL_VERSION, REGISTRY_KEY, pack, readChunk, resultsQueueName, workQueueName, type Announcement, type Chunk, type ChunkItem } from './protocol';
import { connectionOptions, connectRedis } from './redis';

export interface QueueWorkerOptions {
  url: string;
  /** Explaining threads. */
  concurrency: number;
  /** Where ONNX Runtime runs on this machine, whatever the coordinator said. */
  device?: Device;
  backend?: BackendName;
  /** Where models received through Redis are kept; ~/.cache/biascope/models when absent. */
  cacheDir?: string;
  /** The worker thread script; tests swap in one that fails on purpose. */
  workerFile?: string;
  log: (line: string) => void;
  /** Aborted: finish the chunks in hand, answer them, and leave. */
  signal: AbortSignal;
}

interface Joined {
  announcement: Announcement;
  identity: ModelIdentity;
  worker: Worker;
  results: Queue;
  rate: RecentRate;
}

/** Chunks taken at once: one explaining while the next one's images decode. */
const CHUNKS_AT_ONCE = 2;

export async function runQueueWorker(options: QueueWorkerOptions): Promise<void> {
  const redis = await connectRedis(options.url);
  redis.on('error', () => undefined); // ioredis reconnects by itself; failures show in what stops working
  const id = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const pool = createExplainPool(options.concurrency, options.workerFile);
  const joined = new Map<string, Joined>();
  /** Audits being joined (model on its way) or refused, so each is tried once per change. */
  const tried = new Map<string, string>();
  let backend: string | null = null;
  const warned = new Set<string>();
  const warnOnce = (line: string) => {
    if (warned.has(line)) return;
    warned.add(line);
    options.log(line);
  };

  const task = ({ announcement, identity }: Joined, images: TaskImage[]): ExplainTask => {
    const onnx = identity.kind === 'onnx';
    const t = announcement.task;
    return {
      modelPath: identity.path,
      modelHash: identity.hash,
      ...(options.backend ?? t.backend ? { backend: (options.backend ?? t.backend)! } : {}),
      // ONNX Runtime threads inside one session: this machine's cores shared by its threads.
      ...(onnx ? { runtime: { threads: Math.max(1, Math.floor(os.availableParallelism() / options.concurrency)), device: options.device ?? t.device ?? 'auto' } } : {}),
      layer: t.layer,
      methods: t.methods,
      targets: t.targets,
      topK: t.topK,
      ...(t.conceptLayer ? { concepts: { layer: t.conceptLayer } } : {}),
      images,
    };
  };

  const attempt = (audit: Joined, images: TaskImage[]): Promise<ExplainReply> => runWithin(pool, task(audit, images), batchTimeoutMs(images.length));

  const processChunk = async (audit: Joined, job: Job, chunk: Chunk): Promise<void> => {
    const started = performance.now();
    audit.rate.begin();
    const { config } = audit.identity;
    const root = audit.announcement.sharedRoot ?? '';
    const decoded = await decodeBatch<ChunkItem>(root, chunk.items, config.inputSize, config.preprocess, (item) =>
      item.bytes ? decodeImageBytes(Buffer.from(item.bytes), item.path, config.inputSize, config.preprocess) : decodeImage(path.join(root, item.path), config.inputSize, config.preprocess),
    );
    const results: ImageResult[] = [];
    const paths: string[] = [];
    const failures: ImageError[] = [...decoded.failures];
    let answeredBy = backend ?? 'unknown';
    const batches = chunks(decoded.images.map((image, i) => ({ image, path: decoded.paths[i]! })), audit.announcement.batchSize).map(
      (slice): DecodedBatch => ({ images: slice.map((s) => s.image), paths: slice.map((s) => s.path), failures: [] }),
    );
    await mapWithConcurrency(batches, pool.size, (batch) =>
      explainBisecting(batch, (images) => attempt(audit, images), () => false, {
        kept: (part, reply) => {
          results.push(...reply.results);
          paths.push(...reply.results.map((r) => part.paths[part.images.findIndex((image) => image.contentId === r.contentId)]!));
          answeredBy = backend = reply.backend;
        },
        failed: (one, error) => failures.push(...explainFailures(one, error)),
      }),
    );
    const answer = { chunk: job.id, worker: id, backend: answeredBy, workMs: performance.now() - started, paths, results, failures };
    // Counted and told before the answer goes: the coordinator's last look at the workers,
    // when the last answer lands, sees every image counted.
    audit.rate.add(results.length + failures.length);
    await heartbeat().catch(() => undefined);
    // Same id as the chunk: a chunk taken twice (its first worker was thought dead) answers once.
    await audit.results.add('result', { p: pack(answer) }, { jobId: job.id!, removeOnComplete: true, removeOnFail: 1000 });
  };

  // A chunk marked `alone` (part of one that killed its workers) runs with no other chunk
  // in this process: the audits' workers stop taking chunks, the ones in hand finish, and
  // alone chunks take turns. An image that kills the process then takes nothing else with it.
  let normalRunning = 0;
  let aloneTurn: Promise<void> = Promise.resolve();
  const runChunk = async (audit: Joined, job: Job): Promise<void> => {
    const chunk = readChunk(job.data);
    if (!chunk.alone) {
      normalRunning++;
      try {
        return await processChunk(audit, job, chunk);
      } finally {
        normalRunning--;
      }
    }
    const previous = aloneTurn;
    let release = () => {};
    aloneTurn = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const paused = [...joined.values()];
    try {
      await Promise.all(paused.map((other) => other.worker.pause(true)));
      while (normalRunning > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      return await processChunk(audit, job, chunk);
    } finally {
      for (const other of paused) {
        try {
          other.worker.resume();
        } catch {
          // left meanwhile
        }
      }
      release();
    }
  };

  const join = async (announcement: Announcement): Promise<void> => {
    const identity = await fetchModel(redis, announcement.model, options.cacheDir ?? defaultModelCache());
    const connection = connectionOptions(options.url);
    const lease = leaseOf(announcement);
    const results = new Queue(resultsQueueName(announcement.auditKey), { connection });
    results.on('error', (error) => warnOnce(`results queue: ${messageOf(error)}`));
    const audit = { announcement, identity, results, rate: new RecentRate() } as Joined;
    audit.worker = new Worker(workQueueName(announcement.auditKey), (job) => runChunk(audit, job), {
      connection,
      concurrency: CHUNKS_AT_ONCE,
      lockDuration: lease.lockMs,
      stalledInterval: lease.stalledCheckMs,
      // A chunk whose worker died twice is failed; the coordinator splits it or reports its image.
      maxStalledCount: 1,
    });
    audit.worker.on('error', (error) => warnOnce(`audit ${announcement.auditKey.slice(0, 8)}: ${messageOf(error)}`));
    audit.worker.on('failed', (job, error) => options.log(`chunk ${job?.id ?? '?'} failed here: ${messageOf(error)}`));
    joined.set(announcement.auditKey, audit);
    options.log(`joined audit ${announcement.auditKey.slice(0, 8)} of ${announcement.coordinator.host} (model ${identity.hash.slice(0, 12)}, layer ${announcement.task.layer})`);
  };

  const leaveAudit = async (key: string): Promise<void> => {
    const audit = joined.get(key);
    if (!audit) return;
    joined.delete(key);
    await audit.worker.close();
    await audit.results.close();
    options.log(`left audit ${key.slice(0, 8)}: ${audit.rate.total} images explained here`);
  };

  const survey = async (): Promise<void> => {
    const registry = await redis.hgetall(REGISTRY_KEY);
    const live = new Set<string>();
    for (const [key, text] of Object.entries(registry)) {
      live.add(key);
      if (joined.has(key) || tried.get(key) === text) continue;
      tried.set(key, text);
      let announcement: Announcement;
      try {
        announcement = AnnouncementSchema.parse(JSON.parse(text));
      } catch (error) {
        options.log(`audit ${key.slice(0, 8)}: unreadable announcement, skipped (${messageOf(error).slice(0, 200)})`);
        continue;
      }
      if (announcement.version !== PROTOCOL_VERSION) {
        options.log(`audit ${key.slice(0, 8)}: coordinated by another version of biascope (protocol ${announcement.version}, this one speaks ${PROTOCOL_VERSION}): skipped`);
        continue;
      }
      try {
        await join(announcement);
      } catch (error) {
        // Tried again when the announcement changes (the coordinator restarted).
        options.log(`audit ${key.slice(0, 8)}: cannot join: ${messageOf(error)}`);
      }
    }
    for (const key of [...joined.keys()]) if (!live.has(key)) await leaveAudit(key);
    for (const key of [...tried.keys()]) if (!live.has(key)) tried.delete(key);
  };

  const heartbeat = () =>
    beat(redis, {
      id,
      host: os.hostname(),
      pid: process.pid,
      concurrency: options.concurrency,
      backend,
      audits: Object.fromEntries([...joined].map(([key, audit]) => [key, { images: audit.rate.total, imagesPerSecond: audit.rate.perSecond() }])),
    });

  // A new audit wakes the loop at once; the loop also looks every heartbeat, so a missed message costs 2 s.
  let wake: (() => void) | null = null;
  const listener = redis.duplicate();
  listener.on('error', () => undefined);
  listener.on('message', () => wake?.());
  options.signal.addEventListener('abort', () => wake?.(), { once: true });
  await listener.subscribe(ANNOUNCE_CHANNEL).catch(() => undefined);
  options.log(`worker ${id}: ${options.concurrency} thread${options.concurrency === 1 ? '' : 's'}, waiting for audits`);
  try {
    while (!options.signal.aborted) {
      await survey().catch((error: unknown) => warnOnce(`cannot read the audits from Redis: ${messageOf(error)}`));
      await heartbeat().catch(() => undefined);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, HEARTBEAT_MS);
        wake = () => (clearTimeout(timer), resolve());
      });
    }
  } finally {
    listener.disconnect();
    // Chunks in hand are finished and answered before leaving (BullMQ's close waits for them).
    for (const key of [...joined.keys()]) await leaveAudit(key).catch(() => undefined);
    await leave(redis, id).catch(() => undefined);
    await pool.close();
    redis.disconnect();
  }
}

