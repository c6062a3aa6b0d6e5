/**
 * Shape arithmetic and tensor rearrangement. Exporters compute reshape targets from
 * `Shape` (`x.view(x.size(0), -1)`): those run on host arrays. Ops that move data
 * work in ONNX's layout, except where a channels-last map can stay as it is.
 */
import { tf } from '../../tf';
import { transpose as permute } from './transpose';
import type { Tensor } from '../../tf';
import type { Constant } from '../graph';
import { attr, input, intAttr, intsAttr, type OpContext, type OpFn } from './context';
import { TO_CHANNELS_LAST, axisOf, hostData, hostValue, logical, logicalShape, physicalAxis, tensorValue, type Value } from './value';

const passThrough: OpFn = (ctx) => [input(ctx, 0)];

export function constantValue(constant: Constant): Value {
  if (constant.integer) return hostValue(constant.data as number[], constant.dims);
  return tensorValue(tf.tensor(constant.data as Float32Array, constant.dims, 'float32'));
}

/** Axes from the attribute (older opsets) or the second input (newer). */
function axesOf(ctx: OpContext, rank: number, inputIndex = 1): number[] | undefined {
  const fromInput = ctx.inputs[inputIndex];
  const axes = fromInput ? hostData(fromInput, 'axes') : intsAttr(ctx, 'axes');
  return axes?.map((a) => axisOf(a, rank));
}

