/**
 * PyTorch module paths recovered from an exported graph, so a user names layers as in
 * their model code (`layer4`, `features.18`). The TorchScript exporter names nodes by
 * scope (`/layer4/layer4.1/relu_1/Relu`); the dynamo exporter records the scopes in
 * each node's metadata. A module's output is the output of its last node.
 */
import type { OnnxGraph, OnnxNode } from './graph';

/** Full dotted paths of the modules a node belongs to, outermost first. */
export function scopesOf(node: OnnxNode): string[] {
  const segments = node.scopes ?? (node.name.startsWith('/') ? node.name.split('/').filter(Boolean).slice(0, -1) : []);
  const paths: string[] = [];
  for (const segment of segments) paths.push(joinScope(paths.at(-1) ?? '', segment));
  return paths;
}

/**
 * TorchScript names a scope relative to its parent's own attribute: under
 * `features.1.conv` the child is `conv.0`, under `layer4` it is `layer4.1`, under
 * `layer4.1` a leaf is `relu_1`. The overlap is written once in the full path.
 */
export function joinScope(parent: string, segment: string): string {
  if (!parent) return segment;
  const p = parent.split('.');
  const s = segment.split('.');
  for (let k = Math.min(p.length, s.length - 1); k >= 1; k--) {
    if (p.slice(-k).every((part, i) => part === s[i])) return [...p.slice(0, -k), ...s].join('.');
  }
  return `${parent}.${segment}`;
}

export interface ModuleInfo {
  path: string;
  /** The tensor the module outputs: the first output of its last node. */
  tensor: string;
  /** Index of its first and last node in graph order. */
  first: number;
  last: number;
  /** Op type of the last node. */
  op: string;
}

export function modulesOf(graph: OnnxGraph): Map<string, ModuleInfo> {
  const modules = new Map<string, ModuleInfo>();
  graph.nodes.forEach((node, index) => {
    for (const path of scopesOf(node)) {
      const known = modules.get(path);
      const entry = { path, tensor: node.outputs[0] ?? '', first: known?.first ?? index, last: index, op: node.opType };
      modules.set(path, entry);
    }
  });
  return modules;
}

const POOLS = new Set(['MaxPool', 'AveragePool', 'Identity', 'Dropout']);
/** Producers of shapes and constants, never of a feature map. */
const SHAPE_OPS = new Set(['Shape', 'Constant', 'Size', 'ConstantOfShape']);
const WEIGHTED = new Set(['Conv', 'Gemm', 'MatMul', 'ConvTranspose']);

/**
 * The tensor Grad-CAM reads by default: the last spatial feature map before the
 * network collapses it, found by walking back from the logits along the data path
 * (so a squeeze-excite block's pooling inside the backbone is never taken for the
 * head's), then back through pooling as pytorch-grad-cam's usual picks do (VGG:
 * `features.29`, not the pool after it).
 */
export function defaultLayerTensor(graph: OnnxGraph, logitsName: string, isSpatial: (tensor: string) => boolean): string | null {
  const producer = new Map<string, OnnxNode>();
  for (const node of graph.nodes) for (const out of node.outputs) producer.set(out, node);
  let tensor = logitsName;
  const seen = new Set<OnnxNode>();
  while (!isSpatial(tensor)) {
    const node = producer.get(tensor);
    if (!node || seen.has(node)) return null;
    seen.add(node);
    // The data input: the first one computed by the graph (shapes and weights are not).
    const next = [node.inputs[0], ...node.inputs.slice(1)].find((i) => i && producer.has(i) && !SHAPE_OPS.has(producer.get(i)!.opType));
    if (!next) return null;
    tensor = next;
  }
  for (let node = producer.get(tensor); node && POOLS.has(node.opType); node = producer.get(tensor)) {
    const input = node.inputs[0];
    if (!input || !producer.has(input)) break;
    tensor = input;
  }
  return tensor;
}

/**
 * The name to show for a tensor: the shortest module path ending at it, leaving out
 * backbones, containers that run from the network's first weighted node through
 * others (`features` in mobilenet_v2 is the whole backbone, `features.18` the layer).
 */
export function moduleNameOf(tensor: string, modules: Map<string, ModuleInfo>, graph: OnnxGraph): string | null {
  const weighted = graph.nodes.flatMap((n, i) => (WEIGHTED.has(n.opType) ? [i] : []));
  const isBackbone = (m: ModuleInfo) => m.first <= weighted[0]! && weighted.filter((i) => m.first <= i && i <= m.last).length > 1;
  const ending = [...modules.values()].filter((m) => m.tensor === tensor);
  const parts = ending.filter((m) => !isBackbone(m));
  const pick = (list: ModuleInfo[]) => list.sort((a, b) => a.path.split('.').length - b.path.split('.').length || a.path.length - b.path.length)[0];
  return (pick(parts) ?? pick(ending))?.path ?? null;
}

/** Ops that transform each position on their own: with the op before them they make one layer. */
const PER_POSITION = new Set([
  'Relu',
  'Clip',
  'LeakyRelu',
  'PRelu',
  'Elu',
  'Selu',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'Softplus',
  'Gelu',
  'BatchNormalization',
  'InstanceNormalization',
  'Identity',
  'Dropout',
]);

/**
 * The tensor that feeds an explained layer, for describing its maps by the features
 * it read. For a module: the input of its first node that reads a tensor from outside
 * the module (`layer4` -> the output of `layer3`). A module of per-position ops only
 * (a ReLU module after a conv module), or a bare tensor or node, is traced back along
 * the data path past those ops to the op that computed the features, and the tensor
 * entering that op is taken (`features.7` = ReLU6 after conv `features.6` -> the
 * output of `features.5`). Null when the path reaches no op (the model's input is
 * returned as is; the caller declines it); undefined when `tensor` is unknown.
 */
export function enteringTensor(graph: OnnxGraph, module: ModuleInfo | null, tensor: string | null): string | null | undefined {
  const producer = new Map<string, OnnxNode>();
  for (const node of graph.nodes) for (const out of node.outputs) producer.set(out, node);
  const inputs = new Set(graph.inputs.map((i) => i.name));
  // A data input: computed by the graph (not a weight, not a constant) or the model's input.
  const isData = (name: string) => name !== '' && (inputs.has(name) || (producer.has(name) && !SHAPE_OPS.has(producer.get(name)!.opType)));
  const dataInput = (node: OnnxNode) => node.inputs.find((name) => !graph.initializers.has(name) && isData(name)) ?? null;
  let start: string | null;
  if (module) {
    const inScope = graph.nodes.slice(module.first, module.last + 1).filter((n) => scopesOf(n).includes(module.path));
    const produced = new Set(inScope.flatMap((n) => n.outputs));
    const entering = inScope.flatMap((n) => n.inputs).find((name) => !produced.has(name) && !graph.initializers.has(name) && isData(name)) ?? null;
    if (!inScope.every((n) => PER_POSITION.has(n.opType) || SHAPE_OPS.has(n.opType))) return entering;
    start = entering;
  } else {
    if (tensor === null) return undefined;
    start = tensor;
  }
  let node = start === null ? undefined : producer.get(start);
  while (node && PER_POSITION.has(node.opType)) {
    const next = dataInput(node);
    node = next === null ? undefined : producer.get(next);
    if (!node) return next;
  }
  return node ? dataInput(node) : start;
}
