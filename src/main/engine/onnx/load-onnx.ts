/**
 * Opens an ONNX model (e.g. `torch.onnx.export`) with its sidecar, checks that it is
 * an image classifier biascope can explain, and says precisely what is wrong if not.
 */
import path from 'node:path';
import { ModelConfigSchema, describeIssues, type ModelConfig } from '../../../shared/model-config';
import { EngineError } from '../errors';
import { ONNX_MAX_BYTES, readModelFile } from '../model/model-files';
import { SIDECAR_NAME, readJson } from '../model/sidecar';
import { toGraph, DATA_TYPE, type OnnxGraph, type OnnxNode, type ValueDecl } from './graph';
import { defaultLayerTensor } from './modules';
import { OnnxNetwork, type OnnxInput } from './onnx-network';
import { decodeModelProto } from './proto';
import { checkDevice, type RuntimeOptions } from './runtime';

/** Ops of quantised models: ONNX Runtime runs them, but their maps would not be differentiable. */
const QUANTISED = new Set(['QLinearConv', 'QLinearMatMul', 'QuantizeLinear', 'DequantizeLinear', 'ConvInteger', 'MatMulInteger']);
const SQUASHING = new Set(['Softmax', 'LogSoftmax', 'Sigmoid']);

export interface LoadedOnnx {
  network: OnnxNetwork;
  config: ModelConfig;
  configSource: string;
}

function describeDims(decl: ValueDecl): string {
  return decl.dims ? `[${decl.dims.map((d) => d ?? '?').join(', ')}]` : 'an unknown shape';
}

export function decodeOnnx(bytes: Uint8Array, source: string, weights = true): OnnxGraph {
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    throw new EngineError('model-invalid', `${source} is not an ONNX model: it holds JSON (a TensorFlow.js model is opened by its model.json)`);
  }
  if (bytes.length === 0) throw new EngineError('model-invalid', `${source} is empty`);
  let raw;
  try {
    raw = decodeModelProto(bytes);
  } catch (error) {
    const message = (error as Error).message;
    const truncated = /index out of range|invalid wire type|length/i.test(message);
    throw new EngineError(
      'model-invalid',
      `${source} is not a readable ONNX model (${truncated ? 'truncated, or not an ONNX file' : message}): export it with torch.onnx.export`,
    );
  }
  if (!raw.graph) throw new EngineError('model-invalid', `${source} is not an ONNX model: it has no graph`);
  return toGraph(raw, source, { weights });
}

function inputOf(graph: OnnxGraph, source: string): { input: OnnxInput; size: [number, number] | null } {
  if (graph.inputs.length !== 1) {
    const names = graph.inputs.map((i) => `"${i.name}" ${describeDims(i)}`).join(', ');
    throw new EngineError('model-invalid', `${source}: the model takes ${graph.inputs.length} inputs (${names}); biascope explains models with one image input`);
  }
  const decl = graph.inputs[0]!;
  if (decl.elemType !== DATA_TYPE.FLOAT) {
    throw new EngineError('model-invalid', `${source}: input "${decl.name}" has element type ${decl.elemType}; biascope feeds float32 images (export with a float input)`);
  }
  const dims = decl.dims;
  if (!dims || dims.length !== 4) {
    throw new EngineError('model-invalid', `${source}: input "${decl.name}" has shape ${describeDims(decl)}; expected 4-D images [batch, 3, height, width] or [batch, height, width, 3]`);
  }
  const layout = dims[1] === 3 ? 'NCHW' : dims[3] === 3 ? 'NHWC' : null;
  if (!layout) {
    throw new EngineError('model-invalid', `${source}: input "${decl.name}" has shape ${describeDims(decl)}: no axis of 3 colour channels; biascope feeds RGB images`);
  }
  const [h, w] = layout === 'NCHW' ? [dims[2], dims[3]] : [dims[1], dims[2]];
  const size = typeof h === 'number' && typeof w === 'number' ? ([h, w] as [number, number]) : null;
  return { input: { name: decl.name, layout, fixedBatch: typeof dims[0] === 'number' ? dims[0] : null }, size };
}

function outputOf(graph: OnnxGraph, source: string): { outputName: string; logitsName: string; endsInSoftmax: boolean } {
  if (graph.outputs.length !== 1) {
    const names = graph.outputs.map((o) => `"${o.name}" ${describeDims(o)}`).join(', ');
    throw new EngineError('model-invalid', `${source}: the model has ${graph.outputs.length} outputs (${names}); biascope explains classifiers with one output of [batch, classes]`);
  }
  const out = graph.outputs[0]!;
  if (out.dims && out.dims.length !== 2) {
    throw new EngineError(
      'model-invalid',
      `${source}: output "${out.name}" has shape ${describeDims(out)}; biascope explains classifiers whose output is [batch, classes] (a detector or segmenter is not one)`,
    );
  }
  const producer = new Map<string, OnnxNode>();
  for (const node of graph.nodes) for (const o of node.outputs) producer.set(o, node);
  let last = producer.get(out.name);
  while (last && last.opType === 'Identity' && producer.has(last.inputs[0] ?? '')) last = producer.get(last.inputs[0]!);
  if (last && SQUASHING.has(last.opType)) return { outputName: out.name, logitsName: last.inputs[0]!, endsInSoftmax: true };
  return { outputName: out.name, logitsName: out.name, endsInSoftmax: false };
}

