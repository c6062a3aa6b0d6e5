/** Convolutions, normalisation, pooling and the dense layers, on channels-last maps. */
import { tf } from '../../tf';
import { transpose } from './transpose';
import type { Tensor, Tensor2D, Tensor4D } from '../../tf';
import { floatAttr, input, intAttr, intsAttr, stringAttr, type OpContext, type OpFn } from './context';
import { axisOf, channelsLast, logical, logicalShape, tensorValue } from './value';

type Padding = [[number, number], [number, number], [number, number], [number, number]];

/** ONNX pads [top, left, bottom, right] (or auto_pad) as tfjs explicit NHWC padding. */
function explicitPadding(ctx: OpContext, inHW: [number, number], kernel: [number, number], strides: [number, number], dilations: [number, number]): Padding {
  const autoPad = stringAttr(ctx, 'auto_pad', 'NOTSET');
  let [top, left, bottom, right] = intsAttr(ctx, 'pads') ?? [0, 0, 0, 0];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const total = inHW.map((size, i) => {
      const out = Math.ceil(size / strides[i]!);
      return Math.max(0, (out - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - size);
    });
    const small = total.map((t) => Math.floor(t / 2));
    const large = total.map((t, i) => t - small[i]!);
    [top, left, bottom, right] = autoPad === 'SAME_UPPER' ? [small[0]!, small[1]!, large[0]!, large[1]!] : [large[0]!, large[1]!, small[0]!, small[1]!];
  } else if (autoPad === 'VALID') {
    [top, left, bottom, right] = [0, 0, 0, 0];
  }
  return [[0, 0], [top!, bottom!], [left!, right!], [0, 0]];
}

function pair(values: number[] | undefined, fallback: number): [number, number] {
  return values && values.length >= 2 ? [values[0]!, values[1]!] : [fallback, fallback];
}

/**
 * A dilated kernel [kh, kw, ...] as the equivalent dense one, zeros between taps:
 * tfjs cannot differentiate dilated convolutions, and the two are the same function.
 */
function dilateKernel(filter: Tensor4D, [dh, dw]: [number, number]): Tensor4D {
  if (dh === 1 && dw === 1) return filter;
  const [kh, kw, a, b] = filter.shape;
  const rows = (kh - 1) * dh + 1;
  const cols = (kw - 1) * dw + 1;
  const data = filter.dataSync();
  const out = new Float32Array(rows * cols * a * b);
  const tap = a * b;
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) out.set(data.subarray((i * kw + j) * tap, (i * kw + j + 1) * tap), (i * dh * cols + j * dw) * tap);
  return tf.tensor4d(out, [rows, cols, a, b]);
}

const conv: OpFn = (ctx) => {
  const x = channelsLast(input(ctx, 0)) as Tensor4D;
  const wShape = logicalShape(input(ctx, 1));
  if (wShape.length !== 4) throw new Error(`only 2-D convolutions are supported (weight of rank ${wShape.length})`);
  const [cOut, cInPerGroup, kh, kw] = wShape as [number, number, number, number];
  const groups = intAttr(ctx, 'group', 1);
  const strides = pair(intsAttr(ctx, 'strides'), 1);
  const dilations = pair(intsAttr(ctx, 'dilations'), 1);
  const pad = explicitPadding(ctx, [x.shape[1], x.shape[2]], [kh, kw], strides, dilations);
  const cIn = x.shape[3];
  const dense = (key: string, make: () => Tensor) => ctx.prepared(key, () => dilateKernel(make() as Tensor4D, dilations)) as Tensor4D;
  let y: Tensor4D;
  if (groups === 1) {
    const filter = dense('filter', () => transpose(logical(input(ctx, 1)), [2, 3, 1, 0]));
    y = tf.conv2d(x, filter, strides, pad);
  } else if (groups === cIn && cInPerGroup === 1) {
    // Depthwise: output channel o reads input channel floor(o / multiplier).
    const multiplier = cOut / cIn;
    const filter = dense('filter', () => transpose(logical(input(ctx, 1)).reshape([cIn, multiplier, kh, kw]), [2, 3, 0, 1]));
    y = tf.depthwiseConv2d(x, filter, strides, pad);
  } else {
    const perGroupOut = cOut / groups;
    const filters = Array.from({ length: groups }, (_, g) =>
      dense(`filter${g}`, () => transpose(logical(input(ctx, 1)).slice([g * perGroupOut, 0, 0, 0], [perGroupOut, cInPerGroup, kh, kw]), [2, 3, 1, 0])),
    );
    const parts = tf.split(x, groups, 3) as Tensor4D[];
    y = tf.concat(parts.map((part, g) => tf.conv2d(part, filters[g]!, strides, pad)), 3) as Tensor4D;
  }
  const bias = ctx.inputs[2];
  if (bias) y = y.add(ctx.prepared('bias', () => logical(bias).reshape([cOut])));
  return [tensorValue(y, true)];
};

