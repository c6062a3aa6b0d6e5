/** Network over a tfjs LayersModel, executed step by step (see layers-graph.ts). */
import { tf } from '../tf';
import type { LayersModel, Tensor, Tensor2D, Tensor4D } from '../tf';
import { EngineError } from '../errors';
import { compileLayerGraph, consumersOf, stepsDownstreamOf, type LayerGraph, type Step } from './layers-graph';
import { isLinearConv2D, linearConv2D, recordingGradients } from './linear-conv';
import type { CamHead, LayerInfo, Network, SplitNetwork } from './network';

type Values = Map<number, Tensor>;

/** Layers that only move or thin out features: never the best Grad-CAM target. */
const NOT_A_FEATURE_LAYER = new Set([
  'MaxPooling2D',
  'AveragePooling2D',
  'Dropout',
  'SpatialDropout2D',
  'ZeroPadding2D',
  'Cropping2D',
  'GaussianNoise',
  'GaussianDropout',
  'InputAlias',
]);

/**
 * Layers that transform each position's features on their own: for describing a map
 * they belong to the layer before them (a BatchNormalization -> ReLU after a conv are
 * that conv's features), so the descriptor is looked for before them.
 */
const PER_POSITION = new Set([
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'PReLU',
  'ThresholdedReLU',
  'Softmax',
  'BatchNormalization',
  'LayerNormalization',
  'Dropout',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
]);

function activationOf(step: Step): string | null {
  if (!step.layer) return null;
  if (step.className === 'Softmax') return 'softmax';
  const config = step.layer.getConfig() as { activation?: unknown };
  return typeof config.activation === 'string' ? config.activation : null;
}

/**
 * The model's last step, rewritten to stop before softmax: y^c must be the class
 * score before softmax, or its gradient mixes in every other class's score.
 */
function logitStep(step: Step): ((inputs: Tensor[]) => Tensor) | null {
  if (activationOf(step) !== 'softmax') return null;
  if (step.className === 'Activation' || step.className === 'Softmax') return (inputs) => inputs[0]!;
  if (step.className === 'Dense') {
    const [kernel, bias] = step.layer!.getWeights();
    return (inputs) => {
      const x = inputs[0]!;
      if (x.rank !== 2) throw new EngineError('model-invalid', `final Dense "${step.name}" takes rank ${x.rank} input; expected 2`);
      const z = tf.matMul(x as Tensor2D, kernel as Tensor2D);
      return bias ? tf.add(z, bias) : z;
    };
  }
  throw new EngineError(
    'model-invalid',
    `final layer "${step.name}" (${step.className}) applies softmax inside; only Dense, Activation and Softmax can be unwrapped to logits`,
  );
}

export class LayersNetwork implements Network {
  readonly kind = 'layers' as const;
  readonly inputShape: [number, number, number];
  readonly outputUnits: number;
  readonly layers: LayerInfo[];
  readonly defaultLayer: string | null;
  readonly endsInSoftmax: boolean;
  private readonly graph: LayerGraph;
  private readonly finalStep: number;
  private readonly finalLogits: ((inputs: Tensor[]) => Tensor) | null;
  private readonly splits = new Map<string, SplitNetwork>();
  /** Steps that are activation-free Conv2D layers, found once (see linear-conv.ts). */
  private readonly linearConvSteps: Set<number>;
  /** The step that computes each tensor id. */
  private readonly producers = new Map<number, number>();

