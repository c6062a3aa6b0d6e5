/**
 * The coordinator of a queued audit: announces the audit and its model in Redis, puts
 * the images the store lacks on the audit's BullMQ queue in chunks, and writes what the
 * workers answer, as the single writer of the store. Nothing is lost and nothing is
 * stored twice: answers wait in a results queue until written (writes are upserts), a
 * restarted coordinator takes over what the queues hold, and chunks Redis forgot (a
 * restart without persistence) are put back.
 */
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueSettings, WorkerPresence } from '../../../shared/audit';
import { ImageDecodeError } from '../../library/decode';
import { readImageFile } from '../../library/image-file';
import type { ImageError, ImageResult } from '../../store/types';
import { mapWithConcurrency } from '../../util/concurrency';
import type { ModelIdentity } from '../model-identity';
import type { PlanItem } from '../plan';
import { publishModel } from './model-transfer';
import { workersOf } from './presence';
import {
  ANNOUNCE_CHANNEL,
  PROTOCOL_VERSION,
  REGISTRY_KEY,
  chunkIdOf,
  pack,
  readChunk,
  readChunkResult,
  resultsQueueName,
  workQueueName,
  type Announcement,
  type ChunkItem,
  type ChunkResult,
} from './protocol';
import { connectionOptions, connectRedis } from './redis';

export const DEFAULT_CHUNK_SIZE = 64;
/** A chunk's image bytes stay under this (a chunk of one large image may exceed it). */
const CHUNK_BYTES = 48 * 1024 * 1024;
/** Failed chunks are looked for this often; heartbeats are read as often. */
const POLL_MS = 1000;
/** Chunks Redis may have lost are looked for this often, and after every reconnection. */
const RECONCILE_MS = 10_000;

export interface QueuedAudit {
  queue: QueueSettings;
  /** Names the audit's queues: the same audit from the same store gets the same key. */
  auditKey: string;
  root: string;
  identity: ModelIdentity;
  task: Announcement['task'];
  batchSize: number;
  lease?: Announcement['lease'];
}

export interface QueueHooks {
  /** Writes results in one transaction (upserts: writing an answer twice stores it once). */
  write(results: ImageResult[]): void;
  recordErrors(errors: ImageError[]): void;
  clearErrors(paths: string[]): void;
  /** Images settled: done (computed or failed), of which failed. */
  settle(images: number, failed: number, computed: number): void;
  workers(list: WorkerPresence[]): void;
}

/** A chunk on the queue, as the coordinator remembers it to put it back if Redis forgets it. */
interface Outstanding {
  items: PlanItem[];
  alone: boolean;
}

export class QueueCoordinator {
  private readonly outstanding = new Map<string, Outstanding>();
  private wake: (() => void) | null = null;
  private backend: string | null = null;
  private computed = 0;
  private workerSlots = 0;
  private failure: unknown = null;

  constructor(
    private readonly audit: QueuedAudit,
    private readonly hooks: QueueHooks,
  ) {}

  private get chunkSize(): number {
    return this.audit.queue.chunkSize ?? DEFAULT_CHUNK_SIZE;
  }

  /** Chunks on the queue at once: enough that no worker waits, few enough that Redis holds little. */
  private window(): number {
    return Math.max(8, 3 * this.workerSlots);
  }

