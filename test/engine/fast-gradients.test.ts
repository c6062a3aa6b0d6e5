/**
 * The wasm gradient overrides against tfjs's reference kernels on the cpu backend:
 * convolution input gradients as forward convolutions, and first-max pooling.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/main/engine';
import { conv2dInputGradient, convGeometry, depthwiseInputGradient, type ConvGeometry } from '../../src/main/engine/gradients/conv2d-input';
import { nonOverlappingMaxPoolGradient } from '../../src/main/engine/gradients/max-pool';
import { expectClose } from './helpers';

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

function geometryOf(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number, pad: 'same' | 'valid', depthwise: boolean): ConvGeometry {
  return convGeometry(x.shape, filter.shape, stride, pad, depthwise);
}

const CASES = [
  { size: [9, 9], kernel: 3, stride: 1, pad: 'same' },
  { size: [8, 10], kernel: 3, stride: 2, pad: 'same' },
  { size: [9, 7], kernel: 3, stride: 2, pad: 'same' },
  { size: [8, 8], kernel: 5, stride: 1, pad: 'valid' },
  { size: [11, 11], kernel: 3, stride: 2, pad: 'valid' },
  { size: [8, 8], kernel: 1, stride: 2, pad: 'same' },
  { size: [10, 10], kernel: 4, stride: 2, pad: 'same' },
  { size: [7, 7], kernel: 7, stride: 1, pad: 'same' },
] as const;

describe('gradient overrides match the reference on cpu', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  for (const c of CASES) {
    const label = `${c.size.join('x')} k${c.kernel} s${c.stride} ${c.pad}`;
    it(`conv2d input gradient, ${label}`, () => {
      tf.tidy(() => {
        const x = seeded([2, c.size[0], c.size[1], 3], 1) as tf.Tensor4D;
        const filter = seeded([c.kernel, c.kernel, 3, 5], 2) as tf.Tensor4D;
        const y = tf.conv2d(x, filter, c.stride, c.pad);
        const dy = seeded(y.shape, 3) as tf.Tensor4D;
        const reference = tf.conv2dTranspose(dy, filter, x.shape, c.stride, c.pad);
        const fast = conv2dInputGradient(dy, filter, geometryOf(x, filter, c.stride, c.pad, false));
        expect(fast).not.toBeNull();
        expectClose(fast!.dataSync(), reference.dataSync(), 1e-5);
      });
    });

    it(`depthwise input gradient, ${label}`, () => {
      tf.tidy(() => {
        const x = seeded([2, c.size[0], c.size[1], 4], 4) as tf.Tensor4D;
        for (const multiplier of [1, 2]) {
          const filter = seeded([c.kernel, c.kernel, 4, multiplier], 5) as tf.Tensor4D;
          const dy = seeded(tf.depthwiseConv2d(x, filter, c.stride, c.pad).shape, 6) as tf.Tensor4D;
          const reference = tf.grad((input: tf.Tensor) => tf.depthwiseConv2d(input as tf.Tensor4D, filter, c.stride, c.pad).mul(dy).sum())(x);
          const fast = depthwiseInputGradient(dy, filter, geometryOf(x, filter, c.stride, c.pad, true));
          expect(fast).not.toBeNull();
          expectClose(fast!.dataSync(), reference.dataSync(), 1e-5);
        }
      });
    });
  }

  it('max-pool gradient goes to the first maximum, including all-equal windows', () => {
    tf.tidy(() => {
      const x = tf.tensor4d([0, 0, 0, 0, 1, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 5, 5], [1, 5, 4, 1]);
      const dy = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
      const reference = tf.grad((input: tf.Tensor) => tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid').mul(dy).sum())(x);
      const ours = nonOverlappingMaxPoolGradient(x, dy, { filterSize: 2, strides: 2, pad: 'valid' });
      expect(Array.from(ours!.dataSync())).toEqual(Array.from(reference.dataSync()));
      expect(Array.from(ours!.dataSync()).slice(8, 12)).toEqual([3, 0, 4, 0]);
    });
  });

  it('max-pool gradient declines overlapping windows (the stock gradient handles them)', () => {
    const x = tf.zeros([1, 6, 6, 1]) as tf.Tensor4D;
    const dy = tf.zeros([1, 3, 3, 1]) as tf.Tensor4D;
    expect(nonOverlappingMaxPoolGradient(x, dy, { filterSize: 3, strides: 2, pad: 'same' })).toBeNull();
    tf.dispose([x, dy]);
  });
});

describe('the wasm Conv2DBackpropFilter kernel matches cpu', () => {
  const reference = new Map<string, Float32Array>();
  const filterGrad = (c: (typeof CASES)[number]) =>
    tf.tidy(() => {
      const x = seeded([2, c.size[0], c.size[1], 3], 7) as tf.Tensor4D;
      const filter = seeded([c.kernel, c.kernel, 3, 4], 8) as tf.Tensor4D;
      const dy = seeded(tf.conv2d(x, filter, c.stride, c.pad).shape, 9);
      return tf.grad((f: tf.Tensor) => tf.conv2d(x, f as tf.Tensor4D, c.stride, c.pad).mul(dy).sum())(filter).dataSync().slice() as Float32Array;
    });

  it('computes every case', async () => {
    await initBackend('cpu');
    for (const c of CASES) reference.set(JSON.stringify(c), filterGrad(c));
    await initBackend('wasm');
    for (const c of CASES) expectClose(filterGrad(c), reference.get(JSON.stringify(c))!, 1e-5);
  });
});
