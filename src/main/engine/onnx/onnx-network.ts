/**
 * Network over an ONNX model (a PyTorch export). The forward pass runs on ONNX
 * Runtime, natively, with the explained layer added as an extra output; the head
 * from that layer to the logits runs on the tfjs interpreter, which differentiates
 * it. Guided backprop runs on ONNX Runtime too (native-guided.ts); the sanity check,
 * and guided backprop where that transform declines, interpret the whole graph.
 */
import { tf } from '../tf';
import type { Tensor, Tensor2D, Tensor4D } from '../tf';
import { permuteData, transpose } from './ops/transpose';
import { EngineError } from '../errors';
import type { CamHead, FastPass, LayerInfo, Network, SplitNetwork } from '../model/network';
import type { OnnxGraph, OnnxNode } from './graph';
import { denseHead, type DenseHead } from './cam-head';
import { Interpreter } from './interpreter';
import { enteringTensor, moduleNameOf, modulesOf, type ModuleInfo } from './modules';
import type { FeatureBatch } from '../descriptor';
import { NativeGuided } from './native-guided';
import { modelInput, outputValue } from './ort-io';
import { withExtraOutputs } from './proto';
import { createSession, floatTensor, type InferenceSession, type OrtTensor, type RuntimeOptions } from './runtime';
import { logical, tensorValue, type Value } from './ops/value';

export interface OnnxInput {
  name: string;
  layout: 'NCHW' | 'NHWC';
  /** The batch size the model was exported with, or null when it is dynamic. */
  fixedBatch: number | null;
}

export interface OnnxParts {
  source: string;
  bytes: Uint8Array;
  graph: OnnxGraph;
  input: OnnxInput;
  /** The graph's output as declared, and the tensor explained (before a trailing softmax). */
  outputName: string;
  logitsName: string;
  endsInSoftmax: boolean;
  inputShape: [number, number, number];
  runtime: RuntimeOptions;
}

/** What ORT must output besides the logits for a layer: the layer and what the head reads. */
interface LayerPlan {
  tensor: string;
  context: string[];
}

const WEIGHTED = new Set(['Conv', 'Gemm', 'MatMul', 'ConvTranspose']);

export class OnnxNetwork implements Network {
  readonly kind = 'onnx' as const;
  readonly inputShape: [number, number, number];
  outputUnits = 0;
  layers: LayerInfo[] = [];
  defaultLayer: string | null = null;
  readonly endsInSoftmax: boolean;
  /** The batch size the model was exported with, when it is fixed. */
  readonly fixedBatch: number | null;
  /** 'cuda' when ONNX Runtime runs on the GPU. */
  device: 'cpu' | 'cuda' = 'cpu';
  private readonly interpreter: Interpreter;
  private readonly modules: Map<string, ModuleInfo>;
  private readonly producer = new Map<string, OnnxNode>();
  private readonly sessions = new Map<string, Promise<InferenceSession>>();
  private readonly plans = new Map<string, LayerPlan>();
  private randomized = 0;
  private readonly nativeGuided: NativeGuided;
  private readonly denseHeads = new Map<string, DenseHead | { reason: string }>();
  /** The dense weights of CAM heads per layer, kept until disposal. */
  private readonly denseCache = new Map<string, { kernel: Tensor2D; rows: Tensor2D }>();
  private unsupported: OnnxNode[] | null = null;
  /** Kernels made from randomised weights, freed when the weights are restored. */
  private readonly whileRandomized: Tensor[] = [];

  constructor(private readonly parts: OnnxParts) {
    this.inputShape = parts.inputShape;
    this.endsInSoftmax = parts.endsInSoftmax;
    this.fixedBatch = parts.input.fixedBatch;
    this.interpreter = new Interpreter(parts.graph);
    this.modules = modulesOf(parts.graph);
    for (const node of parts.graph.nodes) for (const out of node.outputs) this.producer.set(out, node);
    this.nativeGuided = new NativeGuided(parts, () => this.outputUnits, (tensors) => this.probeShapes(tensors));
  }

  /** Names a user may write for `tensor`: its module path first, else its node's name. */
  displayName(tensor: string): string {
    return moduleNameOf(tensor, this.modules, this.parts.graph) ?? this.producer.get(tensor)?.name ?? tensor;
  }

