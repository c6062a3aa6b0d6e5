/**
 * Explains a batch of images: one forward pass, then for each target slot the
 * gradients every requested method needs, computed once and shared.
 */
import { tf } from './tf';
import type { Tensor2D, Tensor3D, Tensor4D } from './tf';
import { GUIDED_METHODS, type ClassRef, type MapData, type MethodName, type Prediction, type TargetSpec } from '../../shared/explain';
import { EngineError } from './errors';
import type { LoadedModel } from './model/load';
import type { FastPass, HeadContext, SplitNetwork } from './model/network';
import { toInputTensor, type RgbImage } from './preprocess';
import { resolveTargets } from './targets';
import { CAM_METHODS, camMap, type CamInputs } from './methods';
import { channelSummedMagnitude, guidedBackprop, guidedGradcam } from './methods/guided';
import { poolToGrid, type Descriptor, type FeatureBatch } from './descriptor';

export interface ExplainOptions {
  methods: readonly MethodName[];
  /** Target layer for CAM methods; the model's default when absent. */
  layer?: string;
  /** Which classes to explain; the predicted one when absent. */
  target?: TargetSpec;
  /** Explicit class indices per image, overriding `target` (same count per image). */
  classesPerImage?: number[][];
  /** How many predictions to report per image, best first; all when absent. */
  topK?: number;
  /**
   * Descriptor features from the same forward pass, on the explained layer's grid:
   * true for the layer feeding the explained one (Network.descriptorLayer), a name
   * for that layer. Only with a CAM-family method (they fix the grid); else ignored.
   */
  descriptor?: boolean | string;
}

export interface ExplainedMap {
  method: MethodName;
  /** The layer a CAM method read; null for pure pixel-space methods. */
  layer: string | null;
  target: ClassRef;
  /** Raw map: no normalisation, so values compare across images. */
  map: MapData;
}

export interface ImageExplanation {
  predictions: Prediction[];
  maps: ExplainedMap[];
  /** The descriptor layer's features under each map cell (HWC), when asked for. */
  descriptor?: Descriptor;
}

function softmaxRows(logits: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let row = 0; row < logits.length; row += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[row + c] = Math.exp(logits[row + c]! - max);
    for (let c = 0; c < classes; c++) out[row + c]! /= sum;
  }
  return out;
}

function predictionsOf(logits: Float32Array, probs: Float32Array, b: number, names: readonly string[], topK: number): Prediction[] {
  const c = names.length;
  const all = names.map((name, index) => ({ index, name, logit: logits[b * c + index]!, prob: probs[b * c + index]! }));
  return all.sort((p, q) => q.logit - p.logit).slice(0, topK);
}

/** Splits [B, h, w] values into one MapData per image. */
function perImage(maps: Tensor3D): MapData[] {
  const [b, height, width] = maps.shape;
  const data = maps.dataSync() as Float32Array;
  return Array.from({ length: b }, (_, i) => ({
    width,
    height,
    data: data.slice(i * height * width, (i + 1) * height * width),
  }));
}

function checkFinite(values: Float32Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new EngineError('input-invalid', `the model produced a non-finite ${what} (${values[i]})`);
  }
}

interface Pass {
  split: SplitNetwork | null;
  activation: Tensor4D | null;
  context: HeadContext;
  logits: Tensor2D;
  descriptor: FeatureBatch | null;
}

/**
 * Explains a batch. Models with a native runtime (ONNX) run their forward pass there
 * first, outside tfjs; the gradients then need only the small head on tfjs.
 */
export async function explainBatch(
  model: LoadedModel,
  images: readonly RgbImage[] | Tensor4D,
  options: ExplainOptions,
): Promise<ImageExplanation[]> {
  const fixed = model.network.fixedBatch ?? null;
  const count = images instanceof tf.Tensor ? images.shape[0] : images.length;
  if (fixed !== null && count !== fixed) return inFixedBatches(model, images, options, fixed);
  const { config } = model;
  const methods = [...new Set(options.methods)];
  for (const m of methods) if (!(m in CAM_METHODS) && !GUIDED_METHODS.includes(m)) throw new EngineError('method-unsupported', `unknown method "${m}"`);
  const camMethods = methods.filter((m) => m in CAM_METHODS || m === 'guided-gradcam');
  const guided = methods.some((m) => GUIDED_METHODS.includes(m));
  const layer = options.layer ?? model.defaultLayer;
  const denseKernel = methods.includes('cam') ? camKernel(model, layer) : null;
  const descriptor = camMethods.length > 0 ? descriptorLayerOf(model, layer, options.descriptor) : undefined;
  const owned = !(images instanceof tf.Tensor);
  const x = owned ? toInputTensor(images as RgbImage[], config) : (images as Tensor4D);
  let fast: FastPass | null = null;
  let guidedPixels: Tensor4D[] | null = null;
  try {
    // With a native guided pass, the fast pass supplies the logits that pick the targets;
    // otherwise guided methods alone take them from their own differentiable pass.
    const nativeGuided = guided && model.network.guidedGradient !== undefined;
    if (camMethods.length > 0 || !guided || nativeGuided) fast = await (model.network.fastPass?.(x, camMethods.length > 0 ? layer : null, descriptor) ?? null);
    if (nativeGuided && fast) guidedPixels = await nativeGuidedPixels(model, x, settler(model, options, x.shape[0])(fast.logits.dataSync() as Float32Array));
    let results: ImageExplanation[] = [];
    tf.tidy(() => {
      results = explainSync(model, x, options, { methods, camMethods, guided, layer, denseKernel, fast, guidedPixels, descriptor });
    });
    return results;
  } finally {
    fast?.dispose();
    if (guidedPixels) tf.dispose(guidedPixels);
    if (owned) x.dispose();
  }
}