  constructor(private readonly model: LayersModel) {
    this.graph = compileLayerGraph(model);
    const inShape = model.inputs[0]!.shape;
    if (inShape.length !== 4 || inShape.slice(1).some((d) => typeof d !== 'number')) {
      throw new EngineError('model-invalid', `model input shape is [${inShape.join(', ')}]; expected [batch, height, width, channels]`);
    }
    this.inputShape = inShape.slice(1) as [number, number, number];
    const outShape = model.outputs[0]!.shape;
    if (outShape.length !== 2 || typeof outShape[1] !== 'number') {
      throw new EngineError('model-invalid', `model output shape is [${outShape.join(', ')}]; expected [batch, classes]`);
    }
    this.outputUnits = outShape[1];
    this.linearConvSteps = new Set(
      this.graph.steps.flatMap((step, index) => (step.layer && isLinearConv2D(step.layer) ? [index] : [])),
    );
    this.graph.steps.forEach((step, index) => step.outputs.forEach((id) => this.producers.set(id, index)));
    this.finalStep = this.graph.steps.findIndex((s) => s.outputs.includes(this.graph.output));
    this.finalLogits = logitStep(this.graph.steps[this.finalStep]!);
    this.endsInSoftmax = this.finalLogits !== null;
    this.layers = this.graph.steps
      .filter((s) => s.className !== 'InputAlias')
      .map((s) => ({
        name: s.name,
        className: s.className,
        shape: s.shape,
        candidate: s.shape !== null && s.shape.length === 3,
      }));
    const features = this.layers.filter((l) => l.candidate && !NOT_A_FEATURE_LAYER.has(l.className));
    this.defaultLayer = features.at(-1)?.name ?? this.layers.filter((l) => l.candidate).at(-1)?.name ?? null;
  }

  private run(values: Values, only?: Set<number>, skip?: Set<number>): void {
    this.graph.steps.forEach((step, index) => {
      if (only && !only.has(index)) return;
      if (skip && skip.has(index)) return;
      const inputs = step.inputs.map((id) => values.get(id)!);
      let outputs: Tensor[];
      if (index === this.finalStep && this.finalLogits) outputs = [this.finalLogits(inputs)];
      else if (step.layer === null) outputs = inputs;
      else if (this.linearConvSteps.has(index) && recordingGradients()) outputs = [linearConv2D(step.layer, inputs[0]!)];
      else {
        const result = step.layer.apply(inputs.length === 1 ? inputs[0]! : inputs, {}) as Tensor | Tensor[];
        outputs = Array.isArray(result) ? result : [result];
      }
      step.outputs.forEach((id, i) => values.set(id, outputs[i]!));
    });
  }

  logits(x: Tensor4D): Tensor2D {
    const values: Values = new Map([[this.graph.input, x]]);
    this.run(values);
    return values.get(this.graph.output) as Tensor2D;
  }

  /** The tensor id a layer's (single) output has in the flattened graph. */
  private outputIdOf(layer: string, use = 'Grad-CAM needs'): number {
    const steps = this.graph.steps.filter((s) => s.name === layer && s.className !== 'InputAlias');
    const step = steps.at(-1);
    if (!step) {
      const names = this.layers.filter((l) => l.candidate).map((l) => l.name);
      throw new EngineError('layer-not-found', `no layer named "${layer}"; 4-D layers are: ${names.join(', ')}`);
    }
    if (step.outputs.length !== 1) throw new EngineError('layer-not-found', `layer "${layer}" has ${step.outputs.length} outputs; expected one`);
    if (!step.shape || step.shape.length !== 3) {
      throw new EngineError('layer-not-found', `layer "${layer}" outputs shape [${step.shape?.join(', ') ?? '?'}]; ${use} a 4-D (batch, h, w, channels) output`);
    }
    return step.outputs[0]!;
  }

  /**
   * The layer feeding `layer`: its single inbound layer, looked for before any
   * per-position layers (activation, normalisation, dropout) that end it and through
   * the edges of nested models. A layer with several inbound layers (add, concatenate),
   * or whose inbound output is not a feature map, takes the nearest earlier layer with
   * a 4-D output instead. Null when the layer reads the input image.
   */
  descriptorLayer(layer: string): string | null {
    const { steps } = this.graph;
    let index = this.producers.get(this.outputIdOf(layer))!;
    const producerOf = (id: number) => (id === this.graph.input ? null : (this.producers.get(id) ?? null));
    for (;;) {
      const step = steps[index]!;
      if ((step.layer !== null && !PER_POSITION.has(step.className)) || step.inputs.length !== 1) break;
      const previous = producerOf(step.inputs[0]!);
      if (previous === null) return null;
      index = previous;
    }
    const inbound = steps[index]!.inputs;
    if (inbound.length === 1) {
      let source = producerOf(inbound[0]!);
      // An alias into a nested model carries no name of its own: the tensor is its input's.
      while (source !== null && steps[source]!.className === 'InputAlias') source = producerOf(steps[source]!.inputs[0]!);
      if (source === null) return null;
      if (steps[source]!.shape?.length === 3) return steps[source]!.name;
    }
    for (let k = index - 1; k >= 0; k--) {
      const step = steps[k]!;
      if (step.className !== 'InputAlias' && step.shape?.length === 3) return step.name;
    }
    return null;
  }