  /** A module path, node name or tensor name, to the tensor it denotes. */
  tensorOf(layer: string): string | null {
    const module = this.modules.get(layer);
    if (module) return module.tensor;
    const node = this.parts.graph.nodes.find((n) => n.name === layer);
    if (node) return node.outputs[0] ?? null;
    return this.producer.has(layer) ? layer : null;
  }

  /**
   * The tensor entering the explained module (see enteringTensor in modules.ts), named
   * as a user would write it; null when that is the model's input.
   */
  descriptorLayer(layer: string): string | null {
    const tensor = enteringTensor(this.parts.graph, this.modules.get(layer) ?? null, this.tensorOf(layer));
    if (tensor === undefined) throw new EngineError('layer-not-found', `no layer named "${layer}"`);
    return tensor === null || tensor === this.parts.input.name ? null : this.displayName(tensor);
  }

  /** The tensor a descriptor layer names, checked to be a feature map where its shape is known. */
  private descriptorTensor(name: string): string {
    const tensor = this.tensorOf(name);
    const info = tensor ? this.layers.find((l) => l.name === this.displayName(tensor)) : undefined;
    if (!tensor || (info && !info.candidate) || tensor === this.parts.logitsName || tensor === this.parts.outputName) {
      const names = this.layers.filter((l) => l.candidate).map((l) => l.name);
      throw new EngineError('layer-not-found', `no 4-D layer named "${name}" to take descriptor features from; candidates are: ${names.join(', ')}`);
    }
    return tensor;
  }

  /** Fills layers, output size and default layer from one probing run (shapes of every module output). */
  async describe(defaultTensor: (isSpatial: (tensor: string) => boolean) => string | null): Promise<void> {
    const named = new Map<string, string>();
    for (const m of this.modules.values()) if (!named.has(m.tensor)) named.set(m.tensor, this.displayName(m.tensor));
    for (const node of this.parts.graph.nodes) {
      const out = node.outputs[0];
      if (out && !named.has(out) && WEIGHTED.has(node.opType)) named.set(out, this.displayName(out));
    }
    // The collapse point's input, which may belong to no module (e.g. F.relu in forward).
    for (const node of this.parts.graph.nodes) {
      const first = node.inputs[0];
      if (first && this.producer.has(first) && !named.has(first) && /Pool|Flatten|Reshape|ReduceMean/.test(node.opType)) named.set(first, this.displayName(first));
    }
    named.delete(this.parts.outputName);
    const order = new Map(this.parts.graph.nodes.flatMap((n, i) => n.outputs.map((o) => [o, i] as const)));
    const byGraphOrder = [...named].sort((a, b) => (order.get(a[0]) ?? 0) - (order.get(b[0]) ?? 0));
    named.clear();
    for (const [tensor, name] of byGraphOrder) named.set(tensor, name);
    const shapes = await this.probeShapes([...named.keys()]);
    this.outputUnits = shapes.get(this.parts.logitsName)?.[0] ?? 0;
    const isSpatial = (t: string) => {
      const s = shapes.get(t);
      return !!s && s.length === 3 && s[1]! * s[2]! > 1;
    };
    this.layers = [...named].map(([tensor, name]) => {
      const shape = shapes.get(tensor) ?? null;
      const node = this.producer.get(tensor);
      const channelsLastShape: number[] | null = shape && shape.length === 3 ? [shape[1]!, shape[2]!, shape[0]!] : shape;
      return { name, className: node?.opType ?? '', shape: channelsLastShape, candidate: !!shape && shape.length === 3 };
    });
    const pick = defaultTensor(isSpatial);
    this.defaultLayer = pick ? this.displayName(pick) : null;
  }

  private async probeShapes(tensors: string[]): Promise<Map<string, number[]>> {
    const outputs = [...new Set([...tensors, this.parts.logitsName])];
    // Basic optimisation only: the probe runs once, and a full optimisation takes 4x longer to set up.
    const { session } = await createSession(withExtraOutputs(this.parts.bytes, outputs.filter((t) => t !== this.parts.outputName)), { ...this.parts.runtime, device: 'cpu' }, this.parts.source, 'basic');
    try {
      const [h, w, c] = this.inputShape;
      const dims = this.parts.input.layout === 'NCHW' ? [1, c, h, w] : [1, h, w, c];
      const result = await session.run({ [this.parts.input.name]: floatTensor(new Float32Array(h * w * c), dims) }, outputs);
      return new Map(outputs.map((name) => [name, [...result[name]!.dims].slice(1).map(Number)]));
    } finally {
      await session.release();
    }
  }

