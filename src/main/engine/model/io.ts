/**
 * Reads a TensorFlow.js model (model.json + weight shards) from disk, with errors
 * that name the file and what is wrong with it. tfjs's own file:// loader needs
 * tfjs-node; this one works on every backend.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { EngineError } from '../errors';

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
  let text: string;
  try {
    text = await readFile(modelPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EngineError('model-not-found', `cannot read model file ${modelPath}: ${code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EngineError('model-invalid', `${modelPath} is not valid JSON: ${(error as Error).message}`);
  }
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
  return model;
}

/** Reads every weight shard the manifest names, in order, into one buffer. */
async function readWeights(modelPath: string, manifest: io.WeightsManifestConfig): Promise<ArrayBuffer> {
  const dir = path.dirname(modelPath);
  const buffers: Uint8Array[] = [];
  for (const group of manifest) {
    for (const shard of group.paths) {
      const shardPath = path.resolve(dir, shard);
      if (path.relative(dir, shardPath).startsWith('..')) {
        throw new EngineError('model-invalid', `${modelPath}: weight shard "${shard}" points outside the model folder`);
      }
      try {
        buffers.push(await readFile(shardPath));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new EngineError('model-invalid', `${modelPath}: weight shard "${shard}" cannot be read (${code ?? String(error)})`);
      }
    }
  }
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const expected = manifest
    .flatMap((g) => g.weights)
    .reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * bytesPerElement(w.dtype, w.quantization?.dtype), 0);
  if (total < expected) {
    const shards = manifest.flatMap((g) => g.paths).join(', ');
    throw new EngineError(
      'model-invalid',
      `${modelPath}: weight shards hold ${total} bytes but the manifest describes ${expected} (truncated or wrong shard: ${shards})`,
    );
  }
  const joined = new Uint8Array(total);
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
