/** Loading models from disk: sidecars, Teachable Machine metadata, and clear errors. */
import { mkdirSync, readFileSync, writeFileSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError, explainBatch, initBackend, loadModel } from '../../src/main/engine';
import { parseTarget } from '../../src/main/engine/targets';
import { FIXTURES, saveFixture, syntheticImages, tempDir } from '../fixtures/models';

const gap = FIXTURES.find((f) => f.name === 'gap-softmax')!;

async function freshModel(): Promise<string> {
  return saveFixture(gap, tempDir());
}

function writeSidecar(modelPath: string, value: unknown): void {
  writeFileSync(path.join(path.dirname(modelPath), 'biascope.json'), JSON.stringify(value));
}

async function expectEngineError(promise: Promise<unknown>, kind: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).kind).toBe(kind);
  expect((error as EngineError).message).toMatch(message);
}

describe('loading models', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('lists candidate layers and picks the last feature layer by default', async () => {
    const model = await loadModel(await freshModel());
    expect(model.network.layers.map((l) => [l.name, l.candidate])).toEqual([
      ['conv1', true],
      ['pool1', true],
      ['conv_last', true],
      ['gap', false],
      ['logits', false],
    ]);
    expect(model.defaultLayer).toBe('conv_last');
    expect(model.network.layers.find((l) => l.name === 'conv_last')!.shape).toEqual([8, 8, 12]);
  });

  it('any 4-D layer can be targeted, early ones too', async () => {
    const model = await loadModel(await freshModel());
    const [out] = await explainBatch(model, syntheticImages(1, 16), { methods: ['gradcam'], layer: 'conv1' });
    expect([out!.maps[0]!.map.width, out!.maps[0]!.map.height]).toEqual([16, 16]);
    expect(out!.maps[0]!.layer).toBe('conv1');
  });

  it('the sidecar layer becomes the default', async () => {
    const file = await freshModel();
    writeSidecar(file, { classes: ['a', 'b', 'c'], inputSize: [16, 16], preprocess: { scale: '0..1' }, layer: 'pool1' });
    expect((await loadModel(file)).defaultLayer).toBe('pool1');
  });

  it('accepts a Teachable Machine metadata.json (labels, imageSize, -1..1 input)', async () => {
    const file = await freshModel();
    const dir = path.dirname(file);
    writeFileSync(path.join(dir, 'biascope.json.bak'), readFileSync(path.join(dir, 'biascope.json')));
    const { unlinkSync } = await import('node:fs');
    unlinkSync(path.join(dir, 'biascope.json'));
    writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify({ labels: ['x', 'y', 'z'], imageSize: 16 }));
    const model = await loadModel(file);
    expect(model.config.classes).toEqual(['x', 'y', 'z']);
    expect(model.config.preprocess.scale).toBe('-1..1');
    expect(model.configSource).toMatch(/metadata\.json$/);
  });

  it('names the file and field when the config contradicts the model', async () => {
    const file = await freshModel();
    writeSidecar(file, { classes: ['a', 'b'], inputSize: [16, 16], preprocess: { scale: '0..1' } });
    await expectEngineError(loadModel(file), 'config-invalid', /biascope\.json: field "classes" lists 2 classes but the model outputs 3/);
    writeSidecar(file, { classes: ['a', 'b', 'c'], inputSize: [32, 32], preprocess: { scale: '0..1' } });
    await expectEngineError(loadModel(file), 'config-invalid', /field "inputSize" is \[32, 32\] but the model takes 16x16/);
    writeSidecar(file, { classes: ['a', 'b', 'c'], inputSize: [16, 16], preprocess: { scale: '0..255' } });
    await expectEngineError(loadModel(file), 'config-invalid', /biascope\.json: preprocess\.scale/);
    writeSidecar(file, { classes: ['a', 'b', 'c'], inputSize: [16, 16], preprocess: { scale: { mean: [0, 0, 0], std: [1, 0, 1] } } });
    await expectEngineError(loadModel(file), 'config-invalid', /std values must be > 0/);
    writeSidecar(file, { classes: ['a', 'b', 'c'], inputSize: [16, 16], preprocess: { scale: '0..1' }, layer: 'nope' });
    await expectEngineError(loadModel(file), 'config-invalid', /field "layer": no layer named "nope"; 4-D layers are: conv1, pool1, conv_last/);
    writeSidecar(file, { classes: ['a', 'b', 'c'], inputSize: [16, 16], preprocess: { scale: '0..1' }, layer: 'gap' });
    await expectEngineError(loadModel(file), 'config-invalid', /Grad-CAM needs a 4-D/);
  });

  it('says what is wrong with a broken model file', async () => {
    await expectEngineError(loadModel('/nonexistent/model.json'), 'model-not-found', /model file \/nonexistent\/model.json does not exist/);
    const file = await freshModel();
    const dir = path.dirname(file);
    writeFileSync(`${file}.orig`, readFileSync(file));
    truncateSync(path.join(dir, 'weights.bin'), 100);
    await expectEngineError(loadModel(file), 'model-invalid', /weight shards hold 100 bytes but the manifest describes/);
    writeFileSync(file, '{ not json');
    await expectEngineError(loadModel(file), 'model-invalid', /is not valid JSON/);
    writeFileSync(file, JSON.stringify({ hello: 'world' }));
    await expectEngineError(loadModel(file), 'model-invalid', /field "modelTopology" is missing/);
    const bare = tempDir();
    mkdirSync(bare, { recursive: true });
    writeFileSync(path.join(bare, 'model.json'), readFileSync(file.replace(/model\.json$/, 'model.json.orig')));
    await expectEngineError(loadModel(path.join(bare, 'model.json')), 'config-invalid', /no biascope\.json beside/);
  });

  it('parses targets by index, name, predicted and all, with clear errors', () => {
    const classes = ['doctor', 'nurse'];
    expect(parseTarget('1', classes)).toEqual({ kind: 'class', index: 1 });
    expect(parseTarget('nurse', classes)).toEqual({ kind: 'class', index: 1 });
    expect(parseTarget('predicted', classes)).toEqual({ kind: 'predicted' });
    expect(parseTarget('all', classes)).toEqual({ kind: 'all' });
    expect(() => parseTarget('5', classes)).toThrow(/out of range: the model has 2 classes/);
    expect(() => parseTarget('surgeon', classes)).toThrow(/neither a class index, a class name \(doctor, nurse\)/);
  });
});
