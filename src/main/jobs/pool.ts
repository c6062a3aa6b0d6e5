/**
 * The worker threads of an audit, on Piscina: a maintained pool that queues tasks,
 * replaces a worker that dies, and terminates one whose task is aborted (which is
 * how cancel stops within a second even mid-batch).
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import type { ExplainReply, ExplainTask } from './worker-protocol';
import { defaultWorkerFile } from './worker-file';

export { defaultWorkerFile };

export interface ExplainPool {
  readonly size: number;
  run(task: ExplainTask, signal?: AbortSignal): Promise<ExplainReply>;
  close(): Promise<void>;
}

export function defaultWorkerCount(): number {
  return Math.max(1, os.availableParallelism());
}

export function createExplainPool(size: number, workerFile = defaultWorkerFile()): ExplainPool {
  const pool = new Piscina<ExplainTask, ExplainReply>({
    filename: workerFile,
    minThreads: size,
    maxThreads: size,
    // One batch at a time per thread: tfjs work is synchronous, more would only queue.
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
  });
  return {
    size,
    run: (task, signal) => pool.run(task, signal ? { signal } : {}),
    close: () => pool.destroy(),
  };
}

/**
 * A batch far slower than any model runs: the worker is stopped and the batch retried.
 * Generous, since a large model on a slow CPU takes seconds an image with its gradients.
 */
export function batchTimeoutMs(images: number): number {
  return 120_000 + 30_000 * images;
}

/** One try, stopped (its worker thread ended) when it outlasts `limitMs` or `signal` aborts. */
export async function runWithin(pool: ExplainPool, task: ExplainTask, limitMs: number, signal?: AbortSignal): Promise<ExplainReply> {
  const timeout = AbortSignal.timeout(limitMs);
  try {
    return await pool.run(task, signal ? AbortSignal.any([signal, timeout]) : timeout);
  } catch (error) {
    if (timeout.aborted && !signal?.aborted) throw new Error(`no answer after ${Math.round(limitMs / 1000)} s: the worker hung and was stopped`, { cause: error });
    throw error;
  }
}
