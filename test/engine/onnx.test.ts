/**
 * ONNX models exported from PyTorch: logits and every CAM method against float64
 * PyTorch autograd on the same weights (scripts/fixtures/onnx-models.py), guided
 * backprop against PyTorch's guided ReLU, the head's gradient against finite
 * differences, and ONNX Runtime's forward pass against the interpreter's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/main/engine/tf';
import type { Tensor2D, Tensor4D } from '../../src/main/engine/tf';
import { channelSummedMagnitude, guidedBackprop } from '../../src/main/engine/methods/guided';
import type { OnnxNetwork } from '../../src/main/engine/onnx/onnx-network';
import { initBackend, liveTensors, loadModel, type LoadedModel } from '../../src/main/engine';
import { explainBatch } from '../../src/main/engine/explain';
import { toInputTensor } from '../../src/main/engine/preprocess';
import type { MethodName } from '../../src/shared/explain';
import { fixtureImages, onnxFixture, relativeError, type OnnxReference } from '../fixtures/onnx-models';
import type { RgbImage } from '../../src/main/engine/preprocess';
import { seededRandom } from '../../src/shared/random';

const CASES = [
  { name: 'tiny-gap', defaultLayer: 'features.7', classes: ['cat', 'dog', 'bird'] },
  { name: 'tiny-flatten', defaultLayer: 'features.3', classes: ['a', 'b', 'c', 'd'] },
  { name: 'resnet18', defaultLayer: 'layer4', classes: null },
  { name: 'mobilenet_v2', defaultLayer: 'features.18', classes: null },
] as const;

/**
 * Grad-CAM++ divides by 2g^2 + sum(A) g^3, which nearly cancels at some cells of inner
 * layers (mobilenet_v2 features.14): there float32 against float64 differs by a few
 * percent however the gradient is computed. At the usual layers it agrees to 1e-5.
 */
const TOLERANCE: Record<string, number> = { gradcampp: 5e-2 };

/**
 * mobilenet_v2's features.14 feeds a head holding ReLU6 inputs within float32 noise
 * of a kink: ONNX Runtime's activation and the interpreter's differ by 5e-6 of their
 * max, and either flips a unit for one of the two pictures (each for a different
 * one), which moves Grad-CAM by 1.5e-2 and Grad-CAM++ by 0.8 of the map's max. The
 * float64 reference is no yardstick there; the picture whose units do not flip
 * must still match.
 */
const KINKED: Record<string, number> = { 'mobilenet_v2 features.14': 1 };

beforeAll(async () => {
  await initBackend('wasm');
});

for (const c of CASES) {
  describe(`ONNX ${c.name}`, () => {
    let model: LoadedModel;
    let reference: OnnxReference;
    let guided: Float32Array;
    let images: RgbImage[];
    beforeAll(async () => {
      const fixture = onnxFixture(c.name);
      ({ reference, guided } = fixture);
      model = await loadModel(fixture.model, { threads: 1 });
      images = await fixtureImages(c.name, reference);
    });
    afterAll(() => model.network.dispose());

    it('reads classes, input and the default layer as pytorch-grad-cam users name it', () => {
      expect(model.network.kind).toBe('onnx');
      expect(model.defaultLayer).toBe(c.defaultLayer);
      expect(model.config.classes).toEqual(c.classes ?? reference.classes);
      const layer = model.network.layers.find((l) => l.name === c.defaultLayer)!;
      const [k, h, w] = reference.layers[c.defaultLayer]!.shape;
      expect(layer.shape).toEqual([h, w, k]);
      expect(layer.candidate).toBe(true);
    });

    it('gives PyTorch\'s logits and, at each layer, every CAM method\'s map within 1e-3 of its max', async () => {
      // Filters are prepared on first use and kept: warm every layer up, then count.
      for (const [layer, entry] of Object.entries(reference.layers)) {
        await explainBatch(model, images.slice(0, 1), { methods: Object.keys(entry.maps) as MethodName[], layer });
      }
      const before = liveTensors();
      for (const [layer, entry] of Object.entries(reference.layers)) {
        const methods = Object.keys(entry.maps) as MethodName[];
        const out = await explainBatch(model, images, { methods, layer });
        out.forEach((explanation, b) => {
          const logits = reference.classes.map((_, i) => explanation.predictions.find((p) => p.index === i)!.logit);
          expect(relativeError(logits, reference.logits[b]!)).toBeLessThan(1e-3);
          expect(explanation.predictions[0]!.index).toBe(reference.predicted[b]);
          for (const map of explanation.maps) {
            const want = entry.maps[map.method]![b]!.flat();
            expect(map.map.width * map.map.height).toBe(want.length);
            const error = relativeError(map.map.data, want);
            if (KINKED[`${c.name} ${layer}`] === b) continue;
            expect(error, `${layer} ${map.method} image ${b}`).toBeLessThan(TOLERANCE[map.method] ?? 1e-3);
          }
        });
      }
      expect(liveTensors()).toBe(before);
    });

    it('guided backprop, run natively from the reverse-mode graph, matches PyTorch\'s guided ReLU gradients', async () => {
      const out = await explainBatch(model, images, { methods: ['guided-backprop'] });
      expect((model.network as OnnxNetwork).guidedFallback).toBeNull();
      const hw = images[0]!.width * images[0]!.height;
      out.forEach((explanation, b) => {
        expect(relativeError(explanation.maps[0]!.map.data, guided.subarray(b * hw, (b + 1) * hw))).toBeLessThan(1e-4);
      });
    });

    it('the interpreter\'s guided backprop (used where the graph transform declines) agrees with PyTorch too', () => {
      const x = toInputTensor(images, model.config);
      const oneHot = tf.oneHot(tf.tensor1d(reference.predicted, 'int32'), reference.classes.length).toFloat() as Tensor2D;
      const pixels = guidedBackprop(model.network, x, () => oneHot);
      const maps = channelSummedMagnitude(pixels).dataSync();
      const hw = images[0]!.width * images[0]!.height;
      for (let b = 0; b < images.length; b++) {
        const want = guided.subarray(b * hw, (b + 1) * hw);
        const got = maps.subarray(b * hw, (b + 1) * hw);
        // A ReLU whose input is within float32 noise of 0 can switch and move a few pixels.
        const max = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        let off = 0;
        for (let i = 0; i < hw; i++) if (Math.abs(got[i]! - want[i]!) > 1e-3 * max) off++;
        expect(off / hw).toBeLessThan(0.002);
        expect(relativeError(got, want)).toBeLessThan(1e-2);
      }
      tf.dispose([x, oneHot, pixels]);
    });
  });
}