  private layerPlan(layer: string): LayerPlan {
    const known = this.plans.get(layer);
    if (known) return known;
    const tensor = this.tensorOf(layer);
    const info = tensor ? this.layers.find((l) => l.name === this.displayName(tensor)) : undefined;
    if (!tensor || (info && !info.candidate) || tensor === this.parts.logitsName || tensor === this.parts.outputName) {
      const names = this.layers.filter((l) => l.candidate).map((l) => l.name);
      throw new EngineError('layer-not-found', `no 4-D layer named "${layer}"; candidates are: ${names.join(', ')}`);
    }
    const head = this.interpreter.plan([this.parts.logitsName], new Set([tensor]));
    const produced = new Set(head.flatMap((n) => n.outputs));
    const context = [...new Set(head.flatMap((n) => n.inputs))].filter(
      (name) => name !== '' && name !== tensor && !produced.has(name) && !this.parts.graph.initializers.has(name),
    );
    const missing = this.interpreter.unsupported(head);
    if (missing.length > 0) {
      const ops = [...new Set(missing.map((n) => `${n.opType} (node "${n.name}")`))].slice(0, 5).join(', ');
      throw new EngineError('method-unsupported', `the head after "${layer}" uses ONNX ops biascope cannot differentiate yet: ${ops}`);
    }
    const plan = { tensor, context };
    this.plans.set(layer, plan);
    return plan;
  }

  /** Ops of the whole graph the interpreter lacks (found once): pixel-space methods need none. */
  unsupportedOps(): OnnxNode[] {
    this.unsupported ??= this.interpreter.unsupported(this.interpreter.plan([this.parts.logitsName], new Set([this.parts.input.name])));
    return this.unsupported;
  }

  private inputValue(x: Tensor4D): Value {
    // The engine's batches are NHWC; an NCHW model sees them as channels-last maps.
    return tensorValue(x, this.parts.input.layout === 'NCHW');
  }

  logits(x: Tensor4D): Tensor2D {
    this.requireWholeGraph();
    const [out] = this.interpreter.run(new Map([[this.parts.input.name, this.inputValue(x)]]), [this.parts.logitsName]);
    return logical(out!) as Tensor2D;
  }

  private requireWholeGraph(): void {
    const missing = this.unsupportedOps();
    if (missing.length === 0) return;
    const ops = [...new Set(missing.map((n) => `${n.opType} (node "${n.name}")`))].slice(0, 5).join(', ');
    throw new EngineError(
      'method-unsupported',
      `guided backprop, guided Grad-CAM and the sanity check interpret the whole ONNX graph, which uses ops biascope cannot run yet: ${ops}; ` +
        'the CAM methods (gradcam, counterfactual, cam, gradcampp, hirescam) still work',
    );
  }

  split(layer: string): SplitNetwork {
    const plan = this.layerPlan(layer);
    return {
      layer,
      body: (x, descriptor) => {
        this.requireWholeGraph();
        const extra = descriptor === undefined ? [] : [this.descriptorTensor(descriptor)];
        const outputs = [plan.tensor, ...plan.context, ...extra];
        const values = this.interpreter.run(new Map([[this.parts.input.name, this.inputValue(x)]]), outputs);
        const context = new Map(plan.context.map((name, i) => [name, values[i + 1]!]));
        const activation = toChannelsLastMap(values[0]!);
        if (descriptor === undefined) return { activation, context };
        return { activation, context, descriptor: toChannelsLastMap(values.at(-1)!, `descriptor layer "${descriptor}"`) };
      },
      head: (activation, context) => {
        const feeds = new Map(context as Map<string, Value>);
        feeds.set(plan.tensor, tensorValue(activation, true));
        const [out] = this.interpreter.run(feeds, [this.parts.logitsName]);
        return logical(out!) as Tensor2D;
      },
      gradient: (activation, targets) => {
        // Global average pooling then one dense layer: dy/dA_ijk = w_k / (h w), with no
        // second pass through the head (the pixels of a ResNet's head cost more than it).
        // While the sanity check has weights randomised, differentiate what it changed.
        if (this.randomized > 0) return null;
        const head = this.denseHeadOf(layer);
        if ('reason' in head) return null;
        const [b, h, w, k] = activation.shape;
        // Rows of the [classes, K] weights picked by index: a product with the one-hot
        // rows would cost a full [B, classes] x [classes, K] multiplication.
        const byClass = this.denseWeights(layer, head).rows;
        // Constant over space: [B, 1, 1, K], which the CAM methods broadcast.
        return tf.gather(byClass, tf.argMax(targets, 1)).div(h * w).reshape([b, 1, 1, k]) as Tensor4D;
      },
    };
  }