  async run(todo: readonly PlanItem[], signal: AbortSignal, paused: () => boolean): Promise<{ computed: number; backend: string | null }> {
    const { audit } = this;
    const redis = await connectRedis(audit.queue.url);
    redis.on('error', () => undefined); // reconnects by itself; RECONCILE puts back what a restart lost
    const connection = connectionOptions(audit.queue.url);
    const work = new Queue(workQueueName(audit.auditKey), { connection });
    const results = new Queue(resultsQueueName(audit.auditKey), { connection });
    for (const queue of [work, results]) queue.on('error', () => undefined);
    let resultsWorker: Worker | null = null;
    const timers: NodeJS.Timeout[] = [];
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      const announcement = await this.announce(redis);
      const rest = await this.adopt(work, results, todo);
      resultsWorker = new Worker(results.name, async (job: Job) => this.receive(readChunkResult(job.data)), { connection, concurrency: 1 });
      resultsWorker.on('error', () => undefined);
      // A coordinator killed while paused left the queue paused: it follows this run's state.
      let queuePaused = await work.isPaused();
      let reconciling = false;
      const reconcile = () => {
        if (reconciling) return;
        reconciling = true;
        void this.reconcile(redis, work, results, announcement)
          .catch(() => undefined)
          .finally(() => (reconciling = false));
      };
      redis.on('ready', reconcile);
      timers.push(setInterval(reconcile, RECONCILE_MS));
      let polling = false;
      timers.push(
        setInterval(() => {
          if (polling) return;
          polling = true;
          void this.poll(redis, work)
            .catch(() => undefined)
            .finally(() => ((polling = false), this.wake?.()));
        }, POLL_MS),
      );
      let next = 0;
      while (!signal.aborted && this.failure === null) {
        if (paused() !== queuePaused) {
          queuePaused = paused();
          await (queuePaused ? work.pause() : work.resume());
        }
        while (!queuePaused && next < rest.length && this.outstanding.size < this.window()) {
          const items = this.takeChunk(rest, next);
          next += items.length;
          await this.enqueue(work, items);
        }
        if (next >= rest.length && this.outstanding.size === 0) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, POLL_MS).unref();
        });
      }
      if (this.failure !== null) throw this.failure;
      // The workers as they ended it, with their counts: a short audit may end between polls.
      this.hooks.workers(await workersOf(redis, audit.auditKey).catch(() => []));
      // Done or cancelled: the audit leaves Redis (a cancelled one is planned afresh from the store).
      await redis.hdel(REGISTRY_KEY, audit.auditKey);
      await resultsWorker.close();
      resultsWorker = null;
      await work.obliterate({ force: true });
      await results.obliterate({ force: true });
      return { computed: this.computed, backend: this.backend };
    } finally {
      signal.removeEventListener('abort', onAbort);
      for (const timer of timers) clearInterval(timer);
      await resultsWorker?.close().catch(() => undefined);
      await Promise.all([work.close(), results.close()]).catch(() => undefined);
      redis.disconnect();
    }
  }

  /** The announcement workers join by, and the model's files where they can fetch them. */
  private async announce(redis: Redis): Promise<Announcement> {
    const { audit } = this;
    const model = await publishModel(redis, audit.identity, audit.queue.sharedFs === true);
    const announcement: Announcement = {
      version: PROTOCOL_VERSION,
      auditKey: audit.auditKey,
      model,
      ...(audit.queue.sharedFs ? { sharedRoot: audit.root } : {}),
      task: audit.task,
      batchSize: audit.batchSize,
      ...(audit.lease ? { lease: audit.lease } : {}),
      coordinator: { host: os.hostname(), pid: process.pid },
    };
    await redis.hset(REGISTRY_KEY, audit.auditKey, JSON.stringify(announcement));
    await redis.publish(ANNOUNCE_CHANNEL, audit.auditKey);
    return announcement;
  }

  /**
   * What the queues already hold for this audit (a coordinator restarted): answers not yet
   * written are written now; chunks still queued are awaited, not queued again. Returns
   * the images still to queue.
   */
  private async adopt(work: Queue, results: Queue, todo: readonly PlanItem[]): Promise<PlanItem[]> {
    const held = new Set<number>();
    for (const job of await work.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'paused', 'failed', 'waiting-children'])) {
      if (!job?.id) continue;
      try {
        const chunk = readChunk(job.data);
        const items = chunk.items.map(planItemOf);
        this.outstanding.set(job.id, { items, alone: chunk.alone === true });
        for (const item of items) held.add(item.contentId);
      } catch {
        await job.remove().catch(() => undefined);
      }
    }
    // Answers after chunks: an answer whose chunk is still queued (its worker died after
    // answering) settles it now; the chunk's second answer, if any, is written and not counted.
    for (const job of await results.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'paused', 'failed'])) {
      if (!job) continue;
      let answer: ChunkResult;
      try {
        answer = readChunkResult(job.data);
      } catch {
        continue; // unreadable: its images are planned again below, or queued already
      }
      // Its images are in this run's plan (the store lacked them): they count as done here.
      this.receive(answer, true);
      await job.remove().catch(() => undefined); // held by a lapsed lock: answered again later, not counted
      for (const result of answer.results) held.add(result.contentId);
      for (const failure of answer.failures) if (failure.contentId !== null) held.add(failure.contentId);
    }
    return todo.filter((item) => !held.has(item.contentId));
  }

  /** The next chunk of `rest` from `start`: up to chunkSize images and CHUNK_BYTES of files. */
  private takeChunk(rest: readonly PlanItem[], start: number): PlanItem[] {
    return rest.slice(start, start + this.chunkSize);
  }

  /** Reads the chunk's files (unless workers share them) and queues it; unreadable files are recorded. */
  /** Returns the ids of the chunks queued. */
  private async enqueue(work: Queue, items: readonly PlanItem[], alone = false): Promise<string[]> {
    const shared = this.audit.queue.sharedFs === true;
    const failures: ImageError[] = [];
    const readable: ChunkItem[] = [];
    await mapWithConcurrency(items, 8, async (item) => {
      const base = { contentId: item.contentId, path: item.path, labelIndex: item.labelIndex, regions: item.regions };
      if (shared) return void readable.push(base);
      try {
        readable.push({ ...base, bytes: await readImageFile(path.join(this.audit.root, item.path)) });
      } catch (error) {
        if (!(error instanceof ImageDecodeError)) throw error;
        failures.push({ path: item.path, contentId: item.contentId, stage: 'decode', reason: error.reason });
      }
    });
    if (failures.length > 0) {
      this.hooks.recordErrors(failures);
      this.hooks.settle(failures.length, failures.length, 0);
    }
    // Large files: split so no job holds more than CHUNK_BYTES.
    let group: ChunkItem[] = [];
    let bytes = 0;
    const groups: ChunkItem[][] = [];
    for (const item of readable.sort((a, b) => a.contentId - b.contentId)) {
      const size = item.bytes?.byteLength ?? 0;
      if (group.length > 0 && bytes + size > CHUNK_BYTES) {
        groups.push(group);
        group = [];
        bytes = 0;
      }
      group.push(item);
      bytes += size;
    }
    if (group.length > 0) groups.push(group);
    const ids: string[] = [];
    for (const chunk of groups) ids.push(await this.add(work, chunk, alone));
    return ids;
  }

  private async add(work: Queue, items: ChunkItem[], alone = false): Promise<string> {
    const id = chunkIdOf(items.map((item) => item.contentId));
    this.outstanding.set(id, { items: items.map(planItemOf), alone });
    // attempts: a chunk whose processing throws (not its images: those are bisected by the
    // worker) is tried once more, elsewhere if need be; then the coordinator splits it.
    await work.add('chunk', { p: pack({ items, ...(alone ? { alone } : {}) }) }, { jobId: id, attempts: 2, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: true, removeOnFail: false });
    return id;
  }

  /** Writes an answer; the images it settles count once, however often it arrives. */
  private store(answer: ChunkResult): void {
    this.hooks.write(answer.results);
    this.hooks.clearErrors(answer.paths);
    if (answer.failures.length > 0) this.hooks.recordErrors(answer.failures);
  }

  /** Writes an answer; its images count once (when `adopted`, or when its chunk was outstanding). */
  private receive(answer: ChunkResult, adopted = false): void {
    try {
      this.store(answer);
    } catch (error) {
      // The store refused (disk full, a malformed result): the audit stops with that reason.
      this.failure ??= error;
      this.wake?.();
      throw error;
    }
    this.backend = answer.backend;
    if (this.outstanding.delete(answer.chunk) || adopted) {
      this.computed += answer.results.length;
      this.hooks.settle(answer.results.length + answer.failures.length, answer.failures.length, answer.results.length);
    }
    this.wake?.();
  }

  /** Failed chunks split in halves (one image alone is recorded as failed); workers' heartbeats read. */
  private async poll(redis: Redis, work: Queue): Promise<void> {
    for (const job of await work.getFailed(0, 99)) {
      if (!job?.id) continue;
      let items: ChunkItem[];
      try {
        items = readChunk(job.data).items;
      } catch {
        await job.remove();
        continue;
      }
      // The halves are queued before the chunk is forgotten: the audit never looks finished meanwhile.
      if (items.length > 1) {
        const half = Math.ceil(items.length / 2);
        // The halves run alone on their workers: what killed the chunk's workers is in one of them.
        await this.add(work, items.slice(0, half), true);
        await this.add(work, items.slice(half), true);
        this.outstanding.delete(job.id);
      } else if (this.outstanding.delete(job.id)) {
        const [item] = items;
        const reason = `explaining failed on every worker that tried (${job.attemptsMade} tries): ${job.failedReason ?? 'no reason given'}`;
        this.hooks.recordErrors([{ path: item!.path, contentId: item!.contentId, stage: 'explain', reason }]);
        this.hooks.settle(1, 1, 0);
      }
      await job.remove();
    }
    const workers = await workersOf(redis, this.audit.auditKey);
    this.workerSlots = workers.reduce((n, w) => n + w.concurrency, 0);
    this.hooks.workers(workers);
  }

  /** Puts back the announcement, the model and every chunk Redis no longer holds. */
  private async reconcile(redis: Redis, work: Queue, results: Queue, announcement: Announcement): Promise<void> {
    if (!(await redis.hexists(REGISTRY_KEY, this.audit.auditKey))) await this.announce(redis);
    else if (announcement.model.sharedPath === undefined) await publishModel(redis, this.audit.identity, false);
    const ids = [...this.outstanding.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const slice = ids.slice(i, i + 500);
      const multi = redis.multi();
      for (const id of slice) multi.exists(work.toKey(id), results.toKey(id));
      const replies = (await multi.exec()) ?? [];
      for (const [j, id] of slice.entries()) {
        const [error, count] = replies[j] ?? [null, 1];
        const chunk = this.outstanding.get(id);
        if (error || count !== 0 || !chunk) continue;
        // Queued again (under the same id unless a file became unreadable) before it is forgotten.
        const added = await this.enqueue(work, chunk.items, chunk.alone);
        if (!added.includes(id)) this.outstanding.delete(id);
      }
    }
  }
}

function planItemOf(item: ChunkItem): PlanItem {
  return { contentId: item.contentId, path: item.path, labelIndex: item.labelIndex, regions: item.regions };
}
