/**
 * Network over a tfjs GraphModel (a converted SavedModel). Any node can be fed or
 * fetched by name, so the split at a layer is two executions: input -> node, and
 * {input, node} -> logits (branches that skip the node are recomputed from input
 * and do not depend on the activation).
 */
import { tf } from '../tf';
import type { GraphModel, Tensor, Tensor2D, Tensor4D } from '../tf';
import { EngineError } from '../errors';
import type { CamHead, LayerInfo, Network, SplitNetwork } from './network';

/** The parts of tfjs-converter's graph that are not in its public types. */
interface GraphNode {
  name: string;
  op: string;
  inputs: GraphNode[];
  attrParams: Record<string, { value?: unknown } | undefined>;
}
interface ConverterGraph {
  nodes: Record<string, GraphNode>;
  inputs: GraphNode[];
  outputs: GraphNode[];
}

const FEATURE_OPS = new Set([
  'Conv2D',
  '_FusedConv2D',
  'FusedConv2D',
  'DepthwiseConv2dNative',
  'FusedDepthwiseConv2dNative',
  'Relu',
  'Relu6',
  'Elu',
  'FusedBatchNorm',
  'FusedBatchNormV3',
  'Add',
  'AddV2',
  'ConcatV2',
  'MaxPool',
  'AvgPool',
]);
const POOLING_OPS = new Set(['MaxPool', 'AvgPool']);
/**
 * Ops that transform each position on their own: with the conv before them they make
 * one layer (Conv2D -> BiasAdd -> Relu), whose input is what feeds the layer.
 */
const PER_POSITION_OPS = new Set([
  'BiasAdd',
  'Relu',
  'Relu6',
  'Elu',
  'Selu',
  'LeakyRelu',
  'Prelu',
  'Sigmoid',
  'Tanh',
  'FusedBatchNorm',
  'FusedBatchNormV3',
  'Identity',
]);

function graphOf(model: GraphModel): ConverterGraph {
  const executor = (model as unknown as { executor?: { graph?: ConverterGraph } }).executor;
  if (!executor?.graph) throw new EngineError('model-invalid', 'graph model has no executable graph');
  return executor.graph;
}

/** Nodes the output depends on, inputs first. */
function topologicalOrder(output: GraphNode): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<string>();
  const stack: { node: GraphNode; expanded: boolean }[] = [{ node: output, expanded: false }];
  while (stack.length) {
    const top = stack.pop()!;
    if (top.expanded) {
      order.push(top.node);
      continue;
    }
    if (seen.has(top.node.name)) continue;
    seen.add(top.node.name);
    stack.push({ node: top.node, expanded: true });
    for (const input of top.node.inputs) if (!seen.has(input.name)) stack.push({ node: input, expanded: false });
  }
  return order;
}

export class GraphNetwork implements Network {
  readonly kind = 'graph' as const;
  readonly inputShape: [number, number, number];
  readonly outputUnits: number;
  readonly layers: LayerInfo[];
  readonly defaultLayer: string | null;
  readonly endsInSoftmax: boolean;
  private readonly inputName: string;
  private readonly logitsName: string;
  private readonly nodes: Record<string, GraphNode>;

  constructor(
    private readonly model: GraphModel,
    inputSize: [number, number],
  ) {
    const graph = graphOf(model);
    if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
      throw new EngineError('model-invalid', `graph model has ${graph.inputs.length} inputs and ${graph.outputs.length} outputs; expected one of each`);
    }
    this.nodes = graph.nodes;
    const input = graph.inputs[0]!;
    this.inputName = input.name;
    const declared = input.attrParams['shape']?.value as number[] | undefined;
    const channels = declared && declared.length === 4 && declared[3]! > 0 ? declared[3]! : 3;
    this.inputShape = [inputSize[0], inputSize[1], channels];
    const output = graph.outputs[0]!;
    // tfjs-converter ends a SavedModel's outputs in Identity nodes: look through them.
    let last = output;
    while (last.op === 'Identity' && last.inputs.length === 1) last = last.inputs[0]!;
    this.endsInSoftmax = last.op === 'Softmax';
    const logitsNode = this.endsInSoftmax ? last.inputs[0]! : output;
    this.logitsName = logitsNode.name;