  /**
   * Logits (and a layer's activation with what the head reads) from ONNX Runtime.
   * Null while weights are randomised: ORT holds the original ones.
   */
  fastPass(x: Tensor4D, layer: string | null, descriptor?: string): Promise<FastPass> | null {
    if (this.randomized > 0) return null;
    return this.runFast(x, layer, descriptor);
  }

  private async runFast(x: Tensor4D, layer: string | null, descriptor?: string): Promise<FastPass> {
    const plan = layer === null ? null : this.layerPlan(layer);
    // The descriptor is one more output of the same run: a session per (layer, descriptor).
    const features = plan && descriptor !== undefined ? this.descriptorTensor(descriptor) : null;
    const extra = plan ? [plan.tensor, ...plan.context, ...(features ? [features] : [])] : [];
    const outputs = [...new Set([this.parts.logitsName, ...extra])];
    const session = await this.session(layer === null ? '' : features ? `${plan!.tensor}\n${features}` : plan!.tensor, outputs);
    // explainBatch hands a fixed-batch model batches of exactly its size.
    const result = await session.run({ [this.parts.input.name]: modelInput(x, this.parts.input) }, outputs);
    // Checked before any tfjs tensor exists, so a bad descriptor layer leaves none behind.
    const descriptorBatch = features ? hostFeatures(result[features]!, descriptor!) : null;
    const gather = (name: string): Value => outputValue(result[name]!);
    const logitsValue = gather(this.parts.logitsName);
    const logits = (logitsValue as Value & { kind: 'tensor' }).tensor as Tensor2D;
    if (!plan) return { logits, activation: null, context: null, descriptor: null, dispose: () => logits.dispose() };
    const activation = channelsLastActivation(result[plan.tensor]!, layer!);
    const context = new Map(plan.context.map((name) => [name, gather(name)]));
    const dispose = () => {
      tf.dispose([logits, activation]);
      for (const v of context.values()) if (v.kind === 'tensor') v.tensor.dispose();
    };
    return { logits, activation, context, descriptor: descriptorBatch, dispose };
  }

  /**
   * Guided backprop's input gradient, [B, H, W, 3], on ONNX Runtime from a reverse-mode
   * transform of the graph; `targets` holds one-hot rows [B, classes]. Null when the
   * transform has no rule for an op (or weights are randomised): use the interpreter.
   */
  guidedGradient(x: Tensor4D, targets: Float32Array): Promise<Tensor4D | null> {
    if (this.randomized > 0) return Promise.resolve(null);
    return this.nativeGuided.gradient(x, targets);
  }

  /** Why guided backprop runs on the interpreter, when the graph transform declined. */
  get guidedFallback(): string | null {
    return this.nativeGuided.declined;
  }

  private session(key: string, outputs: string[]): Promise<InferenceSession> {
    let session = this.sessions.get(key);
    if (!session) {
      const extra = outputs.filter((name) => name !== this.parts.outputName);
      session = createSession(withExtraOutputs(this.parts.bytes, extra), this.parts.runtime, this.parts.source).then(({ session: s, device }) => {
        this.device = device;
        return s;
      });
      session.catch(() => this.sessions.delete(key));
      this.sessions.set(key, session);
    }
    return session;
  }

  /** The head after a layer, when it is CAM's (pooling, then one dense layer); kept per layer. */
  private denseHeadOf(layer: string): DenseHead | { reason: string } {
    let found = this.denseHeads.get(layer);
    if (!found) {
      const head = this.interpreter.plan([this.parts.logitsName], new Set([this.layerPlan(layer).tensor]));
      found = denseHead(this.parts.graph, head, layer);
      this.denseHeads.set(layer, found);
    }
    return found;
  }

  camHead(layer: string): CamHead | { reason: string } {
    const head = this.denseHeadOf(layer);
    if ('reason' in head) return head;
    if (this.randomized > 0) {
      // The interpreter holds the randomised weights; the cache holds the model's own.
      const current = this.interpreter.weightValue(head.weightName)!;
      const kernel = tf.keep((head.classesFirst ? transpose(current, [1, 0]) : current.clone()) as Tensor2D);
      this.whileRandomized.push(kernel);
      return { kernel };
    }
    return { kernel: this.denseWeights(layer, head).kernel };
  }

