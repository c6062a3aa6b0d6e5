/**
 * A hand-built model where class 0 is decided by red evidence in the left half and
 * class 1 by blue evidence in the right half: each class's map must lie on its half.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { explainBatch, initBackend, loadModel, type LoadedModel } from '../../src/main/engine';
import type { MethodName } from '../../src/shared/explain';
import { saveLayersModel } from '../../src/main/engine/model/save';
import { tempDir } from '../fixtures/models';
import { massInColumns } from './helpers';

const SIZE = 8;

/** conv 1x1: channel 0 = relu(R - B) (red detector), channel 1 = relu(B - R) (blue detector). */
function leftRightModel(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [SIZE, SIZE, 3], filters: 2, kernelSize: 1, activation: 'relu', name: 'detectors' }));
  m.add(tf.layers.flatten({ name: 'flatten' }));
  m.add(tf.layers.dense({ units: 2, name: 'logits' }));
  const kernel = tf.tensor4d([1, -1, 0, 0, -1, 1], [1, 1, 3, 2]);
  m.getLayer('detectors').setWeights([kernel, tf.zeros([2])]);
  // Flattened index = (y * SIZE + x) * 2 + channel. Class 0 reads red on the left, class 1 blue on the right.
  const dense = new Float32Array(SIZE * SIZE * 2 * 2);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const base = (y * SIZE + x) * 2;
      if (x < SIZE / 2) dense[(base + 0) * 2 + 0] = 1;
      else dense[(base + 1) * 2 + 1] = 1;
    }
  }
  m.getLayer('logits').setWeights([tf.tensor2d(dense, [SIZE * SIZE * 2, 2]), tf.zeros([2])]);
  return m;
}

/** Red blob on the left, blue blob on the right, grey elsewhere; optionally swapped. */
function picture(swapped = false) {
  const data = new Uint8Array(SIZE * SIZE * 3).fill(128);
  const paint = (x0: number, rgb: [number, number, number]) => {
    for (let y = 2; y < 6; y++) for (let x = x0; x < x0 + 3; x++) data.set(rgb, (y * SIZE + x) * 3);
  };
  paint(swapped ? 5 : 0, [230, 20, 20]);
  paint(swapped ? 0 : 5, [20, 20, 230]);
  return { width: SIZE, height: SIZE, data };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`class-discriminative maps on ${backend}`, () => {
    let model: LoadedModel;
    beforeAll(async () => {
      await initBackend(backend);
      const built = leftRightModel();
      const file = await saveLayersModel(built, tempDir(), {
        classes: ['left-red', 'right-blue'],
        inputSize: [SIZE, SIZE],
        preprocess: { scale: '0..1' },
      });
      built.dispose();
      model = await loadModel(file);
    });

    const methods: MethodName[] = ['gradcam', 'gradcampp', 'hirescam', 'guided-backprop', 'guided-gradcam'];
    for (const method of methods) {
      it(`${method}: class 0 lies on the left half, class 1 on the right`, async () => {
        const [out] = await explainBatch(model, [picture()], { methods: [method], target: { kind: 'all' } });
        const [left, right] = out!.maps;
        expect(massInColumns(left!.map, 0, left!.map.width / 2)).toBeGreaterThan(0.95);
        expect(massInColumns(right!.map, right!.map.width / 2, right!.map.width)).toBeGreaterThan(0.95);
      });
    }

    it('evidence in the wrong half does not count: swapped blobs leave both classes without a map', async () => {
      const [out] = await explainBatch(model, [picture(true)], { methods: ['gradcam'], target: { kind: 'all' } });
      // Red now sits right and blue left: class 0's weight on the red detector is positive,
      // but the red detector fires only where class 0 does not look, and vice versa.
      expect(out!.predictions.every((p) => Math.abs(p.logit) < 1e-6)).toBe(true);
      for (const m of out!.maps) {
        const mass = massInColumns(m.map, m.target.index === 0 ? 0 : SIZE / 2, m.target.index === 0 ? SIZE / 2 : SIZE);
        expect(mass).toBe(0);
      }
    });
  });
}
