/**
 * Conv2D and DepthwiseConv2dNative gradients whose input part runs as a forward
 * convolution (see conv2d-input.ts). Installed on backends whose backward
 * convolution is slow (wasm) or missing (wasm has no
 * DepthwiseConv2dNativeBackpropInput). The filter part keeps the stock gradient:
 * explanations never differentiate with respect to weights.
 */
import { tf } from '../tf';
import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs';
import { conv2dInputGradient, convGeometry, depthwiseInputGradient, type ConvGeometry } from './conv2d-input';

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

function geometry(x: Tensor4D, filter: Tensor4D, attrs: ConvAttrs, depthwise: boolean): ConvGeometry | null {
  const dilations = pair(attrs.dilations ?? 1);
  if (dilations[0] !== 1 || dilations[1] !== 1) return null;
  if (attrs.dataFormat === 'NCHW') return null;
  return convGeometry(x.shape, filter.shape, attrs.strides, attrs.pad, depthwise, attrs.dimRoundingMode);
}

/** Wraps the stock gradient, replacing the input part where the geometry allows. */
function fastInputGradient(kernelName: string, depthwise: boolean): GradConfig {
  const stock = tf.getGradient(kernelName);
  if (!stock) throw new Error(`fast-conv: tfjs has no gradient registered for ${kernelName}`);
  return {
    kernelName,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const stockGrads = stock.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [Tensor4D, Tensor4D];
      const g = geometry(x, filter, attrs as unknown as ConvAttrs, depthwise);
      if (g === null) return stockGrads;
      const dy4 = dy as Tensor4D;
      const inputGradient = depthwise
        ? () => depthwiseInputGradient(dy4, filter, g) ?? stockGrads['x']!()
        : () => conv2dInputGradient(dy4, filter, g) ?? stockGrads['x']!();
      return { ...stockGrads, x: inputGradient };
    },
  };
}

export function fastConvGradients(): GradConfig[] {
  return [fastInputGradient('Conv2D', false), fastInputGradient('DepthwiseConv2dNative', true)];
}
