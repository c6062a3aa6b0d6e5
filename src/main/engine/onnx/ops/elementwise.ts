/** Activations and elementwise arithmetic, layout-preserving. */
import { tf } from '../../tf';
import type { Tensor } from '../../tf';
import { floatAttr, input, type OpContext, type OpFn } from './context';
import { aligned, hostData, hostValue, tensorValue, type Value } from './value';

function unary(fn: (t: Tensor, ctx: OpContext) => Tensor): OpFn {
  return (ctx) => {
    const x = input(ctx, 0);
    if (x.kind === 'host') return [tensorValue(fn(tf.tensor(x.data, x.dims, 'float32'), ctx))];
    return [tensorValue(fn(x.tensor, ctx), x.channelsLast)];
  };
}

/** Broadcast shape of host operands (numpy rules). */
function broadcastDims(a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    return x === 1 ? y : x;
  });
}

function hostBinary(a: Value & { kind: 'host' }, b: Value & { kind: 'host' }, fn: (x: number, y: number) => number): Value {
  const dims = broadcastDims(a.dims, b.dims);
  const size = dims.reduce((p, d) => p * d, 1);
  const at = (v: { dims: number[]; data: number[] }, flat: number) => {
    if (v.data.length === 1) return v.data[0]!;
    if (v.data.length === size) return v.data[flat]!;
    throw new Error(`cannot broadcast shapes [${a.dims.join(', ')}] and [${b.dims.join(', ')}] on the host`);
  };
  return hostValue(Array.from({ length: size }, (_, i) => fn(at(a, i), at(b, i))), dims);
}

function binary(fn: (a: Tensor, b: Tensor) => Tensor, onHost?: (x: number, y: number) => number): OpFn {
  return (ctx) => {
    const a = input(ctx, 0);
    const b = input(ctx, 1);
    if (onHost && a.kind === 'host' && b.kind === 'host') return [hostBinary(a, b, onHost)];
    const { tensors, channelsLast } = aligned([a, b]);
    return [tensorValue(fn(tensors[0]!, tensors[1]!), channelsLast)];
  };
}

function variadic(fn: (a: Tensor, b: Tensor) => Tensor): OpFn {
  return (ctx) => {
    const { tensors, channelsLast } = aligned(ctx.inputs.filter((v): v is Value => v !== undefined));
    return [tensorValue(tensors.slice(1).reduce(fn, tensors[0]!), channelsLast)];
  };
}

/** Clip's bounds: inputs since opset 11, attributes before. */
function clipBounds(ctx: OpContext): [number, number] {
  if (ctx.opset >= 11) {
    const lo = ctx.inputs[1] ? hostData(ctx.inputs[1], 'Clip min')[0]! : -Infinity;
    const hi = ctx.inputs[2] ? hostData(ctx.inputs[2], 'Clip max')[0]! : Infinity;
    return [lo, hi];
  }
  return [floatAttr(ctx, 'min', -Infinity), floatAttr(ctx, 'max', Infinity)];
}

// ReLU and ReLU6 go through tfjs's Relu/Relu6 kernels so guided backprop's gradient
// overrides apply to them, as they do for TensorFlow.js models.
const clip = unary((t, ctx) => {
  const [lo, hi] = clipBounds(ctx);
  if (lo === 0 && hi === 6) return tf.relu6(t);
  if (lo === 0 && hi === Infinity) return tf.relu(t);
  return tf.clipByValue(t, lo, hi);
});

const hardSigmoid = (t: Tensor, alpha: number, beta: number) => tf.clipByValue(t.mul(alpha).add(beta), 0, 1);

export const ELEMENTWISE_OPS: Record<string, OpFn> = {
  Relu: unary((t) => tf.relu(t)),
  Clip: clip,
  Sigmoid: unary((t) => tf.sigmoid(t)),
  Tanh: unary((t) => tf.tanh(t)),
  HardSigmoid: unary((t, ctx) => hardSigmoid(t, floatAttr(ctx, 'alpha', 0.2), floatAttr(ctx, 'beta', 0.5))),
  HardSwish: unary((t) => t.mul(hardSigmoid(t, 1 / 6, 0.5))),
  LeakyRelu: unary((t, ctx) => tf.leakyRelu(t, floatAttr(ctx, 'alpha', 0.01))),
  Elu: unary((t) => tf.elu(t)),
  Erf: unary((t) => tf.erf(t)),
  Gelu: unary((t) => t.mul(0.5).mul(tf.erf(t.div(Math.SQRT2)).add(1))),
  Softplus: unary((t) => tf.softplus(t)),
  Neg: unary((t) => tf.neg(t)),
  Abs: unary((t) => tf.abs(t)),
  Sqrt: unary((t) => tf.sqrt(t)),
  Exp: unary((t) => tf.exp(t)),
  Log: unary((t) => tf.log(t)),
  Reciprocal: unary((t) => tf.reciprocal(t)),
  Add: binary((a, b) => tf.add(a, b), (x, y) => x + y),
  Sub: binary((a, b) => tf.sub(a, b), (x, y) => x - y),
  Mul: binary((a, b) => tf.mul(a, b), (x, y) => x * y),
  // Integer division on the host is ONNX's truncation (shape arithmetic is integral).
  Div: binary((a, b) => tf.div(a, b), (x, y) => Math.trunc(x / y)),
  Pow: binary((a, b) => tf.pow(a, b)),
  Max: variadic((a, b) => tf.maximum(a, b)),
  Min: variadic((a, b) => tf.minimum(a, b)),
  Sum: variadic((a, b) => tf.add(a, b)),
  Mean: (ctx) => {
    const n = ctx.inputs.filter(Boolean).length;
    const [sum] = variadic((a, b) => tf.add(a, b))(ctx);
    return [tensorValue((sum as Value & { kind: 'tensor' }).tensor.div(n), (sum as Value & { kind: 'tensor' }).channelsLast)];
  },
};