  /** The dense weight both ways round, made once per layer: [K, classes] for CAM, [classes, K] to pick rows from. */
  private denseWeights(layer: string, head: DenseHead): { kernel: Tensor2D; rows: Tensor2D } {
    let weights = this.denseCache.get(layer);
    if (!weights) {
      const stored = tf.keep(tf.tensor2d(head.weight.data as Float32Array, head.weight.dims as [number, number]));
      const other = tf.keep(transpose(stored, [1, 0]) as Tensor2D);
      weights = head.classesFirst ? { kernel: other, rows: stored } : { kernel: stored, rows: other };
      this.denseCache.set(layer, weights);
    }
    return weights;
  }

  weightedLayers(): string[] {
    this.requireWholeGraph();
    return this.weightedNodes()
      .reverse()
      .map((n) => this.displayName(n.outputs[0]!));
  }

  private weightedNodes(): OnnxNode[] {
    return this.parts.graph.nodes.filter((n) => WEIGHTED.has(n.opType) && this.parts.graph.initializers.has(n.inputs[1] ?? ''));
  }

  randomizeLayer(layer: string, seed: number): () => void {
    const node = this.weightedNodes().find((n) => this.displayName(n.outputs[0]!) === layer);
    if (!node) throw new EngineError('layer-not-found', `no weighted layer named "${layer}"`);
    const names = node.inputs.slice(1).filter((name) => this.parts.graph.initializers.has(name));
    const saved = names.map((name) => tf.clone(this.interpreter.weightValue(name)!));
    names.forEach((name, i) => {
      const original = saved[i]!;
      const fresh = tf.tidy(() => {
        const std = tf.moments(original).variance.sqrt().dataSync()[0]! || 0.05;
        return tf.randomNormal(original.shape, 0, std, 'float32', seed + i);
      });
      this.interpreter.setWeight(name, fresh);
    });
    this.randomized++;
    return () => {
      names.forEach((name, i) => this.interpreter.setWeight(name, saved[i]!));
      this.randomized--;
      if (this.randomized === 0) tf.dispose(this.whileRandomized.splice(0));
    };
  }

  dispose(): void {
    for (const { kernel, rows } of this.denseCache.values()) tf.dispose([kernel, rows]);
    this.denseCache.clear();
    this.interpreter.dispose();
    for (const session of this.sessions.values()) void session.then((s) => s.release()).catch(() => undefined);
    this.sessions.clear();
    this.nativeGuided.release();
  }
}


/** ONNX Runtime's NCHW layer output as the engine's [B, h, w, K], permuted before upload. */
function channelsLastActivation(out: OrtTensor, layer: string): Tensor4D {
  const dims = [...out.dims].map(Number);
  if (dims.length !== 4 || out.type !== 'float32') {
    throw new EngineError('layer-not-found', `layer "${layer}" outputs shape [${dims.join(', ')}]; Grad-CAM needs a 4-D feature map`);
  }
  const [b, k, h, w] = dims as [number, number, number, number];
  return tf.tensor4d(permuteData(out.data as Float32Array, dims, [0, 2, 3, 1]), [b, h, w, k]);
}

/** A descriptor layer's NCHW output from ONNX Runtime, left on the host (it is only pooled and read). */
function hostFeatures(out: OrtTensor, name: string): FeatureBatch {
  const dims = [...out.dims].map(Number);
  if (dims.length !== 4 || out.type !== 'float32') {
    throw new EngineError('layer-not-found', `descriptor layer "${name}" outputs shape [${dims.join(', ')}] (${out.type}); descriptor features need a 4-D float feature map`);
  }
  const [b, k, h, w] = dims as [number, number, number, number];
  return { data: out.data as Float32Array, layout: 'NCHW', shape: [b, h, w, k] };
}

/** A 4-D logical NCHW value as the engine's [B, h, w, K] activation. */
function toChannelsLastMap(value: Value, what = "the layer's output"): Tensor4D {
  if (value.kind === 'tensor' && value.channelsLast) return value.tensor as Tensor4D;
  const t: Tensor = logical(value);
  if (t.rank !== 4) throw new EngineError('layer-not-found', `${what} has shape [${t.shape.join(', ')}]; Grad-CAM and descriptor features need a 4-D feature map`);
  return transpose(t, [0, 2, 3, 1]) as Tensor4D;
}
