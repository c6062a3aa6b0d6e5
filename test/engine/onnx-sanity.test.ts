/**
 * The model-randomisation sanity check on an ONNX model: weights are replaced in the
 * interpreter (ONNX Runtime keeps the originals, so it is bypassed meanwhile), the maps
 * decorrelate, and the model comes back exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, liveTensors, loadModel, randomizationSanityCheck, type LoadedModel } from '../../src/main/engine';
import { explainBatch } from '../../src/main/engine/explain';
import { syntheticImages } from '../fixtures/models';
import { onnxFixture } from '../fixtures/onnx-models';

describe('randomisation sanity check on ONNX', () => {
  let model: LoadedModel;
  beforeAll(async () => {
    await initBackend('wasm');
    model = await loadModel(onnxFixture('tiny-gap').model);
  });
  afterAll(() => model.network.dispose());

  it('randomises layers output side first, decorrelates Grad-CAM, and restores the model', async () => {
    const images = syntheticImages(6, 32, 13);
    const before = await explainBatch(model, images, { methods: ['gradcam'] });
    const layers = model.network.weightedLayers();
    expect(layers).toEqual(['fc', 'features.6', 'features.4', 'features.0']);
    const result = await randomizationSanityCheck(model, images, { method: 'gradcam' });
    expect(result.steps.map((s) => s.layer)).toEqual(layers);
    // The dense layer alone already moves the maps: a closed-form head gradient must
    // read the randomised weights, not the file's.
    expect(result.steps[0]!.mean).toBeLessThan(0.9);
    expect(result.steps.at(-1)!.mean).toBeLessThan(0.5);
    const after = await explainBatch(model, images, { methods: ['gradcam'] });
    after.forEach((image, b) => expect(Array.from(image.maps[0]!.map.data)).toEqual(Array.from(before[b]!.maps[0]!.map.data)));
  });

  it('CAM reads the randomised dense weights too, and leaves no tensor behind', async () => {
    const images = syntheticImages(4, 32, 5);
    await randomizationSanityCheck(model, images, { method: 'cam', depth: 1 }); // warm up caches
    const tensors = liveTensors();
    const result = await randomizationSanityCheck(model, images, { method: 'cam', depth: 1 });
    expect(result.steps[0]!.layer).toBe('fc');
    expect(result.steps[0]!.mean).toBeLessThan(0.9);
    expect(liveTensors()).toBe(tensors);
  });
});
