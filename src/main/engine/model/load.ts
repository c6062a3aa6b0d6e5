/** Loads a model from disk with its sidecar, and checks that the two agree. */
import path from 'node:path';
import { tf } from '../tf';
import type { ModelConfig } from '../../../shared/model-config';
import { EngineError } from '../errors';
import { fileHandler, isOnnxPath, modelKind, readModelJson, type ModelJson } from './io';
import { readSidecar } from './sidecar';
import type { Network } from './network';
import { LayersNetwork } from './layers-network';
import { GraphNetwork } from './graph-network';
import { loadOnnx } from '../onnx/load-onnx';
import type { RuntimeOptions } from '../onnx/runtime';

export { isOnnxPath };

export interface LoadedModel {
  /** Absolute path of model.json or the .onnx file. */
  path: string;
  config: ModelConfig;
  /** The sidecar file the config came from. */
  configSource: string;
  network: Network;
  /** The target layer used when none is asked for: the sidecar's, else the engine's pick. */
  defaultLayer: string;
}

async function loadNetwork(modelPath: string, json: ModelJson, config: ModelConfig): Promise<Network> {
  const handler = fileHandler(modelPath, json);
  try {
    if (modelKind(json) === 'graph') return new GraphNetwork(await tf.loadGraphModel(handler), config.inputSize);
    return new LayersNetwork(await tf.loadLayersModel(handler));
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('model-invalid', `${modelPath}: tfjs cannot build the model: ${(error as Error).message}`);
  }
}

function checkAgreement(network: Network, config: ModelConfig, source: string): void {
  if (config.classes.length !== network.outputUnits) {
    throw new EngineError(
      'config-invalid',
      `${source}: field "classes" lists ${config.classes.length} classes but the model outputs ${network.outputUnits} scores`,
    );
  }
  const [h, w, c] = network.inputShape;
  if (config.inputSize[0] !== h || config.inputSize[1] !== w) {
    throw new EngineError(
      'config-invalid',
      `${source}: field "inputSize" is [${config.inputSize.join(', ')}] but the model takes ${h}x${w} images`,
    );
  }
  if (c !== 3) throw new EngineError('model-invalid', `model takes ${c} channels; biascope feeds RGB (3 channels)`);
}

async function openNetwork(absolute: string, runtime: RuntimeOptions): Promise<{ network: Network; sidecar: { config: ModelConfig; source: string } }> {
  if (isOnnxPath(absolute)) {
    const onnx = await loadOnnx(absolute, runtime);
    return { network: onnx.network, sidecar: { config: onnx.config, source: onnx.configSource } };
  }
  const json = await readModelJson(absolute);
  const sidecar = await readSidecar(absolute);
  return { network: await loadNetwork(absolute, json, sidecar.config), sidecar };
}

/** Loads a TensorFlow.js model.json or an ONNX file; `runtime` sets ONNX Runtime's threads and device. */
export async function loadModel(modelPath: string, runtime: RuntimeOptions = {}): Promise<LoadedModel> {
  const absolute = path.resolve(modelPath);
  const { network, sidecar } = await openNetwork(absolute, runtime);
  try {
    checkAgreement(network, sidecar.config, sidecar.source);
    const layer = sidecar.config.layer ?? network.defaultLayer;
    if (!layer) throw new EngineError('layer-not-found', `${absolute}: the model has no layer with a 4-D output to explain`);
    if (sidecar.config.layer) network.split(sidecar.config.layer); // fails early, naming the field
    return { path: absolute, config: sidecar.config, configSource: sidecar.source, network, defaultLayer: layer };
  } catch (error) {
    network.dispose();
    if (error instanceof EngineError && error.kind === 'layer-not-found' && sidecar.config.layer) {
      throw new EngineError('config-invalid', `${sidecar.source}: field "layer": ${error.message}`);
    }
    throw error;
  }
}
