/**
 * What the attribution methods need from a model, whatever its format: run it to
 * pre-softmax logits, and split it at a layer into a body (input -> activation) and
 * a head (activation -> logits) so gradients can be taken with respect to the layer.
 */
import type { Tensor2D, Tensor4D } from '../tf';
import type { FeatureBatch } from '../descriptor';

export interface LayerInfo {
  name: string;
  /** Keras class name for layers models, op name for graph and ONNX models. */
  className: string;
  /** Output shape without the batch dimension, when known. */
  shape: number[] | null;
  /** Whether Grad-CAM can target it: a 4-D (batch, h, w, channels) output. */
  candidate: boolean;
}

/** Tensors the body computed that the head reads besides the activation (skip paths). */
export type HeadContext = unknown;

export interface SplitNetwork {
  layer: string;
  /**
   * Runs the model up to the layer. Differentiation is not needed here. With
   * `descriptor`, that layer's 4-D activation comes out of the same run (computed on
   * past the layer when it lies downstream of it).
   */
  body(x: Tensor4D, descriptor?: string): { activation: Tensor4D; context: HeadContext; descriptor?: Tensor4D };
  /** The rest of the model from the layer's activation to pre-softmax logits. */
  head(activation: Tensor4D, context: HeadContext): Tensor2D;
  /**
   * d(sum of targets . logits)/d(activation) in closed form, when the head has one
   * (null: differentiate `head`). `targets` holds one-hot rows [B, classes]. May be
   * [B, 1, 1, K] when the gradient is the same at every position.
   */
  gradient?(activation: Tensor4D, targets: Tensor2D): Tensor4D | null;
}

/** CAM weights: the layer feeds global average pooling, then a dense layer. */
export interface CamHead {
  /** Dense kernel, shape [channels, classes]. */
  kernel: Tensor2D;
}

/** A forward pass run outside tfjs (ONNX Runtime): logits, and a layer's activation. */
export interface FastPass {
  logits: Tensor2D;
  activation: Tensor4D | null;
  context: HeadContext;
  /** The descriptor layer's activation, when one was asked for; on the host, not in tfjs. */
  descriptor: FeatureBatch | null;
  /** Frees the tensors above. */
  dispose(): void;
}

export interface Network {
  kind: 'layers' | 'graph' | 'onnx';
  /** [height, width, channels] the model takes. */
  inputShape: [number, number, number];
  outputUnits: number;
  layers: LayerInfo[];
  /** Layer the engine picks when none is asked for. */
  defaultLayer: string | null;
  /** A batch size the model only accepts (an export without a dynamic batch); absent: any. */
  fixedBatch?: number | null;
  /** Whether the model ends in softmax (the engine explains the logits before it). */
  endsInSoftmax: boolean;
  /** Forward pass to pre-softmax logits; differentiable with respect to x. */
  logits(x: Tensor4D): Tensor2D;
  split(layer: string): SplitNetwork;
  /**
   * A faster forward pass on a native runtime, when the format has one (null: use
   * `logits`/`split`). Its tensors belong to the caller.
   */
  fastPass?(x: Tensor4D, layer: string | null, descriptor?: string): Promise<FastPass> | null;
  /**
   * The layer whose features describe what the network saw under a map of `layer` by
   * default: the one feeding it (rules per format in each implementation). Null when
   * `layer` reads the input image itself.
   */
  descriptorLayer(layer: string): string | null;
  /**
   * Guided backprop's input gradient [B, H, W, 3] on a native runtime, for one-hot
   * target rows [B, classes]; null when it cannot (the engine differentiates instead).
   */
  guidedGradient?(x: Tensor4D, targets: Float32Array): Promise<Tensor4D | null>;
  /** Dense weights for CAM when the head is GAP -> dense, else null with the reason. */
  camHead(layer: string): CamHead | { reason: string };
  /** Layers holding weights, output side first: the order of cascading randomisation. */
  weightedLayers(): string[];
  /** Re-initialises a layer's weights at random; returns a function that restores them. */
  randomizeLayer(layer: string, seed: number): () => void;
  dispose(): void;
}
