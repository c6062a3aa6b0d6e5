/**
 * One audit worker thread: holds its own model, explains a batch, and computes each
 * map's attention statistics here, so the main thread only decodes and writes.
 */
import os from 'node:os';
import { decodeMap, encodeMap } from '../../shared/map-codec';
import { mapFrame } from '../../shared/map-frame';
import type { ModelConfig } from '../../shared/model-config';
import { attentionStats } from '../analysis/attention';
import { componentsToStore } from '../analysis/concepts/stored';
import { regionsKey } from '../analysis/region-key';
import { describeBackend, initBackend, isTfjsNodeHint } from '../engine/backend';
import { explainBatch, type ImageExplanation } from '../engine/explain';
import { loadModel, type LoadedModel } from '../engine/model/load';
import { predictBatch } from '../engine/predict';
import type { ImageResult, MapToStore } from '../store/types';
import { trustOfSample, type TrustReport } from '../analysis/trust-check';
import type {
  ExplainOneReply,
  ExplainOneTask,
  ExplainReply,
  ExplainTask,
  InspectReply,
  InspectTask,
  PredictReply,
  PredictTask,
  TaskImage,
  WorkerTask,
} from './worker-protocol';

interface Held {
  key: string;
  model: LoadedModel;
  backend: string;
}

let held: Promise<Held> | null = null;

// A worker's console goes to the process's stderr: the tfjs-node hint has no place there.
for (const method of ['log', 'warn'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    if (!isTfjsNodeHint(args)) original(...args);
  };
}

/** What ran the model: tfjs's backend, and ONNX Runtime for ONNX models. */
function describeRuntime(model: LoadedModel, backend: string, task: WorkerTask): string {
  if (model.network.kind !== 'onnx') return backend;
  const runtime = 'runtime' in task ? task.runtime : undefined;
  const threads = runtime?.threads ?? os.availableParallelism();
  const device = (model.network as { device?: string }).device ?? 'cpu';
  return `ONNX Runtime (${device}, ${threads} thread${threads === 1 ? '' : 's'}) + tfjs ${backend} for gradients`;
}

async function hold(task: WorkerTask): Promise<Held> {
  const runtime = 'runtime' in task ? task.runtime : undefined;
  const key = `${task.modelPath}\n${task.modelHash}\n${task.backend ?? ''}\n${JSON.stringify(runtime ?? {})}`;
  const current = held ? await held.catch(() => null) : null;
  if (current?.key === key) return current;
  current?.model.network.dispose();
  held = (async () => {
    const backend = describeBackend(await initBackend(task.backend));
    const model = await loadModel(task.modelPath, runtime ?? {});
    return { key, model, backend };
  })();
  // A failed load must not stick: the next task tries again and reports its own error.
  held.catch(() => (held = null));
  return held;
}

function toResult(image: TaskImage, explanation: ImageExplanation, config: ModelConfig, descriptorLayer: string | undefined): ImageResult {
  const [best] = explanation.predictions;
  if (!best) throw new Error('the model returned no predictions');
  const seen = new Set<string>();
  const maps: MapToStore[] = [];
  const frame = mapFrame(image, config.preprocess);
  for (const { method, target, map } of explanation.maps) {
    const key = `${method}:${target.index}`;
    if (seen.has(key)) continue; // the label slot repeats the predicted class when they agree
    seen.add(key);
    const encoded = encodeMap(map);
    // Measured on the map as stored, so statistics measured again later from the
    // store (after regions change) are the same numbers to the last bit.
    const stats = attentionStats(decodeMap(encoded), image, image.regions, { frame });
    const descriptor = explanation.descriptor;
    // Components from the raw map, described by the same forward pass's descriptor.
    const components = descriptorLayer !== undefined && descriptor ? { descriptorLayer, items: componentsToStore(map, descriptor) } : undefined;
    maps.push({ method, target: target.index, width: map.width, height: map.height, blob: encoded.bytes, stats, ...(components ? { components } : {}) });
  }
  return {
    contentId: image.contentId,
    width: image.width,
    height: image.height,
    prediction: {
      predicted: best.index,
      prob: best.prob,
      logit: best.logit,
      top: explanation.predictions.map(({ index, logit, prob }) => ({ index, logit, prob })),
    },
    maps,
    regionsKey: regionsKey(image, image.regions),
  };
}

