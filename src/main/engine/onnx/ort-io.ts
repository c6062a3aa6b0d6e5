/** Tensors across the boundary between the engine (tfjs, NHWC) and ONNX Runtime. */
import { tf } from '../tf';
import type { Tensor4D } from '../tf';
import type { OnnxInput } from './onnx-network';
import { hostValue, tensorValue, type Value } from './ops/value';
import { permuteData } from './ops/transpose';
import { floatTensor, type OrtTensor } from './runtime';

/** The engine's NHWC batch as the model's input tensor (NCHW for PyTorch exports). */
export function modelInput(x: Tensor4D, input: OnnxInput): OrtTensor {
  const [b, h, w, c] = x.shape;
  const nhwc = x.dataSync() as Float32Array;
  if (input.layout === 'NHWC') return floatTensor(nhwc, [b, h, w, c]);
  return floatTensor(permuteData(nhwc, x.shape, [0, 3, 1, 2]), [b, c, h, w]);
}

/** An output as an interpreter value: integer ones (shapes) stay on the host. */
export function outputValue(out: OrtTensor): Value {
  const shape = [...out.dims].map(Number);
  if (out.type === 'int64' || out.type === 'int32') return hostValue(Array.from(out.data as ArrayLike<number | bigint>, Number), shape);
  return tensorValue(tf.tensor(out.data as Float32Array, shape, 'float32'));
}

/** A gradient with respect to the model's input, back in the engine's NHWC. */
export function inputGradient(out: OrtTensor, input: OnnxInput): Tensor4D {
  const dims = [...out.dims].map(Number) as [number, number, number, number];
  const data = out.data as Float32Array;
  if (input.layout === 'NHWC') return tf.tensor4d(data, dims);
  const [b, c, h, w] = dims;
  return tf.tensor4d(permuteData(data, dims, [0, 2, 3, 1]), [b, h, w, c]);
}
