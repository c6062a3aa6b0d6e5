/** Loads the model --model names for the engine tools (explain, layers), on a quiet backend. */
import { CallError } from '../../shared/errors';
import type { BackendName } from '../../shared/audit';
import { EngineError } from '../engine/errors';
import type { LoadedModel } from '../engine/model/load';
import type { RuntimeOptions } from '../engine/onnx/runtime';
import { resolveModelPath } from './model-file';

export { resolveModelPath };

/** The engine's failures in the contract's words: the command line has one error vocabulary. */
export function asCallError(error: unknown): unknown {
  return error instanceof EngineError ? new CallError('invalid-input', error.message) : error;
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
  // TensorFlow.js loads here, not with this module: nothing else of the CLI needs it.
  const [{ startBackend }, { loadModel }] = await Promise.all([import('./backend'), import('../engine/model/load')]);
  await startBackend(backend, log);
  let model: LoadedModel;
  try {
    model = await loadModel(modelPath, runtime);
  } catch (error) {
    throw asCallError(error);
  }
  try {
    return await fn(model);
  } catch (error) {
    throw asCallError(error);
  } finally {
    model.network.dispose();
  }
}
