/**
 * Probabilities of a batch with no map (the causal tests of concepts): the same numbers
 * as the model run directly (tfjs's softmax of its logits), and as the audit's own
 * predictions for ONNX models, which run on ONNX Runtime; nothing may leak.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/main/engine/tf';
import { argmax, explainBatch, initBackend, liveTensors, loadModel, predictBatch, toInputTensor, type LoadedModel, type RgbImage } from '../../src/main/engine';
import { decodeRgb } from '../../src/main/library/decode';

const DEMO_DATASET = path.resolve('resources/demo/dataset');
const IMAGES = ['doctor/test_0003.png', 'doctor/test_0004.png', 'nurse/test_0001.png', 'nurse/test_0002.png', 'nurse/test_0004.png'];

async function images(model: LoadedModel): Promise<RgbImage[]> {
  return Promise.all(IMAGES.map((file) => decodeRgb(path.join(DEMO_DATASET, file), model.config.inputSize)));
}

describe('predictBatch', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('gives a layers model\'s softmax of its logits, row by row, and leaks nothing', async () => {
    const model = await loadModel(path.resolve('resources/demo/model/model.json'));
    const batch = await images(model);
    const direct = tf.tidy(() => tf.softmax(model.network.logits(toInputTensor(batch, model.config))).arraySync() as number[][]);
    const before = liveTensors();
    const rows = await predictBatch(model, batch);
    expect(liveTensors()).toBe(before);
    expect(rows).toHaveLength(batch.length);
    rows.forEach((row, i) => {
      expect(row).toHaveLength(2);
      row.forEach((p, c) => expect(p).toBeCloseTo(direct[i]![c]!, 6));
    });
    // The demo's test images are mostly right: both classes come out of the batch.
    expect(new Set(rows.map((row) => argmax(row)))).toEqual(new Set([0, 1]));
    expect(await predictBatch(model, [])).toEqual([]);
    model.network.dispose();
  });

  it('gives an ONNX model the probabilities its audit predictions have', async () => {
    const model = await loadModel(path.resolve('resources/demo/model-onnx/model.onnx'));
    const batch = await images(model);
    const explained = await explainBatch(model, batch, { methods: ['gradcam'], target: { kind: 'predicted' }, topK: 2 });
    const before = liveTensors();
    const rows = await predictBatch(model, batch);
    expect(liveTensors()).toBe(before);
    rows.forEach((row, i) => {
      for (const prediction of explained[i]!.predictions) expect(row[prediction.index]).toBeCloseTo(prediction.prob, 5);
      expect(argmax(row)).toBe(explained[i]!.predictions[0]!.index);
    });
    model.network.dispose();
  });

  it('picks the first of equal probabilities', () => {
    expect(argmax([0.2, 0.5, 0.5])).toBe(1);
    expect(argmax([1])).toBe(0);
  });
});
