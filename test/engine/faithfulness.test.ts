/**
 * Deletion and insertion curves on the demo model: Grad-CAM's order of the pixels
 * must beat a random order both ways, and nothing leaks.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { explainBatch, faithfulnessCurves, initBackend, liveTensors, loadModel, type LoadedModel } from '../../src/main/engine';

import { decodeRgb } from '../../src/main/library/decode';

const DATASET = path.resolve('resources/demo/dataset');
const IMAGES = ['doctor/test_0003.png', 'doctor/test_0004.png', 'nurse/test_0001.png', 'nurse/test_0002.png', 'doctor/test_0005.png', 'nurse/test_0004.png'];

let model: LoadedModel;

beforeAll(async () => {
  await initBackend('wasm');
  model = await loadModel(path.resolve('resources/demo/model/model.json'));
});

describe('faithfulnessCurves', () => {
  it('Grad-CAM deletes the evidence faster and inserts it faster than a random order', async () => {
    const before = liveTensors();
    let mapDeletion = 0;
    let randomDeletion = 0;
    let mapInsertion = 0;
    let randomInsertion = 0;
    for (const file of IMAGES) {
      const image = await decodeRgb(path.join(DATASET, file), model.config.inputSize);
      const [explained] = await explainBatch(model, [image], { methods: ['gradcam'] });
      const { map, target } = explained!.maps[0]!;
      const byMap = faithfulnessCurves(model, image, map, target.index);
      const byChance = faithfulnessCurves(model, image, map, target.index, { order: 'random', seed: 3 });
      // Both curves start from the image itself (deletion) and the blank (insertion), and meet at the ends.
      expect(byMap.deletion[0]).toBeCloseTo(byChance.deletion[0]!, 6);
      expect(byMap.insertion.at(-1)).toBeCloseTo(byMap.deletion[0]!, 6);
      expect(byMap.shares).toHaveLength(17);
      mapDeletion += byMap.deletionArea;
      randomDeletion += byChance.deletionArea;
      mapInsertion += byMap.insertionArea;
      randomInsertion += byChance.insertionArea;
    }
    expect(mapDeletion).toBeLessThan(randomDeletion);
    expect(mapInsertion).toBeGreaterThan(randomInsertion);
    expect(liveTensors()).toBe(before);
  });
});
