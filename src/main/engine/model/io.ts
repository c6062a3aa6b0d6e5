/**
 * Reads a TensorFlow.js model (model.json + weight shards) from disk, with errors
 * that name the file and what is wrong with it. tfjs's own file:// loader needs
 * tfjs-node; this one works on every backend.
 */
import path from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { EngineError } from '../errors';
import { MODEL_JSON_MAX_BYTES, parseJsonText, readModelFile } from './model-files';

export interface ModelJson {
  format?: string;
  generatedBy?: string;
  modelTopology?: object;
  weightsManifest?: io.WeightsManifestConfig;
  signature?: object;
  userDefinedMetadata?: Record<string, object>;
  modelInitializer?: object;
}

export async function readModelJson(modelPath: string): Promise<ModelJson> {
  const bytes = await readModelFile(modelPath, { what: 'model file', maxBytes: MODEL_JSON_MAX_BYTES });
  const json = parseJsonText(bytes, modelPath, 'a TensorFlow.js model.json', 'model-invalid');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new EngineError('model-invalid', `${modelPath}: expected a JSON object (a TensorFlow.js model.json)`);
  }
  const model = json as ModelJson;
  if (typeof model.modelTopology !== 'object' || model.modelTopology === null) {
    throw new EngineError('model-invalid', `${modelPath}: field "modelTopology" is missing; not a TensorFlow.js model.json`);
  }
  if (!Array.isArray(model.weightsManifest)) {
    throw new EngineError('model-invalid', `${modelPath}: field "weightsManifest" is missing or not an array`);
  }
  model.weightsManifest.forEach((group, g) => checkManifestGroup(group, `${modelPath}: weightsManifest[${g}]`));
  return model;
}

/** A manifest group as tfjs writes it: shard paths and weights with a name, a shape and a dtype. */
function checkManifestGroup(group: unknown, where: string): void {
  const g = group as { paths?: unknown; weights?: unknown } | null;
  if (typeof g !== 'object' || g === null) throw new EngineError('model-invalid', `${where} is not an object`);
  if (!Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string' && p !== '')) {
    throw new EngineError('model-invalid', `${where}: field "paths" must list the weight files by name`);
  }
  if (!Array.isArray(g.weights)) throw new EngineError('model-invalid', `${where}: field "weights" is missing or not an array`);
  for (const [i, w] of (g.weights as unknown[]).entries()) {
    const weight = w as { name?: unknown; shape?: unknown; dtype?: unknown } | null;
    const shapeOk = Array.isArray(weight?.shape) && weight.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
    if (typeof weight?.name !== 'string' || !shapeOk || typeof weight.dtype !== 'string') {
      throw new EngineError('model-invalid', `${where}.weights[${i}] needs a name, a shape of whole numbers and a dtype`);
    }
  }
}

/** The bytes the manifest's weights take, as tfjs will read them. */
export function manifestBytes(manifest: io.WeightsManifestConfig): number {
  return manifest.flatMap((g) => g.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * bytesPerElement(w.dtype, w.quantization?.dtype), 0);
}

/**
 * Every weight shard the manifest names, in order: each inside the model's folder (symlinks
 * followed), a regular file, and no larger than all the manifest's weights together, so a
 * manifest naming /dev/zero, a FIFO or a huge file is refused before it is read.
 */
export async function readWeightShards(modelPath: string, manifest: io.WeightsManifestConfig): Promise<Buffer[]> {
  const dir = path.dirname(modelPath);
  const expected = manifestBytes(manifest);
  const buffers: Buffer[] = [];
  for (const group of manifest) {
    for (const shard of group.paths) {
      buffers.push(await readModelFile(path.resolve(dir, shard), { what: `${modelPath}: weight shard`, maxBytes: expected, within: dir, missing: 'model-invalid' }));
    }
  }
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  if (total < expected) {
    const shards = manifest.flatMap((g) => g.paths).join(', ');
    throw new EngineError(
      'model-invalid',
      `${modelPath}: weight shards hold ${total} bytes but the manifest describes ${expected} (truncated or wrong shard: ${shards})`,
    );
  }
  return buffers;
}

/** Every weight shard the manifest names, in order, in one buffer. */
async function readWeights(modelPath: string, manifest: io.WeightsManifestConfig): Promise<ArrayBuffer> {
  const buffers = await readWeightShards(modelPath, manifest);
  const joined = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    joined.set(b, offset);
    offset += b.byteLength;
  }
  return joined.buffer;
}

function bytesPerElement(dtype: string, quantized?: string): number {
  if (quantized === 'uint8' || quantized === 'int8') return 1;
  if (quantized === 'uint16' || quantized === 'int16' || quantized === 'float16') return 2;
  return dtype === 'bool' ? 1 : 4;
}

/** A tfjs IOHandler over a model.json already read and checked. */
export function fileHandler(modelPath: string, json: ModelJson): io.IOHandler {
  return {
    load: async () => {
      const manifest = json.weightsManifest!;
      return {
        modelTopology: json.modelTopology,
        weightSpecs: manifest.flatMap((g) => g.weights),
        weightData: await readWeights(modelPath, manifest),
        format: json.format,
        generatedBy: json.generatedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        modelInitializer: json.modelInitializer,
      };
    },
  };
}

/** Whether model.json describes a GraphModel (converted SavedModel) or a LayersModel. */
export function modelKind(json: ModelJson): 'graph' | 'layers' {
  if (json.format === 'graph-model') return 'graph';
  if (json.format === 'layers-model') return 'layers';
  const topology = json.modelTopology as { node?: unknown; class_name?: unknown; model_config?: unknown };
  if (Array.isArray(topology.node)) return 'graph';
  return 'layers';
}

/**
 * Whether a path names an ONNX model rather than a TensorFlow.js model.json. Here rather
 * than in load.ts, which loads TensorFlow.js: identifying a model must not.
 */
export function isOnnxPath(modelPath: string): boolean {
  return path.extname(modelPath).toLowerCase() === '.onnx';
}