const batchNormalization: OpFn = (ctx) => {
  const x = input(ctx, 0);
  const epsilon = floatAttr(ctx, 'epsilon', 1e-5);
  // y = (x - mean) / sqrt(var + eps) * gamma + beta  ==  x * scale + shift.
  const scale = ctx.prepared('scale', () => logical(input(ctx, 1)).div(tf.sqrt(logical(input(ctx, 4)).add(epsilon))));
  const shift = ctx.prepared('shift', () => logical(input(ctx, 2)).sub(logical(input(ctx, 3)).mul(scale)));
  const rank = logicalShape(x).length;
  if (rank === 4) return [tensorValue(channelsLast(x).mul(scale).add(shift), true)];
  // [N, C] or [N, C, L]: channels on axis 1.
  const shape = [scale.size, ...new Array<number>(Math.max(0, rank - 2)).fill(1)];
  return [tensorValue(logical(x).mul(scale.reshape(shape)).add(shift.reshape(shape)))];
};

/** Output size of a pooling window along one axis (ceil_mode rounds up). */
function pooledSize(size: number, kernel: number, stride: number, padBegin: number, padEnd: number, ceil: boolean): number {
  const span = size + padBegin + padEnd - kernel;
  return (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
}

function pool(kind: 'max' | 'avg'): OpFn {
  return (ctx) => {
    const x = channelsLast(input(ctx, 0)) as Tensor4D;
    const kernel = pair(intsAttr(ctx, 'kernel_shape'), 1);
    const strides = pair(intsAttr(ctx, 'strides'), 1);
    const dilations = pair(intsAttr(ctx, 'dilations'), 1);
    if (dilations[0] !== 1 || dilations[1] !== 1) throw new Error('dilated pooling is not supported');
    const [, [top, bottom], [left, right]] = explicitPadding(ctx, [x.shape[1], x.shape[2]], kernel, strides, dilations);
    const ceil = intAttr(ctx, 'ceil_mode', 0) === 1;
    const outH = pooledSize(x.shape[1], kernel[0], strides[0], top, bottom, ceil);
    const outW = pooledSize(x.shape[2], kernel[1], strides[1], left, right, ceil);
    // Pad so a valid pool gives exactly the ONNX output size; ceil mode may need extra.
    const extraBottom = Math.max(0, (outH - 1) * strides[0] + kernel[0] - (x.shape[1] + top + bottom));
    const extraRight = Math.max(0, (outW - 1) * strides[1] + kernel[1] - (x.shape[2] + left + right));
    const padding: Padding = [[0, 0], [top, bottom + extraBottom], [left, right + extraRight], [0, 0]];
    const padded = padding.some(([a, b]) => a + b > 0);
    if (kind === 'max') {
      const source = padded ? tf.pad(x, padding, -3.4e38) : x;
      return [tensorValue(tf.maxPool(source as Tensor4D, kernel, strides, 'valid'), true)];
    }
    if (!padded) return [tensorValue(tf.avgPool(x, kernel, strides, 'valid'), true)];
    const sum = tf.avgPool(tf.pad(x, padding) as Tensor4D, kernel, strides, 'valid').mul(kernel[0] * kernel[1]);
    // count_include_pad counts the explicit pads but never ceil mode's overhang.
    const includePad = intAttr(ctx, 'count_include_pad', 0) === 1;
    const ones = tf.ones([1, x.shape[1], x.shape[2], 1]);
    const countPadding: Padding = includePad ? [[0, 0], [0, extraBottom], [0, extraRight], [0, 0]] : padding;
    const countSource = includePad ? tf.pad(ones, [[0, 0], [top, bottom], [left, right], [0, 0]], 1) : ones;
    const counts = tf.avgPool(tf.pad(countSource, countPadding) as Tensor4D, kernel, strides, 'valid').mul(kernel[0] * kernel[1]);
    return [tensorValue(sum.div(counts), true)];
  };
}

const globalPool = (kind: 'mean' | 'max'): OpFn => (ctx) => {
  const x = channelsLast(input(ctx, 0));
  return [tensorValue(kind === 'mean' ? x.mean([1, 2], true) : x.max([1, 2], true), true)];
};

const gemm: OpFn = (ctx) => {
  let a = logical(input(ctx, 0));
  if (a.rank !== 2) a = a.reshape([a.shape[0]!, -1]);
  const transA = intAttr(ctx, 'transA', 0) === 1;
  const transB = intAttr(ctx, 'transB', 0) === 1;
  const alpha = floatAttr(ctx, 'alpha', 1);
  const beta = floatAttr(ctx, 'beta', 1);
  const b = ctx.prepared('b', () => logical(input(ctx, 1))) as Tensor2D;
  let y: Tensor = tf.matMul(a as Tensor2D, b, transA, transB);
  if (alpha !== 1) y = y.mul(alpha);
  const c = ctx.inputs[2];
  if (c) y = y.add(beta === 1 ? ctx.prepared('c', () => logical(c)) : ctx.prepared('c', () => logical(c).mul(beta)));
  return [tensorValue(y)];
};

const matMul: OpFn = (ctx) => {
  const a = logical(input(ctx, 0));
  const b = logical(input(ctx, 1));
  if (b.rank === 2 && a.rank > 2) {
    // Linear layers on [..., K] inputs (transformer-style blocks): one 2-D product.
    const lead = a.shape.slice(0, -1);
    const y = tf.matMul(a.reshape([-1, a.shape.at(-1)!]) as Tensor2D, b as Tensor2D);
    return [tensorValue(y.reshape([...lead, b.shape[1]!]))];
  }
  return [tensorValue(tf.matMul(a, b))];
};

function softmaxLike(log: boolean): OpFn {
  return (ctx) => {
    const x = logical(input(ctx, 0));
    const axis = axisOf(intAttr(ctx, 'axis', ctx.opset >= 13 ? -1 : 1), x.rank);
    if (axis === x.rank - 1) return [tensorValue(log ? tf.logSoftmax(x) : tf.softmax(x))];
    const perm = [...Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== axis), axis];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    const moved = transpose(x, perm);
    return [tensorValue(transpose(log ? tf.logSoftmax(moved) : tf.softmax(moved), inverse))];
  };
}

const layerNormalization: OpFn = (ctx) => {
  const x = logical(input(ctx, 0));
  const axis = axisOf(intAttr(ctx, 'axis', -1), x.rank);
  const epsilon = floatAttr(ctx, 'epsilon', 1e-5);
  const axes = Array.from({ length: x.rank - axis }, (_, i) => axis + i);
  const { mean, variance } = tf.moments(x, axes, true);
  let y = x.sub(mean).div(tf.sqrt(variance.add(epsilon)));
  y = y.mul(logical(input(ctx, 1)));
  const bias = ctx.inputs[2];
  if (bias) y = y.add(logical(bias));
  return [tensorValue(y)];
};

export const NN_OPS: Record<string, OpFn> = {
  Conv: conv,
  BatchNormalization: batchNormalization,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: globalPool('mean'),
  GlobalMaxPool: globalPool('max'),
  Gemm: gemm,
  MatMul: matMul,
  Softmax: softmaxLike(false),
  LogSoftmax: softmaxLike(true),
  LayerNormalization: layerNormalization,
};
