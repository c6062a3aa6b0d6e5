/**
 * What the cache knows a model by: a hash over everything that changes its maps
 * (model.json, every weight shard, the sidecar's settings). Reads files only: the
 * main process never loads TensorFlow.js, so a fully cached re-run stays fast.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ModelConfig } from '../../shared/model-config';
import { isOnnxPath, modelKind, readModelJson, readWeightShards } from '../engine/model/io';
import { MODEL_JSON_MAX_BYTES, readModelFile } from '../engine/model/model-files';
import { readSidecar } from '../engine/model/sidecar';

export interface ModelIdentity {
  /** Absolute path of model.json or the .onnx file. */
  path: string;
  hash: string;
  kind: 'layers' | 'graph' | 'onnx';
  config: ModelConfig;
}

export async function identifyModel(modelPath: string): Promise<ModelIdentity> {
  const absolute = path.resolve(modelPath);
  const hash = createHash('sha256');
  // Lengths before contents: no two different file sets hash the same by shifting bytes.
  const add = (bytes: Uint8Array | string) => {
    hash.update(`${typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength}:`);
    hash.update(bytes);
  };
  if (isOnnxPath(absolute)) {
    // One self-contained file; the configuration may come partly from its metadata.
    // Imported here: its module loads ONNX Runtime, which a TensorFlow.js model never needs.
    const { describeOnnx } = await import('../engine/onnx/load-onnx');
    const onnx = await describeOnnx(absolute, { weights: false });
    add(onnx.bytes);
    add(JSON.stringify(onnx.config));
    return { path: absolute, hash: hash.digest('hex'), kind: 'onnx', config: onnx.config };
  }
  const json = await readModelJson(absolute);
  const { config } = await readSidecar(absolute);
  add(await readModelFile(absolute, { what: 'model file', maxBytes: MODEL_JSON_MAX_BYTES }));
  // The same confined, capped reader as loading: a hostile manifest is refused here first.
  for (const shard of await readWeightShards(absolute, json.weightsManifest ?? [])) add(shard);
  add(JSON.stringify(config));
  return { path: absolute, hash: hash.digest('hex'), kind: modelKind(json), config };
}
