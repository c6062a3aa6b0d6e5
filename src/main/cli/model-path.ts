/** Resolves what the user passed to --model (a model.json, or the folder holding one) and loads it. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors';
import { startBackend } from './backend';
import type { BackendName } from '../engine/backend';
import { loadModel, type LoadedModel } from '../engine/model/load';

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
  throw new CliError(`${given} is a folder without a model.json`);
}

/**
 * Resolves --model, starts the backend (quietly: stdout carries results only), loads
 * the model, runs `fn` with it and frees it afterwards.
 */
export async function withModel<T>(
  given: string,
  backend: BackendName | undefined,
  log: (line: string) => void,
  fn: (model: LoadedModel) => Promise<T>,
): Promise<T> {
  const modelPath = await resolveModelPath(given);
  await startBackend(backend, log);
  const model = await loadModel(modelPath);
  try {
    return await fn(model);
  } finally {
    model.network.dispose();
  }
}
