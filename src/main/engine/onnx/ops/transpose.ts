/**
 * Axis permutation done in JavaScript. tfjs-wasm's Transpose kernel takes about a
 * second for a [8, 224, 224, 3] batch, and ONNX's NCHW meets tfjs's NHWC at every
 * runtime boundary; a plain loop over the data takes a few milliseconds. The
 * gradient is the inverse permutation, so it can sit inside tf.grad.
 */
import { tf } from '../../tf';
import type { Tensor } from '../../tf';

function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

/** `data` of `shape` with its axes permuted: out axis i is input axis perm[i]. */
export function permuteData(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = strides(shape);
  const step = perm.map((p) => inStrides[p]!);
  if (outShape.length === 4) {
    const [a, b, c, d] = outShape as [number, number, number, number];
    const [sa, sb, sc, sd] = step as [number, number, number, number];
    let o = 0;
    for (let i = 0; i < a; i++)
      for (let j = 0; j < b; j++)
        for (let k = 0; k < c; k++) {
          let at = i * sa + j * sb + k * sc;
          for (let l = 0; l < d; l++, at += sd) out[o++] = data[at]!;
        }
    return out;
  }
  const index = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let at = 0;
    for (let i = 0; i < index.length; i++) at += index[i]! * step[i]!;
    out[o] = data[at]!;
    for (let i = index.length - 1; i >= 0; i--) {
      if (++index[i]! < outShape[i]!) break;
      index[i] = 0;
    }
  }
  return out;
}

function inverse(perm: readonly number[]): number[] {
  return perm.map((_, i) => perm.indexOf(i));
}

/** tf.transpose's result, computed in JavaScript, differentiable. */
export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.every((p, i) => p === i)) return x;
  const permuted = tf.customGrad((input) => {
    const t = input as Tensor;
    const value = tf.tensor(permuteData(t.dataSync() as Float32Array, t.shape, perm), perm.map((p) => t.shape[p]!), 'float32');
    return { value, gradFunc: (dy) => transpose(dy as Tensor, inverse(perm)) };
  });
  return permuted(x);
}