function product(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function reshapeTarget(shape: number[], target: number[], allowZero: boolean): number[] {
  const dims = target.map((d, i) => (d === 0 && !allowZero ? shape[i]! : d));
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return dims.map((d) => (d === -1 ? product(shape) / known : d));
}

const reshape: OpFn = (ctx) => {
  const x = input(ctx, 0);
  const target = reshapeTarget(logicalShape(x), hostData(input(ctx, 1), 'Reshape shape'), intAttr(ctx, 'allowzero', 0) === 1);
  if (x.kind === 'host') return [hostValue(x.data, target)];
  return [tensorValue(logical(x).reshape(target))];
};

const flatten: OpFn = (ctx) => {
  const x = input(ctx, 0);
  const shape = logicalShape(x);
  const axis = axisOf(intAttr(ctx, 'axis', 1), shape.length);
  const target = [product(shape.slice(0, axis)), product(shape.slice(axis))];
  if (x.kind === 'host') return [hostValue(x.data, target)];
  // A globally pooled [N, C, 1, 1] map flattens the same in either layout.
  if (x.channelsLast && shape[2] === 1 && shape[3] === 1 && axis === 1) return [tensorValue(x.tensor.reshape(target))];
  return [tensorValue(logical(x).reshape(target))];
};

const transpose: OpFn = (ctx) => {
  const x = input(ctx, 0);
  const rank = logicalShape(x).length;
  const perm = intsAttr(ctx, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const same = (p: number[]) => p.length === perm.length && p.every((v, i) => v === perm[i]);
  if (x.kind === 'tensor') {
    // NCHW -> NHWC of a channels-last map is the tensor as held; the reverse re-tags it.
    if (x.channelsLast && same(TO_CHANNELS_LAST)) return [tensorValue(x.tensor)];
    if (!x.channelsLast && rank === 4 && same([0, 3, 1, 2])) return [tensorValue(x.tensor, true)];
  }
  return [tensorValue(permute(logical(x), perm))];
};

const shapeOp: OpFn = (ctx) => {
  const dims = logicalShape(input(ctx, 0));
  const start = axisOf(intAttr(ctx, 'start', 0), dims.length);
  const end = attr(ctx, 'end') === undefined ? dims.length : axisOf(intAttr(ctx, 'end', dims.length), dims.length);
  const picked = dims.slice(start, end);
  return [hostValue(picked, [picked.length])];
};

const size: OpFn = (ctx) => [hostValue([product(logicalShape(input(ctx, 0)))], [])];

const gather: OpFn = (ctx) => {
  const x = input(ctx, 0);
  const indicesValue = input(ctx, 1);
  const indices = hostData(indicesValue, 'Gather indices');
  const shape = logicalShape(x);
  const axis = axisOf(intAttr(ctx, 'axis', 0), shape.length);
  const fixed = indices.map((i) => (i < 0 ? i + shape[axis]! : i));
  const indexDims = indicesValue.kind === 'host' ? indicesValue.dims : [fixed.length];
  const outDims = [...shape.slice(0, axis), ...indexDims, ...shape.slice(axis + 1)];
  if (x.kind === 'host') {
    const outer = product(shape.slice(0, axis));
    const inner = product(shape.slice(axis + 1));
    const data: number[] = [];
    for (let o = 0; o < outer; o++) for (const i of fixed) for (let k = 0; k < inner; k++) data.push(x.data[(o * shape[axis]! + i) * inner + k]!);
    return [hostValue(data, outDims)];
  }
  const t = tf.gather(logical(x), tf.tensor1d(fixed, 'int32'), axis);
  return [tensorValue(t.reshape(outDims))];
};

const unsqueeze: OpFn = (ctx) => {
  const x = input(ctx, 0);
  const shape = logicalShape(x);
  const axes = (axesOf(ctx, shape.length + (ctx.inputs[1] ? hostData(ctx.inputs[1], 'axes').length : (intsAttr(ctx, 'axes') ?? []).length)) ?? []).sort((a, b) => a - b);
  const dims = [...shape];
  for (const a of axes) dims.splice(a, 0, 1);
  if (x.kind === 'host') return [hostValue(x.data, dims)];
  return [tensorValue(logical(x).reshape(dims))];
};

const squeeze: OpFn = (ctx) => {
  const x = input(ctx, 0);
  const shape = logicalShape(x);
  const axes = axesOf(ctx, shape.length) ?? shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
  const dims = shape.filter((_, i) => !axes.includes(i));
  if (x.kind === 'host') return [hostValue(x.data, dims)];
  return [tensorValue(logical(x).reshape(dims))];
};

const concat: OpFn = (ctx) => {
  const values = ctx.inputs.filter((v): v is Value => v !== undefined);
  const rank = logicalShape(values[0]!).length;
  const axis = axisOf(intAttr(ctx, 'axis', 0), rank);
  if (values.every((v) => v.kind === 'host')) {
    if (rank !== 1) throw new Error('host Concat supports 1-D values only');
    const data = values.flatMap((v) => (v as Value & { kind: 'host' }).data);
    return [hostValue(data, [data.length])];
  }
  // DenseNet concatenates feature maps along channels: stay channels-last.
  if (values.every((v) => v.kind === 'tensor' && v.channelsLast)) {
    return [tensorValue(tf.concat(values.map((v) => (v as Value & { kind: 'tensor' }).tensor), physicalAxis(axis)), true)];
  }
  return [tensorValue(tf.concat(values.map(logical), axis))];
};

const slice: OpFn = (ctx) => {
  const x = input(ctx, 0);
  const shape = logicalShape(x);
  const starts = ctx.opset >= 10 ? hostData(input(ctx, 1), 'starts') : intsAttr(ctx, 'starts')!;
  const ends = ctx.opset >= 10 ? hostData(input(ctx, 2), 'ends') : intsAttr(ctx, 'ends')!;
  const axes = (ctx.opset >= 10 ? (ctx.inputs[3] ? hostData(ctx.inputs[3], 'axes') : undefined) : intsAttr(ctx, 'axes')) ?? starts.map((_, i) => i);
  const steps = ctx.opset >= 10 && ctx.inputs[4] ? hostData(ctx.inputs[4], 'steps') : starts.map(() => 1);
  const begin = shape.map(() => 0);
  const end = [...shape];
  const step = shape.map(() => 1);
  axes.forEach((a, i) => {
    const axis = axisOf(a, shape.length);
    const dim = shape[axis]!;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    if (steps[i] !== 1) throw new Error('Slice with steps other than 1 is not supported');
    begin[axis] = clamp(starts[i]!);
    end[axis] = clamp(ends[i]!);
    step[axis] = 1;
  });
  if (x.kind === 'host') {
    if (shape.length !== 1) throw new Error('host Slice supports 1-D values only');
    const data = x.data.slice(begin[0], end[0]);
    return [hostValue(data, [data.length])];
  }
  const sizes = end.map((e, i) => Math.max(0, e - begin[i]!));
  return [tensorValue(tf.slice(logical(x), begin, sizes))];
};

const constantOfShape: OpFn = (ctx) => {
  const dims = hostData(input(ctx, 0), 'ConstantOfShape shape');
  const value = attr(ctx, 'value') as Constant | undefined;
  const fill = value ? Number(value.data[0] ?? 0) : 0;
  if (value?.integer) return [hostValue(new Array<number>(product(dims)).fill(fill), dims)];
  return [tensorValue(tf.fill(dims, fill))];
};

const expand: OpFn = (ctx) => {
  const x = logical(input(ctx, 0));
  const target = hostData(input(ctx, 1), 'Expand shape');
  const rank = Math.max(x.rank, target.length);
  const padded = x.reshape([...new Array<number>(rank - x.rank).fill(1), ...x.shape]);
  const dims = padded.shape.map((d, i) => Math.max(d, target[i - (rank - target.length)] ?? 1));
  return [tensorValue(tf.broadcastTo(padded, dims))];
};

const pad: OpFn = (ctx) => {
  const x = input(ctx, 0);
  const shape = logicalShape(x);
  const pads = ctx.opset >= 11 ? hostData(input(ctx, 1), 'pads') : intsAttr(ctx, 'pads')!;
  const constant = ctx.opset >= 11 && ctx.inputs[2] ? hostData(ctx.inputs[2], 'constant_value')[0]! : Number(attr(ctx, 'value') ?? 0);
  const mode = String(attr(ctx, 'mode') ?? 'constant');
  const axes = ctx.opset >= 18 && ctx.inputs[3] ? hostData(ctx.inputs[3], 'axes').map((a) => axisOf(a, shape.length)) : shape.map((_, i) => i);
  const pairs: [number, number][] = shape.map(() => [0, 0]);
  axes.forEach((axis, i) => (pairs[axis] = [pads[i]!, pads[i + axes.length]!]));
  const onTensor = (t: Tensor, p: [number, number][]) => {
    if (mode === 'constant') return tf.pad(t, p, constant);
    if (mode === 'reflect') return tf.mirrorPad(t, p, 'reflect');
    throw new Error(`Pad mode "${mode}" is not supported`);
  };
  if (x.kind === 'tensor' && x.channelsLast) {
    const physical = TO_CHANNELS_LAST.map((logicalAxis) => pairs[logicalAxis]!);
    return [tensorValue(onTensor(x.tensor, physical), true)];
  }
  return [tensorValue(onTensor(logical(x), pairs))];
};

const cast: OpFn = (ctx) => {
  const x = input(ctx, 0);
  const to = intAttr(ctx, 'to', 1);
  const integer = to !== 1 && to !== 10 && to !== 11;
  if (x.kind === 'host') return [integer ? x : tensorValue(tf.tensor(x.data, x.dims, 'float32'))];
  return [integer && x.tensor.size <= 4096 ? hostValue(Array.from(logical(x).dataSync(), Math.trunc), logicalShape(x)) : x];
};

const range: OpFn = (ctx) => {
  const [start, limit, delta] = [0, 1, 2].map((i) => hostData(input(ctx, i), 'Range')[0]!);
  const data: number[] = [];
  for (let v = start!; delta! > 0 ? v < limit! : v > limit!; v += delta!) data.push(v);
  return [hostValue(data, [data.length])];
};

function hostCompare(fn: (a: number, b: number) => boolean): OpFn {
  return (ctx) => {
    const a = hostData(input(ctx, 0), 'comparison');
    const b = hostData(input(ctx, 1), 'comparison');
    const n = Math.max(a.length, b.length);
    return [hostValue(Array.from({ length: n }, (_, i) => (fn(a[a.length === 1 ? 0 : i]!, b[b.length === 1 ? 0 : i]!) ? 1 : 0)), [n])];
  };
}

const where: OpFn = (ctx) => {
  const condition = hostData(input(ctx, 0), 'Where condition');
  const a = hostData(input(ctx, 1), 'Where');
  const b = hostData(input(ctx, 2), 'Where');
  const n = Math.max(condition.length, a.length, b.length);
  const pick = (v: number[], i: number) => v[v.length === 1 ? 0 : i]!;
  return [hostValue(Array.from({ length: n }, (_, i) => (pick(condition, i) ? pick(a, i) : pick(b, i))), [n])];
};

function reduce(kind: 'mean' | 'sum' | 'max' | 'min'): OpFn {
  return (ctx) => {
    const x = input(ctx, 0);
    const shape = logicalShape(x);
    // ReduceSum took axes as an input from opset 13, the others from opset 18.
    const axesFromInput = kind === 'sum' ? ctx.opset >= 13 : ctx.opset >= 18;
    const axes = (axesFromInput ? (ctx.inputs[1] ? hostData(ctx.inputs[1], 'axes') : undefined) : intsAttr(ctx, 'axes'))?.map((a) => axisOf(a, shape.length)) ?? shape.map((_, i) => i);
    const keep = intAttr(ctx, 'keepdims', 1) === 1;
    const apply = (t: Tensor, ax: number[]) => (kind === 'mean' ? t.mean(ax, keep) : kind === 'sum' ? t.sum(ax, keep) : kind === 'max' ? t.max(ax, keep) : t.min(ax, keep));
    if (x.kind === 'tensor' && x.channelsLast && keep) return [tensorValue(apply(x.tensor, axes.map(physicalAxis)), true)];
    return [tensorValue(apply(logical(x), axes))];
  };
}

const constant: OpFn = (ctx) => {
  const value = attr(ctx, 'value');
  if (value && typeof value === 'object' && !Array.isArray(value)) return [constantValue(value)];
  const scalar = attr(ctx, 'value_float') ?? attr(ctx, 'value_int');
  if (typeof scalar === 'number') return [Number.isInteger(scalar) && attr(ctx, 'value_int') !== undefined ? hostValue([scalar], []) : tensorValue(tf.scalar(scalar))];
  const list = attr(ctx, 'value_ints') ?? attr(ctx, 'value_floats');
  if (Array.isArray(list)) return [attr(ctx, 'value_ints') ? hostValue(list as number[], [list.length]) : tensorValue(tf.tensor1d(list as number[]))];
  throw new Error('Constant without a supported value');
};

export const SHAPE_OPS: Record<string, OpFn> = {
  Identity: passThrough,
  Dropout: passThrough,
  Constant: constant,
  Shape: shapeOp,
  Size: size,
  Gather: gather,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Concat: concat,
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Slice: slice,
  Cast: cast,
  ConstantOfShape: constantOfShape,
  Expand: expand,
  Pad: pad,
  Range: range,
  Equal: hostCompare((a, b) => a === b),
  Less: hostCompare((a, b) => a < b),
  Greater: hostCompare((a, b) => a > b),
  Where: where,
  ReduceMean: reduce('mean'),
  ReduceSum: reduce('sum'),
  ReduceMax: reduce('max'),
  ReduceMin: reduce('min'),
  Floor: (ctx) => [hostValue(hostData(input(ctx, 0), 'Floor').map(Math.floor), logicalShape(input(ctx, 0)))],
  Ceil: (ctx) => [hostValue(hostData(input(ctx, 0), 'Ceil').map(Math.ceil), logicalShape(input(ctx, 0)))],
};
