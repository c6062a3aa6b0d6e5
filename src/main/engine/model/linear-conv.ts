/**
 * A Conv2D layer without activation, computed from plain ops. tfjs-layers runs such
 * a layer as one fused conv+bias op whose custom gradient computes the filter
 * gradient eagerly, which explanations never need and wasm cannot do
 * (no Conv2DBackpropFilter kernel). Plain conv2d + add keep the per-kernel
 * gradients, including the fast input gradient (gradients/fast-conv.ts).
 */
import { tf } from '../tf';
import type { Tensor, Tensor4D } from '../tf';
import type { Layer } from './layers-graph';

interface Conv2DConfig {
  strides: number | [number, number];
  padding: 'valid' | 'same';
  dataFormat?: 'channelsLast' | 'channelsFirst';
  dilationRate?: number | [number, number];
  activation?: string;
  useBias?: boolean;
}

export function isLinearConv2D(layer: Layer): boolean {
  if (layer.getClassName() !== 'Conv2D') return false;
  const config = layer.getConfig() as unknown as Conv2DConfig;
  return (config.activation ?? 'linear') === 'linear' && (config.dataFormat ?? 'channelsLast') === 'channelsLast';
}

/** True while tfjs records a tape, i.e. inside tf.grad. */
export function recordingGradients(): boolean {
  return tf.engine().state.gradientDepth > 0;
}

export function linearConv2D(layer: Layer, x: Tensor): Tensor4D {
  const config = layer.getConfig() as unknown as Conv2DConfig;
  const [kernel, bias] = layer.getWeights();
  const y = tf.conv2d(x as Tensor4D, kernel as Tensor4D, config.strides, config.padding, 'NHWC', config.dilationRate ?? 1);
  return config.useBias === false || !bias ? y : tf.add(y, bias);
}
