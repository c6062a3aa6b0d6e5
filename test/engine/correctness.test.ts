/**
 * The maths, checked against things that would fail if it were wrong: finite
 * differences, CAM = Grad-CAM on a GAP head, softmax-terminated = logit models.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { explainBatch, initBackend, loadModel, type LoadedModel } from '../../src/main/engine';
import { toInputTensor } from '../../src/main/engine/preprocess';
import { FIXTURES, saveFixture, syntheticImages, tempDir } from '../fixtures/models';
import { expectClose } from './helpers';

const fixture = (name: string) => FIXTURES.find((f) => f.name === name)!;
const dir = tempDir();
let gapLogits: LoadedModel;
let gapSoftmax: LoadedModel;
let poolHead: LoadedModel;

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`correctness on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend(backend);
      gapLogits = await loadModel(await saveFixture(fixture('gap-logits'), dir));
      gapSoftmax = await loadModel(await saveFixture(fixture('gap-softmax'), dir));
      poolHead = await loadModel(await saveFixture(fixture('pool-head'), dir));
    });

    it('the head gradient Grad-CAM uses matches finite differences', () => {
      const model = gapLogits;
      const split = model.network.split('conv_last');
      const x = toInputTensor(syntheticImages(1, 16, 3), model.config);
      const { activation, context } = split.body(x);
      const target = 1;
      const score = (a: tf.Tensor) => split.head(a as tf.Tensor4D, context).slice([0, target], [1, 1]).sum();
      const analytic = tf.grad(score)(activation).dataSync();
      const base = activation.dataSync();
      const eps = 1e-2;
      // The head is linear in A after GAP, so central differences are exact up to rounding.
      for (const i of [0, 5, 17, 100, 333, base.length - 1]) {
        const bump = (delta: number) => {
          const values = Float32Array.from(base);
          values[i]! += delta;
          return tf.tidy(() => score(tf.tensor4d(values, activation.shape)).dataSync()[0]!);
        };
        const numeric = (bump(eps) - bump(-eps)) / (2 * eps);
        expect(analytic[i]!).toBeCloseTo(numeric, 3);
      }
      tf.dispose([x, activation]);
    });

    it('the full input gradient (guided backprop path) matches finite differences without guidance', () => {
      const model = poolHead;
      const x = toInputTensor(syntheticImages(1, 16, 5), model.config);
      const score = (input: tf.Tensor) => model.network.logits(input as tf.Tensor4D).slice([0, 2], [1, 1]).sum();
      const analytic = tf.grad(score)(x).dataSync();
      const base = x.dataSync();
      const eps = 1e-3;
      let checked = 0;
      for (const i of [1, 40, 97, 250, 511, 700]) {
        const bump = (delta: number) => {
          const values = Float32Array.from(base);
          values[i]! += delta;
          return tf.tidy(() => score(tf.tensor4d(values, x.shape)).dataSync()[0]!);
        };
        const numeric = (bump(eps) - bump(-eps)) / (2 * eps);
        expect(Math.abs(analytic[i]! - numeric)).toBeLessThan(2e-3 + 0.02 * Math.abs(numeric));
        checked++;
      }
      expect(checked).toBe(6);
      x.dispose();
    });

    it('CAM equals Grad-CAM times h*w on a GAP -> dense head', async () => {
      const images = syntheticImages(2, 16, 9);
      const [camOut, gradOut] = [
        await explainBatch(gapLogits, images, { methods: ['cam'], target: { kind: 'all' } }),
        await explainBatch(gapLogits, images, { methods: ['gradcam'], target: { kind: 'all' } }),
      ];
      camOut.forEach((image, b) =>
        image.maps.forEach((m, i) => {
          const g = gradOut[b]!.maps[i]!.map;
          const z = g.width * g.height;
          expectClose(m.map.data, g.data.map((v) => v * z), 1e-4);
        }),
      );
    });

    it('HiResCAM equals Grad-CAM on a GAP head and differs on a pooled, flattened head', async () => {
      const images = syntheticImages(2, 16, 13);
      const hi = await explainBatch(gapLogits, images, { methods: ['hirescam', 'gradcam'] });
      hi.forEach((image) => expectClose(image.maps[0]!.map.data, image.maps[1]!.map.data, 1e-4));
      const pooled = await explainBatch(poolHead, images, { methods: ['hirescam', 'gradcam'], target: { kind: 'all' } });
      const differs = pooled.some((image) => {
        const [a, b] = [image.maps.filter((m) => m.method === 'hirescam'), image.maps.filter((m) => m.method === 'gradcam')];
        return a.some((m, i) => m.map.data.some((v, j) => Math.abs(v - b[i]!.map.data[j]!) > 1e-3));
      });
      expect(differs).toBe(true);
    });

    it('CAM is refused on a head that is not GAP -> dense, naming what it found', async () => {
      await expect(explainBatch(poolHead, syntheticImages(1, 16), { methods: ['cam'] })).rejects.toThrow(/MaxPooling2D "pool_after"/);
    });

    it('a softmax-terminated model gives the same maps as its logit twin', async () => {
      expect(gapSoftmax.network.endsInSoftmax).toBe(true);
      expect(gapLogits.network.endsInSoftmax).toBe(false);
      const images = syntheticImages(2, 16, 21);
      const methods = ['gradcam', 'gradcampp', 'hirescam', 'counterfactual', 'guided-backprop'] as const;
      const a = await explainBatch(gapSoftmax, images, { methods, target: { kind: 'all' } });
      const b = await explainBatch(gapLogits, images, { methods, target: { kind: 'all' } });
      a.forEach((image, i) => {
        image.maps.forEach((m, j) => expectClose(m.map.data, b[i]!.maps[j]!.map.data, 1e-5));
        image.predictions.forEach((p, j) => {
          expect(p.logit).toBeCloseTo(b[i]!.predictions[j]!.logit, 5);
          expect(p.prob).toBeCloseTo(b[i]!.predictions[j]!.prob, 5);
        });
        const sum = image.predictions.reduce((s, p) => s + p.prob, 0);
        expect(sum).toBeCloseTo(1, 5);
      });
    });
  });
}
