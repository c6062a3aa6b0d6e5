/** Wrong ONNX files say what is wrong with them, and what still works. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError, initBackend, loadModel } from '../../src/main/engine';
import { explainBatch } from '../../src/main/engine/explain';
import { onnxFixture, saveTinyGraph } from '../fixtures/onnx-models';
import { cudaInstalled } from '../../src/main/engine/onnx/runtime';
import { syntheticImages, tempDir } from '../fixtures/models';

async function loadError(file: string): Promise<EngineError> {
  const error = await loadModel(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe('ONNX files biascope cannot explain', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend('wasm');
    dir = tempDir('biascope-onnx-');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a JSON file named .onnx is not "invalid JSON": it is not an ONNX model', async () => {
    const file = path.join(dir, 'json.onnx');
    writeFileSync(file, JSON.stringify({ modelTopology: {} }));
    expect((await loadError(file)).message).toMatch(/json\.onnx is not an ONNX model: it holds JSON/);
  });

  it('random bytes and a truncated export are refused as unreadable', async () => {
    const junk = path.join(dir, 'junk.onnx');
    writeFileSync(junk, Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256)));
    expect((await loadError(junk)).message).toMatch(/junk\.onnx is not a readable ONNX model/);
    const whole = readFileSync(onnxFixture('tiny-gap').model);
    const cut = path.join(dir, 'cut.onnx');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const error = await loadError(cut);
    expect(error.kind).toBe('model-invalid');
    expect(error.message).toMatch(/cut\.onnx is not a readable ONNX model \(truncated, or not an ONNX file\)/);
  });

  it('two inputs, an output that is not [batch, classes], and weights in a missing file are named', async () => {
    const two = path.join(dir, 'two');
    const map = path.join(dir, 'map');
    const external = path.join(dir, 'external');
    for (const d of [two, map, external]) mkdirSync(d);
    expect((await loadError(saveTinyGraph(two, { secondInput: true }))).message).toMatch(/takes 2 inputs \("input" \[batch, 3, 8, 8\], "extra" \[batch, 4, 8, 8\]\)/);
    expect((await loadError(saveTinyGraph(map, { mapOutput: true }))).message).toMatch(/output "a" has shape \[batch, 4, 8, 8\]; .*\[batch, classes\] \(a detector or segmenter is not one\)/);
    expect((await loadError(saveTinyGraph(external, { externalWeights: true }))).message).toMatch(
      /initializer "w": weights are stored outside the \.onnx file \(in "weights\.bin"\)/,
    );
  });

  it('a model without class names anywhere asks for a sidecar', async () => {
    const bare = path.join(dir, 'bare');
    mkdirSync(bare);
    const file = saveTinyGraph(bare);
    rmSync(path.join(bare, 'biascope.json'));
    const error = await loadError(file);
    expect(error.kind).toBe('config-invalid');
    expect(error.message).toMatch(/classes, preprocess missing for model\.onnx; write a biascope\.json beside it/);
  });

  it('an op the interpreter lacks: CAM methods work, guided backprop names the op and node and what still works', async () => {
    const selu = path.join(dir, 'selu');
    mkdirSync(selu);
    const model = await loadModel(saveTinyGraph(selu, { activation: 'Selu' }));
    try {
      expect(model.defaultLayer).toBe('act');
      const images = syntheticImages(2, 8, 3);
      const [explained] = await explainBatch(model, images, { methods: ['gradcam', 'hirescam'] });
      expect(explained!.maps.map((m) => m.method)).toEqual(['gradcam', 'hirescam']);
      expect(explained!.maps[0]!.map.data.some((v) => v > 0)).toBe(true);
      const error = await explainBatch(model, images, { methods: ['guided-backprop'] }).then(
        () => null,
        (e: unknown) => e as EngineError,
      );
      expect(error?.kind).toBe('method-unsupported');
      expect(error?.message).toMatch(/ops biascope cannot run yet: Selu \(node "\/act\/Act"\); the CAM methods \(gradcam, .*\) still work/);
    } finally {
      model.network.dispose();
    }
  });

  it.skipIf(cudaInstalled())('--device cuda without the CUDA provider says how to install it, before any work', async () => {
    const error = await loadModel(onnxFixture('tiny-gap').model, { device: 'cuda' }).then(
      () => null,
      (e: unknown) => e as EngineError,
    );
    expect(error?.kind).toBe('backend-unavailable');
    expect(error?.message).toMatch(/--device cuda: ONNX Runtime's CUDA provider is not installed: .*ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/);
    // "auto" falls back to the CPU.
    const auto = await loadModel(onnxFixture('tiny-gap').model, { device: 'auto' });
    auto.network.dispose();
  });
});
