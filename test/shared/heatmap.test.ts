import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { massInBox, upsampleBilinear } from '../../src/shared/heatmap';

describe('heatmap helpers', () => {
  it('bilinear upsampling matches tfjs resizeBilinear with half-pixel centres', async () => {
    await tf.setBackend('cpu');
    const data = Float32Array.from({ length: 12 }, (_, i) => (i * 7) % 5);
    const ours = upsampleBilinear({ width: 4, height: 3, data }, 11, 9);
    const reference = tf.image.resizeBilinear(tf.tensor4d(data, [1, 3, 4, 1]), [9, 11], false, true).dataSync();
    ours.data.forEach((v, i) => expect(v).toBeCloseTo(reference[i]!, 5));
  });

  it('mass in a box is the share of positive mass inside it', () => {
    const map = { width: 4, height: 2, data: Float32Array.from([1, 1, 0, 0, 1, 1, 0, -5]) };
    expect(massInBox(map, { x0: 0, y0: 0, x1: 2, y1: 2 })).toBe(1);
    expect(massInBox(map, { x0: 0, y0: 0, x1: 1, y1: 1 })).toBe(0.25);
    expect(massInBox({ width: 1, height: 1, data: new Float32Array(1) }, { x0: 0, y0: 0, x1: 1, y1: 1 })).toBe(0);
  });
});
