/**
 * Runs an audit: brings the dataset into the store, plans what the cache misses,
 * decodes batches on the main thread while a pool of workers explains them, and
 * writes each batch in one transaction, so a killed process loses at most the
 * batches in flight and the next run computes only the rest.
 */
import { EventEmitter } from 'node:events';
import { AuditSettingsSchema, type AuditProgress, type AuditSettings, type AuditSummary } from '../../shared/audit';
import { GUIDED_METHODS } from '../../shared/explain';
import type { ModelConfig } from '../../shared/model-config';
import type { BackendName } from '../engine/backend';
import type { Store } from '../store';
import type { ImageError, ImageResult } from '../store/types';
import { decodeBatch, type DecodedBatch } from './decode-batch';
import { identifyModel } from './model-identity';
import { acquireAuditLock } from './audit-lock';
import { openDataset } from './open-dataset';
import { applyDrawnRegions } from '../analysis/drawn-regions';
import { refreshRegionStats } from '../analysis/region-refresh';
import { planAudit, type PlanItem } from './plan';
import { batchTimeoutMs, createExplainPool, defaultWorkerCount, runWithin, type ExplainPool } from './pool';

export { batchTimeoutMs };
import { ProgressMeter } from './progress';
import { chunks } from '../util/chunks';
import { explainBisecting, explainFailures, messageOf, part, tryTwice } from './bisect';
import type { ExplainReply, ExplainTask } from './worker-protocol';
import { QueueCoordinator, type QueuedAudit } from './queue/coordinator';
import { auditKeyOf } from './queue/audit-key';
import { connectRedis } from './queue/redis';

/** Images of a failed first batch tried alone before the model is taken for broken. */
const PROBES = 3;

const DEFAULT_BATCH_SIZE = 8;
export const DEFAULT_TOP_K = 5;

/** The audit could not run at all: bad settings, or a model that fails on the images. */
export class AuditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditError';
  }
}

export interface AuditOptions {
  backend?: BackendName;
  /** The worker script; tests swap in one that fails on purpose. */
  workerFile?: string;
  topK?: number;
  /** How long a batch may take before its worker is taken for hung and stopped (default: batchTimeoutMs). */
  batchTimeout?: (images: number) => number;
  /** A queued audit's chunk lease (protocol.ts DEFAULT_LEASE when absent); tests shorten it. */
  lease?: QueuedAudit['lease'];
}

/** What the audit writes to, known once the dataset is synced and the model's layer resolved. */
export interface AuditTarget {
  datasetId: number;
  modelId: number;
  layer: string;
}

interface AuditEvents {
  progress: [AuditProgress];
  /** Results start to land under this target: a UI can show them while the audit runs. */
  ready: [AuditTarget];
}

export class AuditRun extends EventEmitter<AuditEvents> {
  readonly settings: AuditSettings;
  /** Settles when the audit ends: done, cancelled, or failed (rejects with the reason). */
  readonly finished: Promise<AuditSummary>;
  private paused = false;
  private cancelled = false;
  private readonly abort = new AbortController();
  private wake: (() => void) | null = null;
  private readonly meter = new ProgressMeter();
  private progress: AuditProgress = {
    phase: 'scanning',
    done: 0,
    total: 0,
    failed: 0,
    reused: 0,
    imagesPerSecond: 0,
    etaSeconds: null,
    paused: false,
  };

