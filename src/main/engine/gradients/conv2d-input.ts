/**
 * Input gradient of a 2-D convolution, computed as a forward convolution.
 *
 * For y[o] = sum_k x[o*s - p + k] w[k], the gradient is
 *   dx[i] = sum_k dy'[i + p - k] w[k]
 * where dy' is dy with (s-1) zeros inserted between its rows and columns. That is a
 * stride-1 correlation of dy' with the kernel flipped in space and transposed in its
 * channel axes, with padding (kh-1-p) before and whatever makes the size come out
 * right after. Backends run forward convolutions far faster than their
 * Conv2DBackpropInput (wasm's is a naive loop), so this is what makes full input
 * gradients (guided backprop) cheap.
 */
import { tf } from '../tf';
import type { Tensor4D } from '../tf';

type Pair = [number, number];

export interface ConvGeometry {
  strides: Pair;
  padTop: number;
  padLeft: number;
  inHeight: number;
  inWidth: number;
  filterHeight: number;
  filterWidth: number;
}

/** The geometry of an undilated NHWC convolution, as tfjs computes it. */
export function convGeometry(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number | Pair,
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
  depthwise: boolean,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, dimRoundingMode, depthwise);
  return {
    strides: [info.strideHeight, info.strideWidth],
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
  };
}

/** Inserts (stride-1) zeros between rows and columns: the transpose of striding. */
export function dilateWithZeros(dy: Tensor4D, [sh, sw]: Pair): Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [b, h, w, c] = dy.shape;
  const spread = dy
    .reshape([b, h, 1, w, 1, c])
    .pad([
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ])
    .reshape([b, h * sh, w * sw, c]) as Tensor4D;
  return spread.slice([0, 0, 0, 0], [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]) as Tensor4D;
}

/**
 * Padding that turns the dilated dy into dx-sized output under a stride-1 'valid'
 * correlation with a kh x kw kernel. Null when the geometry needs cropping instead.
 */
export function transposePadding(
  dilatedHeight: number,
  dilatedWidth: number,
  g: ConvGeometry,
): [[number, number], [number, number]] | null {
  const top = g.filterHeight - 1 - g.padTop;
  const left = g.filterWidth - 1 - g.padLeft;
  const bottom = g.inHeight - dilatedHeight - top + g.filterHeight - 1;
  const right = g.inWidth - dilatedWidth - left + g.filterWidth - 1;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
  return [
    [top, bottom],
    [left, right],
  ];
}

/** dL/dx of conv2d(x, filter) given dL/dy; null when this geometry is not handled. */
export function conv2dInputGradient(
  dy: Tensor4D,
  filter: Tensor4D,
  g: ConvGeometry,
): Tensor4D | null {
  const dilated = dilateWithZeros(dy, g.strides);
  const padding = transposePadding(dilated.shape[1], dilated.shape[2], g);
  if (padding === null) return null;
  // [kh, kw, in, out] -> flipped in space, channels swapped: [kh, kw, out, in].
  const flipped = filter.reverse([0, 1]).transpose([0, 1, 3, 2]) as Tensor4D;
  return tf.conv2d(dilated, flipped, 1, [[0, 0], padding[0], padding[1], [0, 0]]);
}

/**
 * dL/dx of a depthwise convolution: each channel is its own stride-1 correlation
 * with its flipped kernel. A channel multiplier m > 1 spreads channel c over outputs
 * c*m..c*m+m-1, whose contributions are summed back.
 */
export function depthwiseInputGradient(
  dy: Tensor4D,
  filter: Tensor4D,
  g: ConvGeometry,
): Tensor4D | null {
  const [kh, kw, inC, multiplier] = filter.shape;
  const dilated = dilateWithZeros(dy, g.strides);
  const padding = transposePadding(dilated.shape[1], dilated.shape[2], g);
  if (padding === null) return null;
  const flipped = filter.reverse([0, 1]).reshape([kh, kw, inC * multiplier, 1]) as Tensor4D;
  const perOutput = tf.depthwiseConv2d(dilated, flipped, 1, [[0, 0], padding[0], padding[1], [0, 0]]);
  if (multiplier === 1) return perOutput;
  const [b, h, w] = perOutput.shape;
  return perOutput.reshape([b, h, w, inC, multiplier]).sum(4) as Tensor4D;
}
