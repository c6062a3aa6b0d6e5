/**
 * A sidecar's trained resize, end to end: validation with clear messages, a model
 * identity that changes with it (and only with it), and a real tfjs model whose input
 * tensor equals torchvision's `Resize(64) + CenterCrop(56) + ToTensor + Normalize`.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadModel, toInputTensor } from '../../src/main/engine';
import { parseSidecar } from '../../src/main/engine/model/sidecar';
import { saveLayersModel } from '../../src/main/engine/model/save';
import { identifyModel } from '../../src/main/jobs/model-identity';
import { decodeImage } from '../../src/main/library/decode';
import { tempDir } from '../fixtures/models';

const RESIZE_DIR = path.join(__dirname, '..', 'fixtures', 'resize');
const MEAN: [number, number, number] = [0.485, 0.456, 0.406];
const STD: [number, number, number] = [0.229, 0.224, 0.225];

const base = { classes: ['a', 'b'], inputSize: [224, 224], preprocess: { scale: '0..1' } };
const withPreprocess = (extra: object) => ({ ...base, preprocess: { ...base.preprocess, ...extra } });
const issueOf = (json: unknown): string => {
  try {
    parseSidecar(json, 'biascope.json');
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('the sidecar preprocess fields', () => {
  it('accept the torchvision pipeline and every resize mode', () => {
    expect(issueOf(withPreprocess({ resize: 'bilinear-antialias', shorterSide: 256, centerCrop: [224, 224] }))).toBe('accepted');
    for (const resize of ['bilinear', 'bilinear-antialias', 'bicubic', 'nearest', 'lanczos3']) expect(issueOf(withPreprocess({ resize }))).toBe('accepted');
  });

  it('refuse what cannot be meant, saying which field and why', () => {
    expect(issueOf(withPreprocess({ resize: 'area' }))).toMatch(/preprocess\.resize: .*bilinear-antialias/);
    expect(issueOf(withPreprocess({ resize: 'bicubic', shorterSide: 256 }))).toMatch(/preprocess\.centerCrop: missing: shorterSide and centerCrop come together/);
    expect(issueOf(withPreprocess({ resize: 'bicubic', centerCrop: [224, 224] }))).toMatch(/preprocess\.shorterSide: missing: shorterSide and centerCrop come together/);
    expect(issueOf(withPreprocess({ shorterSide: 256, centerCrop: [224, 224] }))).toMatch(/preprocess\.resize: shorterSide needs a resize filter/);
    expect(issueOf(withPreprocess({ resize: 'bicubic', shorterSide: 256, centerCrop: [200, 224] }))).toMatch(
      /preprocess\.centerCrop: the crop \[200, 224\] must equal inputSize \[224, 224\]/,
    );
    expect(issueOf(withPreprocess({ resize: 'bicubic', shorterSide: 200, centerCrop: [224, 224] }))).toMatch(/larger than shorterSide 200/);
    expect(issueOf(withPreprocess({ resize: 'bicubic', shorterSide: 25.5, centerCrop: [224, 224] }))).toMatch(/preprocess\.shorterSide/);
  });

  it('leave an older sidecar exactly as it was, so its cache key stays the same', () => {
    const { config } = parseSidecar(base, 'biascope.json');
    expect(JSON.stringify(config)).toBe('{"classes":["a","b"],"inputSize":[224,224],"preprocess":{"scale":"0..1","channels":"rgb"}}');
  });
});

function tinyModel(size: number): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [size, size, 3], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv_last', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }));
  m.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
  m.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'logits', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }));
  return m;
}

describe('a model trained with Resize(64) + CenterCrop(56), PIL bilinear, ImageNet mean/std', () => {
  let modelPath: string;
  let dir: string;
  beforeAll(async () => {
    await initBackend('cpu');
    const model = tinyModel(56);
    dir = tempDir();
    modelPath = await saveLayersModel(model, path.join(dir, 'crop'), {
      classes: ['a', 'b'],
      inputSize: [56, 56],
      preprocess: { scale: { mean: MEAN, std: STD }, resize: 'bilinear-antialias', shorterSide: 64, centerCrop: [56, 56] },
    });
    model.dispose();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the input tensor torchvision makes, value for value', async () => {
    const loaded = await loadModel(modelPath);
    const { rgb } = await decodeImage(path.join(RESIZE_DIR, 'a257x193.png'), loaded.config.inputSize, loaded.config.preprocess);
    const input = toInputTensor([rgb], loaded.config);
    const ours = input.dataSync();
    input.dispose();
    loaded.network.dispose();
    // torchvision: ToTensor divides by 255, Normalize subtracts then divides, all in float32.
    const { data: crop } = await sharp(path.join(RESIZE_DIR, 'a257x193-bilinear-antialias-resize64-crop56x56.png')).raw().toBuffer({ resolveWithObject: true });
    const f = Math.fround;
    let max = 0;
    for (let i = 0; i < crop.length; i++) {
      const c = i % 3;
      const expected = f(f(f(crop[i]! / 255) - f(MEAN[c]!)) / f(STD[c]!));
      max = Math.max(max, Math.abs(ours[i]! - expected));
    }
    expect(max).toBe(0);
  });

  it('is a different model to the cache when its resize changes', async () => {
    const before = await identifyModel(modelPath);
    const sidecar = path.join(path.dirname(modelPath), 'biascope.json');
    const json = JSON.parse(readFileSync(sidecar, 'utf8')) as { preprocess: Record<string, unknown> };
    json.preprocess.resize = 'bicubic';
    writeFileSync(sidecar, JSON.stringify(json));
    const after = await identifyModel(modelPath);
    expect(after.hash).not.toBe(before.hash);
    delete json.preprocess.resize;
    delete json.preprocess.shorterSide;
    delete json.preprocess.centerCrop;
    writeFileSync(sidecar, JSON.stringify(json));
    expect((await identifyModel(modelPath)).hash).not.toBe(before.hash);
  });
});