  constructor(
    private readonly store: Store,
    settings: AuditSettings,
    private readonly options: AuditOptions = {},
  ) {
    super();
    const parsed = AuditSettingsSchema.safeParse(settings);
    if (!parsed.success) throw new AuditError(`invalid audit settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    this.settings = parsed.data;
    const guided = this.settings.methods.filter((m) => GUIDED_METHODS.includes(m));
    if (guided.length > 0) {
      throw new AuditError(`${guided.join(', ')} maps are computed per image on demand, not in an audit: audit with gradcam, counterfactual, cam, gradcampp or hirescam`);
    }
    // Started on the next tick, so callers can subscribe to progress first.
    this.finished = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.run());
  }

  /** Null until the dataset is synced and the layer resolved (see the 'ready' event). */
  target: AuditTarget | null = null;

  snapshot(): AuditProgress {
    return { ...this.progress };
  }

  pause(): void {
    if (this.paused || this.cancelled) return;
    this.paused = true;
    this.meter.pause();
    this.emitProgress({ paused: true });
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.meter.resume();
    this.emitProgress({ paused: false });
    this.wake?.();
  }

  /** Stops now: batches in flight are abandoned (their workers end), written ones stay. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.abort.abort();
    this.wake?.();
  }

  private emitProgress(patch: Partial<AuditProgress>): void {
    this.progress = { ...this.progress, ...patch };
    this.emit('progress', this.snapshot());
  }

  private async run(): Promise<AuditSummary> {
    const release = await acquireAuditLock(this.store.file);
    try {
      return await this.runLocked();
    } finally {
      await release();
    }
  }

  private async runLocked(): Promise<AuditSummary> {
    const started = performance.now();
    const { store, settings } = this;
    // Under the lock: a job still marked running is one whose process died.
    store.interruptStaleJobs();
    // A queued audit whose Redis cannot be reached says so before scanning a large dataset.
    if (settings.queue) (await connectRedis(settings.queue.url)).disconnect();
    const opened = await openDataset(store, settings.dataset, (phase, done) => {
      if (phase !== this.progress.phase || done === undefined || done % 500 === 0) this.emitProgress({ phase });
    });
    const datasetId = opened.dataset.id;
    this.emitProgress({ phase: 'planning' });
    const identity = await identifyModel(settings.model);
    const model = store.upsertModel({
      hash: identity.hash,
      path: identity.path,
      kind: identity.kind,
      classes: identity.config.classes,
      config: JSON.stringify(identity.config),
    });
    // ONNX Runtime threads inside one session: one worker with every core beats many
    // single-threaded copies of the weights. Workers x threads never exceeds the cores.
    const onnx = identity.kind === 'onnx';
    const workers = settings.workers ?? (onnx ? 1 : defaultWorkerCount());
    const runtime = onnx ? { threads: settings.threads ?? Math.max(1, Math.floor(defaultWorkerCount() / workers)), device: settings.device ?? 'auto' } : undefined;
    let pool: ExplainPool | null = null;
    let backend = 'none (everything cached)';
    // The layer keys the cache: the model's default is learned once from a worker and kept.
    let layer = settings.layer ?? store.modelDefaultLayer(model.id) ?? undefined;
    // Concepts describe each map's components by a descriptor layer; the default one
    // (the layer feeding the explained one) is learned from the worker's probe.
    const concepts = settings.concepts === true || settings.conceptLayer !== undefined;
    let descriptorLayer = settings.conceptLayer;
    const task = (images: ExplainTask['images']): ExplainTask => ({
      modelPath: identity.path,
      modelHash: identity.hash,
      ...(this.options.backend ? { backend: this.options.backend } : {}),
      ...(runtime ? { runtime } : {}),
      ...(layer ? { layer } : {}),
      methods: settings.methods,
      targets: settings.targets,
      topK: this.options.topK ?? DEFAULT_TOP_K,
      ...(concepts ? { concepts: { layer: descriptorLayer ?? true } } : {}),
      images,
    });
    const images = store.listImages(datasetId);
    const needsProbe = layer === undefined || (concepts && descriptorLayer === undefined);
    let jobId = 0;
    try {
      if (needsProbe) {
        this.emitProgress({ phase: 'loading-model' });
        pool = createExplainPool(workers, this.options.workerFile);
        const probe = await this.probe(pool, task([]));
        layer = probe.layer;
        descriptorLayer ??= probe.descriptorLayer;
        backend = probe.backend;
        store.setModelDefaultLayer(model.id, layer);
      }
      const resolvedLayer = layer!;
      this.target = { datasetId, modelId: model.id, layer: resolvedLayer };
      this.emit('ready', this.target);
      const setIds = settings.methods.map((method) => store.resultSet(model.id, resolvedLayer, method));
      const plan = planAudit(images, identity.config.classes, settings.targets, {
        predicted: store.predictedClasses(model.id),
        doneByMethod: setIds.map((id) => store.doneTargets(id)),
        ...(concepts && descriptorLayer !== undefined ? { describedByMethod: setIds.map((id) => store.describedTargets(id, descriptorLayer!)) } : {}),
        undecodable: store.failedContents(datasetId, 'decode'),
      });
      jobId = store.createJob({
        datasetId,
        modelId: model.id,
        layer: resolvedLayer,
        methods: settings.methods,
        targets: settings.targets,
        total: plan.todo.length,
      });
      this.emitProgress({ phase: 'explaining', total: plan.todo.length, reused: plan.reused, failed: store.errors(datasetId).length });
      let computed = 0;
      if (plan.todo.length > 0 && settings.queue) {
        // The probe's threads are done: machines on the queue compute.
        await pool?.close();
        pool = null;
        const queued: QueuedAudit = {
          queue: settings.queue,
          auditKey: auditKeyOf(store.file, datasetId, identity.hash, resolvedLayer, settings, descriptorLayer),
          root: opened.listing.root,
          identity,
          task: {
            layer: resolvedLayer,
            methods: settings.methods,
            targets: settings.targets,
            topK: this.options.topK ?? DEFAULT_TOP_K,
            ...(concepts && descriptorLayer !== undefined ? { conceptLayer: descriptorLayer } : {}),
            ...(this.options.backend ?? settings.backend ? { backend: (this.options.backend ?? settings.backend)! } : {}),
            ...(settings.threads ? { threads: settings.threads } : {}),
            ...(settings.device ? { device: settings.device } : {}),
          },
          batchSize: settings.batchSize ?? DEFAULT_BATCH_SIZE,
          ...(this.options.lease ? { lease: this.options.lease } : {}),
        };
        const ran = await this.explainQueued(queued, plan.todo, {
          write: (results) => store.writeResults(model.id, resolvedLayer, results),
          recordErrors: (errors) => store.recordErrors(datasetId, jobId, errors),
          clearErrors: (paths) => store.clearComputeErrors(datasetId, paths),
        });
        computed = ran.computed;
        backend = ran.backend ?? backend;
      } else if (plan.todo.length > 0) {
        pool ??= createExplainPool(workers, this.options.workerFile);
        const ran = await this.explainAll(pool, plan.todo, opened.listing.root, identity.config, task, (reply) => {
          store.writeResults(model.id, resolvedLayer, reply.results);
        }, (errors) => store.recordErrors(datasetId, jobId, errors), (paths) => store.clearComputeErrors(datasetId, paths));
        computed = ran.computed;
        backend = ran.backend ?? backend;
      }
      // Images decoded for the first time have a size now: they get their class's drawn regions.
      // A failure here leaves the audit's results standing; the next scan applies them again.
      let regionStatsUpdated = opened.regionStatsUpdated;
      if (computed > 0) {
        try {
          applyDrawnRegions(store, datasetId);
          regionStatsUpdated += refreshRegionStats(store, datasetId);
        } catch (error) {
          console.warn('biascope: could not apply drawn regions after the audit:', messageOf(error));
        }
      }
      const outcome = this.cancelled ? 'cancelled' : 'done';
      const failed = store.errors(datasetId).length;
      store.updateJob(jobId, { status: outcome, done: this.progress.done, failed, ...(computed > 0 ? { backend } : {}) });
      this.emitProgress({ phase: 'finished', failed });
      return {
        outcome,
        jobId,
        datasetId,
        modelId: model.id,
        layer: resolvedLayer,
        images: opened.images + opened.problems,
        computed,
        reused: plan.reused,
        regionStatsUpdated,
        failed,
        elapsedSeconds: (performance.now() - started) / 1000,
        imagesPerSecond: this.meter.rate(computed),
        backend,
      };
    } catch (error) {
      if (jobId) store.updateJob(jobId, { status: 'failed', error: messageOf(error) });
      throw error;
    } finally {
      await pool?.close();
    }
  }

  /** Computes on `biascope worker` processes through Redis; this process writes what they answer. */
  private async explainQueued(
    queued: QueuedAudit,
    todo: readonly PlanItem[],
    store: { write: (results: ImageResult[]) => void; recordErrors: (errors: ImageError[]) => void; clearErrors: (paths: string[]) => void },
  ): Promise<{ computed: number; backend: string | null }> {
    let computed = 0;
    this.emitProgress({ workers: [] });
    this.meter.start();
    const coordinator = new QueueCoordinator(queued, {
      ...store,
      settle: (images, failed, newlyComputed) => {
        computed += newlyComputed;
        this.emitProgress({
          done: this.progress.done + images,
          failed: this.progress.failed + failed,
          imagesPerSecond: this.meter.rate(computed),
          etaSeconds: this.meter.etaSeconds(this.progress.done + images, this.progress.total),
        });
      },
      workers: (workers) => this.emitProgress({ workers }),
    });
    return coordinator.run(todo, this.abort.signal, () => this.paused);
  }

  /** Loads the model in a worker (no images): a model that cannot load fails here. */
  private async probe(pool: ExplainPool, task: ExplainTask): Promise<ExplainReply> {
    try {
      return await pool.run(task, this.abort.signal);
    } catch (error) {
      throw new AuditError(`the model cannot be used: ${messageOf(error)}`);
    }
  }

  /** Waits while paused or while every worker is busy; false once cancelled. */
  private async gate(busy: () => boolean): Promise<boolean> {
    while (!this.cancelled && (this.paused || busy())) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return !this.cancelled;
  }

  private async explainAll(
    pool: ExplainPool,
    todo: readonly PlanItem[],
    root: string,
    model: Pick<ModelConfig, 'inputSize' | 'preprocess'>,
    task: (images: ExplainTask['images']) => ExplainTask,
    write: (reply: ExplainReply) => void,
    recordErrors: (errors: ImageError[]) => void,
    clearErrors: (paths: string[]) => void,
  ): Promise<{ computed: number; backend: string | null }> {
    const batches = chunks(todo, this.settings.batchSize ?? DEFAULT_BATCH_SIZE);
    let computed = 0;
    let backend: string | null = null;
    let inFlight = 0;
    let firstBatch = true;
    let failure: unknown = null;
    const running = new Set<Promise<void>>();
    const settle = (images: number, failed: number) => {
      this.emitProgress({
        done: this.progress.done + images,
        failed: this.progress.failed + failed,
        imagesPerSecond: this.meter.rate(computed),
        etaSeconds: this.meter.etaSeconds(this.progress.done + images, this.progress.total),
      });
    };
    // A batch that came back is finished work: it is kept even if cancel came meanwhile.
    const keep = (batch: DecodedBatch, reply: ExplainReply) => {
      write(reply);
      clearErrors(batch.paths);
      backend = reply.backend;
      computed += reply.results.length;
      settle(reply.results.length, 0);
    };
    // A failing batch is retried, then bisected (bisect.ts): one poison image fails alone
    // and is recorded with the reason; the audit goes on.
    const explain = (batch: DecodedBatch): Promise<void> =>
      explainBisecting(batch, (images) => this.runOnce(pool, task(images)), () => this.cancelled, {
        kept: keep,
        failed: (one, error) => {
          recordErrors(explainFailures(one, error));
          settle(one.images.length, one.images.length);
        },
      });
    // Decoding runs one batch ahead; a decode left behind by a stop must not reject unobserved.
    const decodeAhead = (i: number) => {
      const promise = decodeBatch(root, batches[i]!, model.inputSize, model.preprocess);
      promise.catch(() => undefined);
      return promise;
    };
    let next: Promise<DecodedBatch> | null = batches.length > 0 ? decodeAhead(0) : null;
    for (let i = 0; i < batches.length && next; i++) {
      const batch = await next;
      next = i + 1 < batches.length ? decodeAhead(i + 1) : null;
      if (!(await this.gate(() => inFlight >= pool.size))) break;
      this.meter.start();
      if (batch.failures.length > 0) {
        recordErrors(batch.failures);
        settle(batch.failures.length, batch.failures.length);
      }
      if (batch.images.length === 0) continue;
      if (firstBatch) {
        // The first batch runs alone: a model that cannot run on these images (NaN
        // output, a layer that does not exist) stops the audit before anything is stored.
        // One poison image in it must not pass for a broken model: if the batch fails, its
        // first images are tried alone until one works (the model is fine: the others that
        // failed are recorded, the rest split like any failing batch) or PROBES have not.
        firstBatch = false;
        try {
          keep(batch, await this.runTwice(pool, task(batch.images)));
          continue;
        } catch (error) {
          if (this.cancelled) break;
          if (batch.images.length === 1) throw new AuditError(`the model cannot run on these images: ${messageOf(error)}`);
        }
        const probed = await this.probeModel(pool, batch, task, keep);
        if (probed === null) break;
        if (probed.worked < 0) {
          throw new AuditError(`the model cannot run on these images (${probed.failures.length} tried alone): ${messageOf(probed.failures[0]!.error)}`);
        }
        for (const { index, error } of probed.failures) {
          recordErrors(explainFailures(part(batch, index, index + 1), error));
          settle(1, 1);
        }
        await explain(part(batch, probed.worked + 1, batch.images.length));
        continue;
      }
      inFlight++;
      const job = explain(batch)
        .catch((error: unknown) => {
          failure ??= error;
          this.cancel();
        })
        .finally(() => {
          inFlight--;
          running.delete(job);
          this.wake?.();
        });
      running.add(job);
    }
    await Promise.all(running);
    await next?.catch(() => undefined);
    if (failure) throw failure;
    return { computed, backend };
  }

  /**
   * The first images of a failed first batch, alone, until one works: its index (-1 when
   * none of the first PROBES did) and the failures before it; null once cancelled.
   */
  private async probeModel(
    pool: ExplainPool,
    batch: DecodedBatch,
    task: (images: ExplainTask['images']) => ExplainTask,
    keep: (batch: DecodedBatch, reply: ExplainReply) => void,
  ): Promise<{ worked: number; failures: { index: number; error: unknown }[] } | null> {
    const failures: { index: number; error: unknown }[] = [];
    for (let index = 0; index < Math.min(PROBES, batch.images.length); index++) {
      try {
        keep(part(batch, index, index + 1), await this.runTwice(pool, task(batch.images.slice(index, index + 1))));
        return { worked: index, failures };
      } catch (error) {
        if (this.cancelled) return null;
        failures.push({ index, error });
      }
    }
    return { worked: -1, failures };
  }

  private runTwice(pool: ExplainPool, task: ExplainTask): Promise<ExplainReply> {
    return tryTwice((images) => this.runOnce(pool, { ...task, images }), task.images, () => this.cancelled);
  }

  /** One try, stopped when it outlasts the batch timeout. */
  private runOnce(pool: ExplainPool, task: ExplainTask): Promise<ExplainReply> {
    return runWithin(pool, task, (this.options.batchTimeout ?? batchTimeoutMs)(task.images.length), this.abort.signal);
  }
}

export function startAudit(store: Store, settings: AuditSettings, options?: AuditOptions): AuditRun {
  return new AuditRun(store, settings, options);
}