describe('ONNX layers by name, runtime and finite differences', () => {
  let resnet: LoadedModel;
  let images: RgbImage[];
  beforeAll(async () => {
    const fixture = onnxFixture('resnet18');
    resnet = await loadModel(fixture.model, { threads: 1 });
    images = (await fixtureImages('resnet18', fixture.reference)).slice(0, 1);
  });
  afterAll(() => resnet.network.dispose());

  it('lists layers by module path and accepts a raw node or tensor name for the same layer', async () => {
    const names = resnet.network.layers.map((l) => l.name);
    for (const name of ['conv1', 'layer1', 'layer2', 'layer3', 'layer4', 'layer4.0', 'layer4.1.conv1']) expect(names).toContain(name);
    expect(names.indexOf('layer1')).toBeLessThan(names.indexOf('layer4'));
    const byModule = await explainBatch(resnet, images, { methods: ['gradcam'], layer: 'layer4' });
    const byNode = await explainBatch(resnet, images, { methods: ['gradcam'], layer: '/layer4/layer4.1/relu_1/Relu' });
    expect(Array.from(byNode[0]!.maps[0]!.map.data)).toEqual(Array.from(byModule[0]!.maps[0]!.map.data));
    await expect(explainBatch(resnet, images, { methods: ['gradcam'], layer: 'layer9' })).rejects.toThrow(/no 4-D layer named "layer9"; candidates are: .*layer4/);
    await expect(explainBatch(resnet, images, { methods: ['gradcam'], layer: 'fc' })).rejects.toThrow(/"fc"/);
  });

  it('ONNX Runtime and the tfjs interpreter compute the same logits', async () => {
    const x = toInputTensor(images, resnet.config);
    const fast = await resnet.network.fastPass!(x, null)!;
    const interpreted = resnet.network.logits(x as Tensor4D);
    expect(relativeError(interpreted.dataSync(), fast.logits.dataSync())).toBeLessThan(1e-4);
    tf.dispose([x, interpreted]);
    fast.dispose();
  });

  it('the head\'s gradient agrees with central finite differences (max-pool + flatten + dense head)', async () => {
    const fixture = onnxFixture('tiny-flatten');
    const model = await loadModel(fixture.model);
    // Noise, not the fixture's flat shapes: ties in a max-pool have no derivative.
    const noise = seededRandom(5);
    const image = { width: 32, height: 32, data: Uint8Array.from({ length: 32 * 32 * 3 }, () => Math.floor(noise() * 256)) };
    const x = toInputTensor([image], model.config);
    const split = model.network.split('features.1');
    const { activation, context } = split.body(x);
    const target = fixture.reference.predicted[0]!;
    const score = (a: Tensor4D) => split.head(a, context).slice([0, target], [1, 1]).sum();
    const gradient = tf.grad((a) => score(a as Tensor4D))(activation).dataSync();
    const values = activation.dataSync();
    // Small steps cross few ReLU or max-pool kinks; float32 still resolves them.
    const eps = 1e-4;
    // Directional derivatives along random directions: every element's gradient counts.
    for (let trial = 0; trial < 4; trial++) {
      const direction = tf.randomNormal(activation.shape, 0, 1, 'float32', 100 + trial).dataSync();
      const shifted = (step: number) => {
        const a = tf.tensor4d(values.map((v, i) => v + step * direction[i]!), activation.shape);
        const s = score(a).dataSync()[0]!;
        a.dispose();
        return s;
      };
      const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
      const analytic = Array.from(gradient).reduce((sum, g, i) => sum + g * direction[i]!, 0);
      expect(Math.abs(numeric - analytic)).toBeLessThan(1e-2 * Math.abs(analytic));
    }
    tf.dispose([x, activation]);
    model.network.dispose();
  });
});