    const order = topologicalOrder(logitsNode).filter((n) => FEATURE_OPS.has(n.op));
    const shapes = this.probeShapes(order.map((n) => n.name));
    this.outputUnits = shapes.get(this.logitsName)?.[0] ?? 0;
    this.layers = order.map((n) => {
      const shape = shapes.get(n.name) ?? null;
      return { name: n.name, className: n.op, shape, candidate: shape !== null && shape.length === 3 };
    });
    const features = this.layers.filter((l) => l.candidate && !POOLING_OPS.has(l.className));
    this.defaultLayer = features.at(-1)?.name ?? null;
  }

  /** Output shapes (without batch) of the named nodes, from one run on a blank image. */
  private probeShapes(names: string[]): Map<string, number[]> {
    const shapes = new Map<string, number[]>();
    tf.tidy(() => {
      const blank = tf.zeros([1, ...this.inputShape]);
      const all = [...names, this.logitsName];
      const fetched = this.model.execute({ [this.inputName]: blank }, all) as Tensor[];
      all.forEach((name, i) => shapes.set(name, fetched[i]!.shape.slice(1)));
    });
    return shapes;
  }

  logits(x: Tensor4D): Tensor2D {
    return this.model.execute({ [this.inputName]: x }, this.logitsName) as Tensor2D;
  }

  split(layer: string): SplitNetwork {
    const info = this.layers.find((l) => l.name === layer);
    if (!info || !info.candidate) {
      const names = this.layers.filter((l) => l.candidate).map((l) => l.name);
      throw new EngineError('layer-not-found', `no 4-D node named "${layer}"; candidates are: ${names.join(', ')}`);
    }
    return {
      layer,
      body: (x, descriptor) => {
        if (descriptor === undefined || descriptor === layer) {
          const activation = this.model.execute({ [this.inputName]: x }, layer) as Tensor4D;
          return { activation, context: x, ...(descriptor === undefined ? {} : { descriptor: activation }) };
        }
        if (!this.nodes[descriptor]) {
          const names = this.layers.filter((l) => l.candidate).map((l) => l.name);
          throw new EngineError('layer-not-found', `no node named "${descriptor}" to take descriptor features from; 4-D nodes are: ${names.join(', ')}`);
        }
        const [activation, features] = this.model.execute({ [this.inputName]: x }, [layer, descriptor]) as [Tensor4D, Tensor];
        if (features.rank !== 4) {
          tf.dispose([activation, features]);
          throw new EngineError('layer-not-found', `node "${descriptor}" outputs shape [${features.shape.slice(1).join(', ')}]; descriptor features need a 4-D (batch, h, w, channels) output`);
        }
        return { activation, context: x, descriptor: features as Tensor4D };
      },
      head: (activation, context) =>
        this.model.execute({ [this.inputName]: context as Tensor4D, [layer]: activation }, this.logitsName) as Tensor2D,
    };
  }

  /**
   * The data input of the op that computed `layer`, looking past the per-position ops
   * that end it (bias, activation, batch norm): for conv2/Relu, the tensor entering
   * conv2. Null when that is the model's input.
   */
  descriptorLayer(layer: string): string | null {
    let node = this.nodes[layer];
    if (!node) throw new EngineError('layer-not-found', `no node named "${layer}"`);
    const dataInput = (n: GraphNode) => n.inputs.find((i) => i.op !== 'Const') ?? null;
    while (PER_POSITION_OPS.has(node.op)) {
      const next = dataInput(node);
      if (!next) return null;
      node = next;
    }
    const input = dataInput(node);
    if (!input || input.name === this.inputName || input.op === 'Placeholder') return null;
    return input.name;
  }

  camHead(): CamHead | { reason: string } {
    return { reason: 'CAM reads dense weights from a layers model; for graph models use gradcam (equal up to scale on a GAP head)' };
  }

  weightedLayers(): string[] {
    throw new EngineError('method-unsupported', 'weight randomisation needs a layers model (model.json with format "layers-model")');
  }

  randomizeLayer(): () => void {
    throw new EngineError('method-unsupported', 'weight randomisation needs a layers model (model.json with format "layers-model")');
  }

  dispose(): void {
    this.model.dispose();
  }
}
