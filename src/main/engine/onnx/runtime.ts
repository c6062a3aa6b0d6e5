/**
 * ONNX Runtime sessions (onnxruntime-node: native, multi-threaded). Threads are set
 * per session so that audit workers x threads stays within the cores given; CUDA is
 * used when asked (or, with "auto", when its provider is installed).
 */
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Device } from '../../../shared/audit';
import { EngineError } from '../errors';

export interface RuntimeOptions {
  /** Intra-op threads of each session; all cores when absent. */
  threads?: number;
  device?: Device;
}

export const CUDA_HINT =
  'ONNX Runtime\'s CUDA provider is not installed: with CUDA 12 and cuDNN 9 present, run ' +
  '`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node`';

/**
 * Whether ONNX Runtime's CUDA provider library is installed beside its binding: the
 * npm package ships the CPU one only, and its install step adds CUDA when asked.
 */
export function cudaInstalled(): boolean {
  try {
    const root = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const file = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return existsSync(path.join(root, 'bin', 'napi-v6', process.platform, process.arch, file));
  } catch {
    return false;
  }
}

/** Refuses --device cuda at once where the provider is missing, not at the first batch. */
export function checkDevice(device: Device | undefined): void {
  if (device === 'cuda' && !cudaInstalled()) throw new EngineError('backend-unavailable', `--device cuda: ${CUDA_HINT}`);
}

export async function createSession(
  bytes: Uint8Array,
  options: RuntimeOptions,
  source: string,
  optimization: 'basic' | 'all' = 'all',
): Promise<{ session: ort.InferenceSession; device: 'cpu' | 'cuda' }> {
  const threads = Math.max(1, options.threads ?? os.availableParallelism());
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: optimization,
  };
  // auto: the GPU when ONNX Runtime's CUDA provider is installed (and works), else the CPU.
  const device = options.device ?? 'auto';
  checkDevice(device);
  if (device === 'cuda' || (device === 'auto' && cudaInstalled())) {
    try {
      return { session: await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cuda', 'cpu'] }), device: 'cuda' };
    } catch (error) {
      if (device === 'cuda') throw new EngineError('backend-unavailable', `--device cuda: ${CUDA_HINT} (${firstLine(error)})`);
    }
  }
  try {
    return { session: await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cpu'] }), device: 'cpu' };
  } catch (error) {
    throw new EngineError('model-invalid', `${source}: ONNX Runtime cannot load the model: ${firstLine(error)}`);
  }
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]!;
}

export function floatTensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

export type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
