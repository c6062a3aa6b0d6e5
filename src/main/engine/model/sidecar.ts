/**
 * Finds and validates what tfjs cannot say about a model: `biascope.json` beside
 * model.json, or a Teachable Machine `metadata.json`.
 */
import path from 'node:path';
import { ModelConfigSchema, describeIssues, type ModelConfig } from '../../../shared/model-config';
import { EngineError } from '../errors';
import { parseJsonText, readModelFile, SIDECAR_MAX_BYTES } from './model-files';

export const SIDECAR_NAME = 'biascope.json';

export interface Sidecar {
  config: ModelConfig;
  /** The file it came from. */
  source: string;
}

/** A JSON file's value; undefined when the file does not exist. */
export async function readJson(file: string): Promise<unknown | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readModelFile(file, { what: 'settings file', maxBytes: SIDECAR_MAX_BYTES, missing: 'model-not-found', invalid: 'config-invalid' });
  } catch (error) {
    if ((error as EngineError).kind === 'model-not-found') return undefined;
    throw error;
  }
  return parseJsonText(bytes, file, 'a settings file', 'config-invalid');
}

export function parseSidecar(json: unknown, source: string): Sidecar {
  const parsed = ModelConfigSchema.safeParse(json);
  if (!parsed.success) throw new EngineError('config-invalid', `${source}: ${describeIssues(parsed.error)}`);
  return { config: parsed.data, source };
}

/** Teachable Machine image models: labels, a square image size, input scaled to -1..1. */
export function fromTeachableMachine(json: unknown, source: string): Sidecar {
  const meta = json as { labels?: unknown; imageSize?: unknown };
  if (!Array.isArray(meta.labels) || !meta.labels.every((l) => typeof l === 'string')) {
    throw new EngineError('config-invalid', `${source}: field "labels" must be an array of class names`);
  }
  const size = typeof meta.imageSize === 'number' ? meta.imageSize : 224;
  return parseSidecar(
    { classes: meta.labels, inputSize: [size, size], preprocess: { scale: '-1..1' } },
    source,
  );
}

export async function readSidecar(modelPath: string): Promise<Sidecar> {
  const dir = path.dirname(modelPath);
  const own = path.join(dir, SIDECAR_NAME);
  const ownJson = await readJson(own);
  if (ownJson !== undefined) return parseSidecar(ownJson, own);
  const tm = path.join(dir, 'metadata.json');
  const tmJson = await readJson(tm);
  if (tmJson !== undefined) return fromTeachableMachine(tmJson, tm);
  throw new EngineError(
    'config-invalid',
    `no ${SIDECAR_NAME} beside ${modelPath}: write one saying what tfjs cannot, e.g. ` +
      '{"classes": ["doctor", "nurse"], "inputSize": [224, 224], "preprocess": {"scale": "0..1"}}',
  );
}