/** Class names from the ONNX metadata: "classes" (a JSON array) or "names" (Ultralytics' {0: 'a', ...}). */
export function classesFromMetadata(metadata: Map<string, string>): string[] | null {
  const classes = metadata.get('classes');
  if (classes) {
    try {
      const parsed: unknown = JSON.parse(classes);
      if (Array.isArray(parsed) && parsed.every((c) => typeof c === 'string')) return parsed as string[];
    } catch {
      // fall through to "names"
    }
  }
  const names = metadata.get('names');
  if (names) {
    const entries = [...names.matchAll(/(\d+)\s*:\s*['"]([^'"]*)['"]/g)].map((m) => [Number(m[1]), m[2]!] as const);
    if (entries.length > 0) return entries.sort((a, b) => a[0] - b[0]).map(([, n]) => n);
  }
  return null;
}


/**
 * The sidecar may leave out what the ONNX file says itself: the input size when it
 * is fixed, the class names when the metadata holds them.
 */
async function configFor(modelPath: string, graph: OnnxGraph, size: [number, number] | null): Promise<{ config: ModelConfig; source: string }> {
  const source = path.join(path.dirname(modelPath), SIDECAR_NAME);
  const json = await readJson(source);
  if (json !== undefined && (typeof json !== 'object' || json === null || Array.isArray(json))) {
    throw new EngineError('config-invalid', `${source}: expected a JSON object`);
  }
  const sidecar = (json ?? {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...sidecar };
  merged['classes'] ??= classesFromMetadata(graph.metadata) ?? undefined;
  merged['inputSize'] ??= size ?? undefined;
  if (merged['classes'] === undefined || merged['inputSize'] === undefined || merged['preprocess'] === undefined) {
    const missing = ['classes', 'inputSize', 'preprocess'].filter((k) => merged[k] === undefined);
    throw new EngineError(
      'config-invalid',
      `${source}: ${missing.join(', ')} missing for ${path.basename(modelPath)}; write a ${SIDECAR_NAME} beside it, e.g. ` +
        '{"classes": ["doctor", "nurse"], "inputSize": [224, 224], "preprocess": {"scale": {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}}}',
    );
  }
  const parsed = ModelConfigSchema.safeParse(merged);
  if (!parsed.success) throw new EngineError('config-invalid', `${source}: ${describeIssues(parsed.error)}`);
  return { config: parsed.data, source };
}

/** An ONNX file read and checked, with its configuration; no runtime is started. */
export interface OnnxDescription {
  bytes: Uint8Array;
  graph: OnnxGraph;
  input: OnnxInput;
  output: { outputName: string; logitsName: string; endsInSoftmax: boolean };
  config: ModelConfig;
  configSource: string;
}

/** `weights: false` (identifying a model for the cache) leaves the float weights unread. */
export async function describeOnnx(modelPath: string, { weights = true }: { weights?: boolean } = {}): Promise<OnnxDescription> {
  const bytes: Uint8Array = await readModelFile(modelPath, { what: 'model file', maxBytes: ONNX_MAX_BYTES });
  const graph = decodeOnnx(bytes, modelPath, weights);
  const quantised = graph.nodes.find((n) => QUANTISED.has(n.opType));
  if (quantised) {
    throw new EngineError('model-invalid', `${modelPath}: a quantised model (${quantised.opType} at node "${quantised.name}"); explain the float model it was made from`);
  }
  if (graph.opset > 0 && graph.opset < 9) throw new EngineError('model-invalid', `${modelPath}: opset ${graph.opset} is too old; export with opset_version=17`);
  const { input, size } = inputOf(graph, modelPath);
  const output = outputOf(graph, modelPath);
  const { config, source } = await configFor(modelPath, graph, size);
  if (size && (size[0] !== config.inputSize[0] || size[1] !== config.inputSize[1])) {
    throw new EngineError('config-invalid', `${source}: field "inputSize" is [${config.inputSize.join(', ')}] but the model takes ${size[0]}x${size[1]} images`);
  }
  return { bytes, graph, input, output, config, configSource: source };
}

export async function loadOnnx(modelPath: string, runtime: RuntimeOptions = {}): Promise<LoadedOnnx> {
  checkDevice(runtime.device);
  const { bytes, graph, input, output, config, configSource } = await describeOnnx(modelPath);
  const network = new OnnxNetwork({ source: modelPath, bytes, graph, input, ...output, inputShape: [config.inputSize[0], config.inputSize[1], 3], runtime });
  try {
    await network.describe((isSpatial) => defaultLayerTensor(graph, output.logitsName, isSpatial));
  } catch (error) {
    network.dispose();
    throw error;
  }
  return { network, config, configSource };
}
