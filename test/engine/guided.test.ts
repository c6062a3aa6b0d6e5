/** Guided backpropagation gates gradients; Guided Grad-CAM is GB times upsampled Grad-CAM. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { explainBatch, initBackend, loadModel, type LoadedModel } from '../../src/main/engine';
import { withGradients } from '../../src/main/engine/gradients/registry';
import { GUIDED_RELU_GRADIENTS } from '../../src/main/engine/gradients/guided-relu';
import { guidedBackprop, upsample, channelSummedMagnitude } from '../../src/main/engine/methods/guided';
import { toInputTensor } from '../../src/main/engine/preprocess';
import { FIXTURES, saveFixture, syntheticImages, tempDir } from '../fixtures/models';
import { expectClose } from './helpers';

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`guided methods on ${backend}`, () => {
    let model: LoadedModel;
    beforeAll(async () => {
      await initBackend(backend);
      model = await loadModel(await saveFixture(FIXTURES.find((f) => f.name === 'residual')!, tempDir()));
    });

    it('a guided ReLU passes only positive gradients where its input was positive', () => {
      const x = tf.tensor1d([-2, -1, 1, 2, 3, 0.5]);
      const w = tf.tensor1d([1, -1, 1, -1, 2, -3]);
      const f = (v: tf.Tensor) => tf.relu(v).mul(w).sum();
      const plain = (tf.grad(f)(x).arraySync() as number[]).map((v) => v + 0); // -0 -> 0
      const guided = (withGradients(GUIDED_RELU_GRADIENTS, () => tf.grad(f)(x)).arraySync() as number[]).map((v) => v + 0);
      expect(plain).toEqual([0, 0, 1, -1, 2, -3]);
      expect(guided).toEqual([0, 0, 1, 0, 2, 0]);
      // The override is gone afterwards.
      expect((tf.grad(f)(x).arraySync() as number[]).map((v) => v + 0)).toEqual(plain);
    });

    it('guided backprop differs from the plain input gradient and keeps no negative flow', () => {
      const x = toInputTensor(syntheticImages(2, 16, 4), model.config);
      const oneHot = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3).toFloat() as tf.Tensor2D;
      const guided = guidedBackprop(model.network, x, () => oneHot);
      const plain = tf.grad((input: tf.Tensor) => model.network.logits(input as tf.Tensor4D).mul(oneHot).sum())(x);
      const diff = tf.abs(guided.sub(plain)).max().dataSync()[0]!;
      expect(diff).toBeGreaterThan(1e-6);
      expect(tf.abs(guided).max().dataSync()[0]!).toBeGreaterThan(0);
      tf.dispose([x, oneHot, guided, plain]);
    });

    it('guided Grad-CAM equals guided backprop times the upsampled Grad-CAM, pixel by pixel', async () => {
      const images = syntheticImages(2, 16, 8);
      const out = await explainBatch(model, images, { methods: ['gradcam', 'guided-gradcam'], target: { kind: 'all' } });
      const x = toInputTensor(images, model.config);
      for (let target = 0; target < 3; target++) {
        const oneHot = tf.oneHot(tf.tensor1d([target, target], 'int32'), 3).toFloat() as tf.Tensor2D;
        const gb = guidedBackprop(model.network, x, () => oneHot);
        out.forEach((image, b) => {
          const cam = image.maps.find((m) => m.method === 'gradcam' && m.target.index === target)!.map;
          const ggc = image.maps.find((m) => m.method === 'guided-gradcam' && m.target.index === target)!.map;
          const expected = tf.tidy(() => {
            const up = upsample(tf.tensor3d(cam.data, [1, cam.height, cam.width]), 16, 16);
            return channelSummedMagnitude(gb.slice([b, 0, 0, 0], [1, 16, 16, 3]).mul(up)).dataSync();
          });
          expectClose(ggc.data, expected, 1e-5);
        });
        tf.dispose([oneHot, gb]);
      }
      x.dispose();
    });
  });
}