async function explainTask(task: ExplainTask): Promise<ExplainReply> {
  const { model, backend } = await hold(task);
  const layer = task.layer ?? model.defaultLayer;
  const descriptorLayer = task.concepts ? descriptorLayerOf(model, layer, task.concepts.layer) : undefined;
  const named = descriptorLayer === undefined ? {} : { descriptorLayer };
  // No images: a probe that loads the model and checks the layer (and the descriptor's).
  if (task.images.length === 0) {
    model.network.split(layer);
    if (descriptorLayer !== undefined) model.network.split(descriptorLayer);
    return { backend: describeRuntime(model, backend, task), layer, results: [], ...named };
  }
  const rgb = task.images.map((image) => ({ width: model.config.inputSize[1], height: model.config.inputSize[0], data: image.rgb }));
  const target =
    task.targets === 'all'
      ? ({ kind: 'all' } as const)
      : task.targets === 'label'
        ? ({ kind: 'predicted-and', classes: task.images.map((image) => image.extraTarget) } as const)
        : ({ kind: 'predicted' } as const);
  const explanations = await explainBatch(model, rgb, { methods: task.methods, layer, target, topK: task.topK, ...(descriptorLayer ? { descriptor: descriptorLayer } : {}) });
  // Described after the run: ONNX Runtime settles on CUDA or the CPU when it first runs.
  const results = task.images.map((image, i) => toResult(image, explanations[i]!, model.config, descriptorLayer));
  return { backend: describeRuntime(model, backend, task), layer, results, ...named };
}

/** The descriptor layer of the concepts: the one named, else the layer feeding the explained one. */
function descriptorLayerOf(model: LoadedModel, layer: string, asked: string | true): string {
  if (asked !== true) return asked;
  const found = model.network.descriptorLayer(layer);
  if (found === null) throw new Error(`layer "${layer}" reads the input image: name a concept layer (--concept-layer) to describe its maps by`);
  return found;
}

async function inspectTask(task: InspectTask): Promise<InspectReply> {
  const { model, backend } = await hold(task);
  return { backend: describeRuntime(model, backend, task), layers: model.network.layers, defaultLayer: model.defaultLayer };
}

async function explainOneTask(task: ExplainOneTask): Promise<ExplainOneReply> {
  const { model, backend } = await hold(task);
  const [height, width] = model.config.inputSize;
  const [explanation] = await explainBatch(model, [{ width, height, data: task.rgb }], {
    methods: [task.method],
    layer: task.layer,
    target: { kind: 'class', index: task.target },
    topK: 1,
  });
  const map = explanation?.maps[0]?.map;
  if (!map) throw new Error(`${task.method} produced no map`);
  return { backend: describeRuntime(model, backend, task), layer: task.layer, map: encodeMap(map) };
}

async function predictTask(task: PredictTask): Promise<PredictReply> {
  const { model } = await hold(task);
  const [height, width] = model.config.inputSize;
  return { probabilities: await predictBatch(model, task.images.map((data) => ({ width, height, data }))) };
}

/** The one entry Piscina calls: a batch of an audit, or a request of the app. */
export default function runTask(task: WorkerTask): Promise<ExplainReply | InspectReply | ExplainOneReply | TrustReport | PredictReply> {
  if (!('kind' in task)) return explainTask(task);
  if (task.kind === 'predict') return predictTask(task);
  if (task.kind === 'trust') {
    const { modelPath, root, images, layer, method, backend } = task;
    return trustOfSample({ model: modelPath, root, images }, { layer, method, ...(backend ? { backend } : {}) });
  }
  return task.kind === 'inspect' ? inspectTask(task) : explainOneTask(task);
}
