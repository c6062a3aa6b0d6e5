/**
 * MaxPool gradient that routes each window's gradient to its first maximum, as
 * TensorFlow does. wasm's MaxPoolGrad drops the gradient of windows whose values
 * are all equal (all zero after a ReLU is common), which skews Grad-CAM's channel
 * weights. For non-overlapping windows (stride = window, the usual CNN pooling)
 * this computes it from ops wasm gets right: windows are unfolded into a last axis,
 * ArgMax picks the first maximum, and a one-hot mask carries dy back. Overlapping
 * windows keep the stock gradient.
 */
import { tf } from '../tf';
import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs';

interface MaxPoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** dx for non-overlapping k x k pooling without padding; null if the geometry differs. */
export function nonOverlappingMaxPoolGradient(x: Tensor4D, dy: Tensor4D, attrs: MaxPoolAttrs): Tensor4D | null {
  const [kh, kw] = pair(attrs.filterSize);
  const [sh, sw] = pair(attrs.strides);
  if (kh !== sh || kw !== sw || typeof attrs.pad === 'number') return null;
  const [b, h, w, c] = x.shape;
  const [, oh, ow] = dy.shape;
  // 'same' pads only when the size is not a multiple of the window: refuse that case.
  if (attrs.pad === 'same' && (h % kh !== 0 || w % kw !== 0)) return null;
  if (oh * kh > h || ow * kw > w) return null;
  const cropped = x.slice([0, 0, 0, 0], [b, oh * kh, ow * kw, c]);
  const windows = cropped
    .reshape([b, oh, kh, ow, kw, c])
    .transpose([0, 1, 3, 5, 2, 4])
    .reshape([b, oh, ow, c, kh * kw]);
  const firstMax = tf.oneHot(windows.argMax(4), kh * kw).toFloat();
  const routed = firstMax
    .mul(dy.expandDims(4))
    .reshape([b, oh, ow, c, kh, kw])
    .transpose([0, 1, 4, 2, 5, 3])
    .reshape([b, oh * kh, ow * kw, c]);
  return routed.pad([
    [0, 0],
    [0, h - oh * kh],
    [0, w - ow * kw],
    [0, 0],
  ]) as Tensor4D;
}

export function firstMaxPoolGradient(): GradConfig {
  const stock = tf.getGradient('MaxPool');
  if (!stock) throw new Error('max-pool gradient: tfjs has no gradient registered for MaxPool');
  return {
    kernelName: 'MaxPool',
    inputsToSave: stock.inputsToSave,
    outputsToSave: stock.outputsToSave,
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const stockGrads = stock.gradFunc(dy, saved, attrs);
      const x = saved[0] as Tensor4D;
      return {
        x: () => nonOverlappingMaxPoolGradient(x, dy as Tensor4D, attrs as unknown as MaxPoolAttrs) ?? stockGrads['x']!(),
      };
    },
  };
}
