/** Adebayo et al.'s model-randomisation check, run for real. */
import { beforeAll, describe, expect, it } from 'vitest';
import { explainBatch, initBackend, loadModel, randomizationSanityCheck, type LoadedModel } from '../../src/main/engine';
import { FIXTURES, saveFixture, syntheticImages, tempDir } from '../fixtures/models';

describe('randomisation sanity check', () => {
  let model: LoadedModel;
  beforeAll(async () => {
    await initBackend('wasm');
    model = await loadModel(await saveFixture(FIXTURES.find((f) => f.name === 'residual')!, tempDir()));
  });

  it('Grad-CAM maps decorrelate as weights are randomised from the top down, and the model is restored', async () => {
    const images = syntheticImages(6, 16, 31);
    const before = await explainBatch(model, images, { methods: ['gradcam'] });
    const result = await randomizationSanityCheck(model, images, { method: 'gradcam' });
    expect(result.steps.map((s) => s.layer)).toEqual(model.network.weightedLayers());
    expect(result.steps[0]!.layer).toBe('logits');
    const last = result.steps.at(-1)!;
    expect(last.mean).toBeLessThan(0.5);
    for (const step of result.steps) expect(step.spearman).toHaveLength(6);
    const after = await explainBatch(model, images, { methods: ['gradcam'] });
    after.forEach((image, b) => expect(Array.from(image.maps[0]!.map.data)).toEqual(Array.from(before[b]!.maps[0]!.map.data)));
  });
});
