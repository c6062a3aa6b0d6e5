/**
 * Values flowing through the ONNX interpreter. Feature maps are NCHW in ONNX but
 * tfjs's kernels are NHWC, so a 4-D tensor may be held channels-last: its logical
 * (ONNX) layout is NCHW, its physical one NHWC. Convolutions and pools keep maps
 * channels-last from end to end; an op that needs ONNX's layout asks for it and pays
 * one transpose. Shape arithmetic (Shape, Gather, Concat of sizes) runs on small
 * host arrays and never reaches tfjs.
 */
import { tf } from '../../tf';
import { transpose } from './transpose';
import type { Tensor } from '../../tf';

export type Value =
  | { kind: 'tensor'; tensor: Tensor; channelsLast: boolean }
  | { kind: 'host'; dims: number[]; data: number[] };

export const TO_CHANNELS_LAST = [0, 2, 3, 1];
export const TO_CHANNELS_FIRST = [0, 3, 1, 2];

export function tensorValue(tensor: Tensor, channelsLast = false): Value {
  return { kind: 'tensor', tensor, channelsLast };
}

export function hostValue(data: number[], dims: number[]): Value {
  return { kind: 'host', dims, data };
}

export function logicalShape(value: Value): number[] {
  if (value.kind === 'host') return value.dims;
  const s = value.tensor.shape;
  return value.channelsLast ? [s[0]!, s[3]!, s[1]!, s[2]!] : s;
}

/** The tensor in ONNX's layout. */
export function logical(value: Value): Tensor {
  if (value.kind === 'host') return tf.tensor(value.data, value.dims, 'float32');
  return value.channelsLast ? transpose(value.tensor, TO_CHANNELS_FIRST) : value.tensor;
}

/** A 4-D feature map, NHWC. */
export function channelsLast(value: Value): Tensor {
  if (value.kind === 'tensor' && value.channelsLast) return value.tensor;
  const t = logical(value);
  if (t.rank !== 4) throw new Error(`expected a 4-D feature map, got shape [${t.shape.join(', ')}]`);
  return transpose(t, TO_CHANNELS_LAST);
}

/** Host values (shapes, indices, axes) as numbers. */
export function hostData(value: Value, what: string): number[] {
  if (value.kind === 'host') return value.data;
  // A small integer tensor computed by tfjs (rare): read it; shapes are never differentiated.
  if (value.tensor.size > 4096) throw new Error(`${what} must be a small constant, got a tensor of ${value.tensor.size} values`);
  return Array.from(logical(value).dataSync());
}

/**
 * Brings operands of an elementwise op to one layout: if any is a channels-last map,
 * the others are broadcast-aligned to rank 4 and transposed the same way.
 */
export function aligned(values: Value[]): { tensors: Tensor[]; channelsLast: boolean } {
  const anyLast = values.some((v) => v.kind === 'tensor' && v.channelsLast);
  if (!anyLast) return { tensors: values.map(logical), channelsLast: false };
  const tensors = values.map((v) => {
    if (v.kind === 'tensor' && v.channelsLast) return v.tensor;
    const t = logical(v);
    if (t.rank > 4) throw new Error(`cannot broadcast a rank-${t.rank} tensor with a feature map`);
    const padded = t.rank === 4 ? t : t.reshape([...new Array<number>(4 - t.rank).fill(1), ...t.shape]);
    return transpose(padded, TO_CHANNELS_LAST);
  });
  return { tensors, channelsLast: true };
}

/** Normalises a possibly negative axis. */
export function axisOf(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Where a logical NCHW axis lives in the channels-last tensor. */
export function physicalAxis(axis: number): number {
  return [0, 3, 1, 2][axis]!;
}
