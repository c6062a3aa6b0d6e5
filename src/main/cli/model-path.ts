/** Resolves what the user passed to --model (a model.json, or the folder holding one) and loads it. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors';
import type { BackendName } from '../engine/backend';
import type { LoadedModel } from '../engine/model/load';
import type { RuntimeOptions } from '../engine/onnx/runtime';

async function kindOf(file: string): Promise<'file' | 'directory' | 'missing'> {
  try {
    return (await stat(file)).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

export async function resolveModelPath(given: string): Promise<string> {
  const kind = await kindOf(given);
  if (kind === 'file') return given;
  if (kind === 'missing') throw new CliError(`model not found: ${given}`);
  const inside = path.join(given, 'model.json');
  if ((await kindOf(inside)) === 'file') return inside;
  const onnx = (await readdir(given)).filter((name) => name.toLowerCase().endsWith('.onnx'));
  if (onnx.length === 1) return path.join(given, onnx[0]!);
  if (onnx.length > 1) throw new CliError(`${given} holds ${onnx.length} .onnx files (${onnx.join(', ')}): name one with --model`);
  throw new CliError(`${given} is a folder without a model.json or a .onnx file`);
}

/**
 * Resolves --model, starts the backend (quietly: stdout carries results only), loads
 * the model, runs `fn` with it and frees it afterwards.
 */
export async function withModel<T>(
  given: string,
  backend: BackendName | undefined,
  log: (line: string) => void,
  runtime: RuntimeOptions,
  fn: (model: LoadedModel) => Promise<T>,
): Promise<T> {
  const modelPath = await resolveModelPath(given);
  // TensorFlow.js loads here, not with this module: `biascope audit` resolves --model
  // too, and runs the model in its worker threads only.
  const [{ startBackend }, { loadModel }] = await Promise.all([import('./backend'), import('../engine/model/load')]);
  await startBackend(backend, log);
  const model = await loadModel(modelPath, runtime);
  try {
    return await fn(model);
  } finally {
    model.network.dispose();
  }
}