/** The descriptor layer asked for, resolved to a name; undefined when none is. */
function descriptorLayerOf(model: LoadedModel, layer: string, asked: boolean | string | undefined): string | undefined {
  if (asked === undefined || asked === false) return undefined;
  if (typeof asked === 'string') return asked;
  const found = model.network.descriptorLayer(layer);
  if (found === null) throw new EngineError('layer-not-found', `layer "${layer}" reads the input image directly: no earlier layer to describe its maps by; name a descriptor layer`);
  return found;
}

/** Guided backprop of every target slot on the model's native runtime; null where it declines. */
async function nativeGuidedPixels(model: LoadedModel, x: Tensor4D, outcome: Outcome): Promise<Tensor4D[] | null> {
  const classes = model.config.classes.length;
  const pixels: Tensor4D[] = [];
  for (let slot = 0; slot < outcome.classes[0]!.length; slot++) {
    const rows = new Float32Array(outcome.classes.length * classes);
    outcome.classes.forEach((row, b) => (rows[b * classes + row[slot]!] = 1));
    const grad = await model.network.guidedGradient!(x, rows);
    if (!grad) {
      tf.dispose(pixels);
      return null;
    }
    pixels.push(grad);
  }
  return pixels;
}

/** Logits to the classes explained for each image (one per slot), checked. */
function settler(model: LoadedModel, options: ExplainOptions, batch: number): (values: Float32Array) => Outcome {
  const names = model.config.classes;
  return (values) => {
    const logits = values.slice();
    checkFinite(logits, 'logit');
    const classes = options.classesPerImage ?? resolveTargets(options.target ?? { kind: 'predicted' }, logits, names.length);
    if (classes.length !== batch) throw new EngineError('target-invalid', `got targets for ${classes.length} images, batch has ${batch}`);
    return { logits, classes };
  };
}

/**
 * A model exported with a fixed batch (the dynamo exporter's default is 1) sees
 * batches of exactly that size: the last one is filled up with its last image, whose
 * extra results are dropped.
 */
async function inFixedBatches(model: LoadedModel, images: readonly RgbImage[] | Tensor4D, options: ExplainOptions, size: number): Promise<ImageExplanation[]> {
  const count = images instanceof tf.Tensor ? images.shape[0] : images.length;
  const out: ImageExplanation[] = [];
  for (let start = 0; start < count; start += size) {
    const n = Math.min(size, count - start);
    const picked = Array.from({ length: size }, (_, i) => start + Math.min(i, n - 1));
    const part = images instanceof tf.Tensor ? (tf.gather(images, picked) as Tensor4D) : picked.map((i) => (images as readonly RgbImage[])[i]!);
    const classesPerImage = options.classesPerImage && picked.map((i) => options.classesPerImage![i]!);
    try {
      const explained = await explainBatch(model, part, { ...options, ...(classesPerImage ? { classesPerImage } : {}) });
      out.push(...explained.slice(0, n));
    } finally {
      if (part instanceof tf.Tensor) part.dispose();
    }
  }
  return out;
}

interface Prepared {
  methods: MethodName[];
  camMethods: MethodName[];
  guided: boolean;
  layer: string;
  denseKernel: Tensor2D | null;
  fast: FastPass | null;
  /** Guided backprop per target slot, from the native runtime; null: differentiate here. */
  guidedPixels: Tensor4D[] | null;
  /** The descriptor layer, when descriptor features were asked for. */
  descriptor: string | undefined;
}

function explainSync(model: LoadedModel, x: Tensor4D, options: ExplainOptions, prepared: Prepared): ImageExplanation[] {
  const { methods, camMethods, guided, layer, denseKernel, fast, guidedPixels, descriptor } = prepared;
  const names = model.config.classes;
  const settle = settler(model, options, x.shape[0]);
  const pass = camMethods.length > 0 ? forward(model, x, layer, fast, descriptor) : null;
  const [, gridHeight, gridWidth] = pass?.activation?.shape ?? [0, 0, 0];
  const descriptors = pass?.descriptor ? poolToGrid(pass.descriptor, gridHeight, gridWidth) : null;
  // Pixel-space methods run the model forward under the gradient tape anyway: when
  // nothing else needs a forward pass, their first pass supplies the logits.
  let outcome: Outcome | null = null;
  if (pass) outcome = settle(pass.logits.dataSync() as Float32Array);
  else if (!guided || (guidedPixels && fast)) outcome = settle((fast?.logits ?? model.network.logits(x)).dataSync() as Float32Array);
  const targetsOf = (slot: number) => (logits: Float32Array) => {
    outcome ??= settle(logits);
    const slotClasses = outcome.classes.map((row) => row[slot]!);
    return tf.oneHot(tf.tensor1d(slotClasses, 'int32'), names.length).toFloat() as Tensor2D;
  };
  const slots: Map<MethodName, MapData[]>[] = [];
  for (let slot = 0; outcome === null || slot < outcome.classes[0]!.length; slot++) {
    if (methods.length === 0) break;
    slots.push(explainSlot(model, methods, x, pass, targetsOf(slot), denseKernel, guidedPixels?.[slot] ?? null));
  }
  const explained = assemble(outcome!, slots, names, layer, options.topK ?? names.length);
  if (descriptors) explained.forEach((image, b) => (image.descriptor = descriptors[b]!));
  return explained;
}

