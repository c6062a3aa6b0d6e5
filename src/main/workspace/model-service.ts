/**
 * The model work the app asks for outside an audit: listing a model's layers and
 * computing one map on demand (any method, any class, for the image detail). Both run
 * on one worker thread that keeps the model loaded between requests, so the main
 * process (Electron's, or the server's) never loads tfjs and stays responsive.
 */
import type { Piscina } from 'piscina';
import { CallError } from '../../shared/api';
import type { MethodName } from '../../shared/explain';
import type { EncodedMap } from '../../shared/map-codec';
import type { LayerInfo } from '../engine/model/network';
import { defaultWorkerFile } from '../jobs/worker-file';
import type { ExplainOneReply, InspectReply, PredictReply, WorkerTask } from '../jobs/worker-protocol';
import type { TrustReport } from '../analysis/trust-check';
import type { TrustSample } from '../analysis/trust-sample';

export interface ModelRef {
  path: string;
  hash: string;
}

/** Images per predict task: big enough to amortise a task, small enough to keep the thread answering. */
export const PREDICT_BATCH = 32;

export class ModelService {
  private pool: Promise<Piscina<WorkerTask, unknown>> | null = null;

  constructor(private readonly workerFile = defaultWorkerFile()) {}

  /** One pool, made on the first request: a back end that only exports never loads it. */
  private worker(): Promise<Piscina<WorkerTask, unknown>> {
    // Idle for five minutes: the thread and its model go, and come back on the next request.
    this.pool ??= import('piscina').then(({ Piscina }) => new Piscina<WorkerTask, unknown>({ filename: this.workerFile, minThreads: 0, maxThreads: 1, idleTimeout: 300_000 }));
    return this.pool;
  }

  async inspect(model: ModelRef): Promise<{ layers: LayerInfo[]; defaultLayer: string; backend: string }> {
    try {
      return (await (await this.worker()).run({ kind: 'inspect', modelPath: model.path, modelHash: model.hash })) as InspectReply;
    } catch (error) {
      throw new CallError('invalid-input', `cannot load ${model.path}: ${(error as Error).message}`);
    }
  }

  async explainOne(
    model: ModelRef,
    request: { layer: string; method: MethodName; target: number; rgb: Uint8Array },
  ): Promise<{ map: EncodedMap; backend: string; layer: string }> {
    try {
      return (await (await this.worker()).run({ kind: 'explain-one', modelPath: model.path, modelHash: model.hash, ...request })) as ExplainOneReply;
    } catch (error) {
      throw new CallError('internal', `${request.method} failed: ${(error as Error).message}`);
    }
  }

  /** The sanity and faithfulness checks on a sample; seconds of model work, off the main thread. */
  async checkTrust(model: ModelRef, sample: TrustSample, request: { layer: string; method: MethodName }): Promise<TrustReport> {
    try {
      const task: WorkerTask = { kind: 'trust', modelPath: model.path, modelHash: model.hash, root: sample.root, images: sample.images, ...request };
      return (await (await this.worker()).run(task)) as TrustReport;
    } catch (error) {
      throw new CallError('internal', `the trust checks failed: ${(error as Error).message}`);
    }
  }

  /**
   * Class probabilities of images at the model's input size (RGB bytes), in tasks of
   * PREDICT_BATCH: the causal tests of concepts send a few hundred edited images.
   */
  async predict(model: ModelRef, images: readonly Uint8Array[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    try {
      const pool = await this.worker();
      for (let start = 0; start < images.length; start += PREDICT_BATCH) {
        const task: WorkerTask = { kind: 'predict', modelPath: model.path, modelHash: model.hash, images: images.slice(start, start + PREDICT_BATCH) };
        out.push(...((await pool.run(task)) as PredictReply).probabilities);
      }
    } catch (error) {
      throw new CallError('internal', `the model could not predict the edited images: ${(error as Error).message}`);
    }
    return out;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await (await pool)?.destroy();
  }
}