  split(layer: string): SplitNetwork {
    const cached = this.splits.get(layer);
    if (cached) return cached;
    const target = this.outputIdOf(layer);
    const downstream = stepsDownstreamOf(this.graph, target);
    const split: SplitNetwork = {
      layer,
      body: (x, descriptor) => {
        const values: Values = new Map([[this.graph.input, x]]);
        if (descriptor === undefined) {
          this.run(values, undefined, downstream);
          return { activation: values.get(target) as Tensor4D, context: values };
        }
        const id = this.outputIdOf(descriptor, 'descriptor features need');
        // Steps run in graph order: a descriptor past the layer needs the steps up to its own.
        const upTo = this.producers.get(id)!;
        this.run(values, undefined, new Set([...downstream].filter((index) => index > upTo)));
        return { activation: values.get(target) as Tensor4D, context: values, descriptor: values.get(id) as Tensor4D };
      },
      head: (activation, context) => {
        const values: Values = new Map(context as Values);
        values.set(target, activation);
        this.run(values, downstream);
        return values.get(this.graph.output) as Tensor2D;
      },
    };
    this.splits.set(layer, split);
    return split;
  }

  camHead(layer: string): CamHead | { reason: string } {
    let id = this.outputIdOf(layer);
    const passThrough = new Set(['Dropout', 'Flatten', 'InputAlias']);
    let sawGap = false;
    for (;;) {
      const consumers = consumersOf(this.graph, id);
      if (consumers.length !== 1) return { reason: `"${layer}" output feeds ${consumers.length} layers; CAM needs one path to the output` };
      const index = consumers[0]!;
      const step = this.graph.steps[index]!;
      if (step.className === 'GlobalAveragePooling2D' && !sawGap) sawGap = true;
      else if (step.className === 'Dense' && sawGap && index === this.finalStep) {
        const [kernel] = step.layer!.getWeights();
        return { kernel: kernel as Tensor2D };
      } else if (!passThrough.has(step.className) && step.layer !== null) {
        return { reason: `CAM needs "${layer}" -> GlobalAveragePooling2D -> Dense (output); found ${step.className} "${step.name}"` };
      }
      id = step.outputs[0]!;
    }
  }

  weightedLayers(): string[] {
    return this.graph.steps
      .filter((s) => s.layer !== null && s.layer.getWeights().length > 0)
      .map((s) => s.name)
      .reverse();
  }

  randomizeLayer(layer: string, seed: number): () => void {
    const step = this.graph.steps.find((s) => s.name === layer && s.layer !== null);
    if (!step) throw new EngineError('layer-not-found', `no layer named "${layer}"`);
    const target = step.layer!;
    const saved = target.getWeights().map((w) => w.clone());
    const fresh = tf.tidy(() =>
      target.weights.map((variable, i) => {
        const original = saved[i]!;
        // Variances must stay positive; everything else is redrawn at the original scale.
        if (variable.name.includes('moving_variance')) return tf.randomUniform(original.shape, 0.5, 1.5, 'float32', seed + i);
        const std = tf.moments(original).variance.sqrt().dataSync()[0]! || 0.05;
        return tf.randomNormal(original.shape, 0, std, 'float32', seed + i);
      }),
    );
    target.setWeights(fresh);
    tf.dispose(fresh);
    return () => {
      target.setWeights(saved);
      tf.dispose(saved);
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}