interface Outcome {
  logits: Float32Array;
  /** Class indices explained for each image, one per slot. */
  classes: number[][];
}

function assemble(
  outcome: Outcome,
  slots: Map<MethodName, MapData[]>[],
  names: readonly string[],
  layer: string,
  topK: number,
): ImageExplanation[] {
  const probs = softmaxRows(outcome.logits, names.length);
  return outcome.classes.map((row, b) => ({
    predictions: predictionsOf(outcome.logits, probs, b, names, topK),
    maps: slots.flatMap((maps, slot) =>
      [...maps].map(([method, byImage]) => ({
        method,
        layer: method === 'guided-backprop' ? null : layer,
        target: { index: row[slot]!, name: names[row[slot]!]! },
        map: byImage[b]!,
      })),
    ),
  }));
}

function camKernel(model: LoadedModel, layer: string): Tensor2D {
  const head = model.network.camHead(layer);
  if ('reason' in head) throw new EngineError('method-unsupported', `cam: ${head.reason}`);
  return head.kernel;
}

function forward(model: LoadedModel, x: Tensor4D, layer: string | null, fast: FastPass | null, descriptor?: string): Pass {
  if (fast) {
    const split = layer === null ? null : model.network.split(layer);
    return { split, activation: fast.activation, context: fast.context, logits: fast.logits, descriptor: fast.descriptor };
  }
  if (layer === null) return { split: null, activation: null, context: null, logits: model.network.logits(x), descriptor: null };
  const split = model.network.split(layer);
  const body = split.body(x, descriptor);
  const features = body.descriptor ? hostBatch(body.descriptor) : null;
  return { split, activation: body.activation, context: body.context, logits: split.head(body.activation, body.context), descriptor: features };
}

/** A tfjs feature map read back to the host, where it is pooled. */
function hostBatch(t: Tensor4D): FeatureBatch {
  return { data: t.dataSync() as Float32Array, layout: 'NHWC', shape: t.shape };
}

/** Maps of every method for one target per image, keyed by method. */
function explainSlot(
  model: LoadedModel,
  methods: readonly MethodName[],
  x: Tensor4D,
  pass: Pass | null,
  targetsFor: (logits: Float32Array) => Tensor2D,
  denseKernel: Tensor2D | null,
  nativeGuided: Tensor4D | null,
): Map<MethodName, MapData[]> {
  const out = new Map<MethodName, MapData[]>();
  const camResults = new Map<MethodName, Tensor3D>();
  const needsGradients = methods.some((m) => CAM_METHODS[m]?.needs === 'gradients' || m === 'guided-gradcam');
  if (pass?.split && pass.activation) {
    const { split, activation, context } = pass;
    const oneHot = targetsFor(pass.logits.dataSync() as Float32Array);
    const gradients = needsGradients
      ? (split.gradient?.(activation, oneHot) ?? (tf.grad((a) => split.head(a as Tensor4D, context).mul(oneHot).sum())(activation) as Tensor4D))
      : null;
    // w^c for each image: the one-hot rows pick columns of the [K, classes] kernel.
    const denseWeights = denseKernel ? (tf.matMul(oneHot, denseKernel, false, true) as Tensor2D) : null;
    const inputs: CamInputs = { activation, gradients, denseWeights };
    const wanted = new Set<MethodName>(methods.filter((m) => m in CAM_METHODS));
    if (methods.includes('guided-gradcam')) wanted.add('gradcam');
    for (const name of wanted) camResults.set(name, camMap(CAM_METHODS[name]!, inputs));
  }
  for (const m of methods) {
    const result = camResults.get(m);
    if (result) out.set(m, perImage(result));
  }
  if (methods.some((m) => GUIDED_METHODS.includes(m))) {
    const guided = nativeGuided ?? guidedBackprop(model.network, x, targetsFor);
    if (methods.includes('guided-backprop')) out.set('guided-backprop', perImage(channelSummedMagnitude(guided)));
    if (methods.includes('guided-gradcam')) {
      out.set('guided-gradcam', perImage(channelSummedMagnitude(guidedGradcam(guided, camResults.get('gradcam')!))));
    }
  }
  return out;
}

/** Tensors alive now; tests compare it before and after a run to prove nothing leaks. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
