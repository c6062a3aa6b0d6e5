/**
 * GraphModels (converted SavedModels): loaded from real files, explained, and checked
 * against the same network as a LayersModel. Equal maps prove the split at an
 * intermediate node (feeding it) and the pre-softmax handling are right.
 */
import { rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  EngineError,
  explainBatch,
  initBackend,
  liveTensors,
  loadModel,
  toInputTensor,
  type ImageExplanation,
  type LoadedModel,
} from '../../src/main/engine';
import type { MethodName } from '../../src/shared/explain';
import { graphWeights, saveGraphFixture, saveLayersTwin } from '../fixtures/graph-model';
import { syntheticImages, tempDir } from '../fixtures/models';

const SIZE = 16;
const IMAGES = syntheticImages(3, SIZE, 11);

/** Largest |a - b| must stay within `tolerance` of the largest |b|; returns that largest |b|. */
function expectSameMap(a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 1e-4): number {
  expect(a.length).toBe(b.length);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  expect(worst).toBeLessThanOrEqual(Math.max(tolerance * scale, 1e-12));
  return scale;
}

/** Maps keyed "method/class" for every image, to compare two runs map by map. */
function mapsByKey(results: ImageExplanation[]): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  results.forEach((r, b) => {
    for (const m of r.maps) out.set(`${b}/${m.method}/${m.target.name}`, m.map.data);
  });
  return out;
}

function expectSameMaps(actual: ImageExplanation[], expected: ImageExplanation[]): void {
  const a = mapsByKey(actual);
  const e = mapsByKey(expected);
  expect([...a.keys()].sort()).toEqual([...e.keys()].sort());
  let nonZero = 0;
  for (const [key, data] of e) {
    try {
      if (expectSameMap(a.get(key)!, data) > 0) nonZero++;
    } catch (error) {
      throw new Error(`map ${key}: ${(error as Error).message}`);
    }
  }
  // A map can be all zero (no positive evidence), but most must not be.
  expect(nonZero).toBeGreaterThan(e.size / 2);
}

/** Logits per image in class order. */
function logitsOf(results: ImageExplanation[]): number[][] {
  return results.map((r) => [...r.predictions].sort((p, q) => p.index - q.index).map((p) => p.logit));
}

async function expectEngineError(run: () => unknown, kind: string, message: RegExp): Promise<EngineError> {
  let caught: unknown = null;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(EngineError);
  expect((caught as EngineError).kind).toBe(kind);
  expect((caught as EngineError).message).toMatch(message);
  return caught as EngineError;
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`graph models (${backend})`, () => {
    let dir: string;
    let graph: LoadedModel;
    let graphSoftmax: LoadedModel;
    let graphIdentity: LoadedModel;
    let layers: LoadedModel;
    let layersSoftmax: LoadedModel;
    let fused: LoadedModel;

    beforeAll(async () => {
      await initBackend(backend);
      dir = tempDir('biascope-graph-');
      graph = await loadModel(await saveGraphFixture(path.join(dir, 'graph')));
      graphSoftmax = await loadModel(await saveGraphFixture(path.join(dir, 'graph-softmax'), { softmax: true }));
      graphIdentity = await loadModel(await saveGraphFixture(path.join(dir, 'graph-identity'), { softmax: true, identity: true }));
      layers = await loadModel(await saveLayersTwin(path.join(dir, 'layers')));
      layersSoftmax = await loadModel(await saveLayersTwin(path.join(dir, 'layers-softmax'), { softmax: true }));
      fused = await loadModel(await saveGraphFixture(path.join(dir, 'graph-fused'), { softmax: true, identity: true, fused: true }));
    });

    afterAll(() => {
      for (const m of [graph, graphSoftmax, graphIdentity, layers, layersSoftmax, fused]) m?.network.dispose();
    });

    it('loads as a graph network with its 4-D nodes and the last feature node as default', () => {
      expect(graph.network.kind).toBe('graph');
      expect(graph.network.inputShape).toEqual([16, 16, 3]);
      expect(graph.network.outputUnits).toBe(3);
      expect(graph.network.layers.map((l) => [l.name, l.className, l.shape, l.candidate])).toEqual([
        ['conv1', 'Conv2D', [16, 16, 4], true],
        ['conv1/relu', 'Relu', [16, 16, 4], true],
        ['conv2', 'Conv2D', [16, 16, 6], true],
        ['conv2/relu', 'Relu', [16, 16, 6], true],
      ]);
      expect(graph.defaultLayer).toBe('conv2/relu');
      expect(graph.config.classes).toEqual(['alpha', 'beta', 'gamma']);
    });

    it('knows which variants end in softmax, through a trailing Identity too', () => {
      expect(graph.network.endsInSoftmax).toBe(false);
      expect(graphSoftmax.network.endsInSoftmax).toBe(true);
      expect(graphIdentity.network.endsInSoftmax).toBe(true);
      expect(graphSoftmax.defaultLayer).toBe('conv2/relu');
      expect(graphIdentity.defaultLayer).toBe('conv2/relu');
    });

    it('gives the logits of the equivalent layers model, before softmax in every variant', async () => {
      const expected = logitsOf(await explainBatch(layers, IMAGES, { methods: [] }));
      for (const model of [graph, graphSoftmax, graphIdentity, layersSoftmax]) {
        const got = logitsOf(await explainBatch(model, IMAGES, { methods: [] }));
        got.forEach((row, b) => expectSameMap(row, expected[b]!, 1e-5));
      }
      // The logits differ between images and classes: the comparison means something.
      expect(new Set(expected.flat().map((v) => v.toFixed(4))).size).toBe(expected.flat().length);
    });

    it('the head of a split runs from the fed activation, not from the image', () => {
      const before = liveTensors();
      const logits = tf.tidy(() => {
        const x = toInputTensor(IMAGES, graph.config);
        const split = graph.network.split('conv2/relu');
        const { activation, context } = split.body(x);
        expect(activation.shape).toEqual([3, 16, 16, 6]);
        // All-zero features: what is left is the dense bias.
        const fromZeros = split.head(tf.zerosLike(activation), context);
        const fromBody = split.head(activation, context);
        return [fromZeros.arraySync() as number[][], fromBody.arraySync() as number[][], graph.network.logits(x).arraySync() as number[][]];
      });
      const bias = Array.from(graphWeights().denseBias);
      for (const row of logits[0]!) expectSameMap(row, bias, 1e-6);
      logits[1]!.forEach((row, b) => expectSameMap(row, logits[2]![b]!, 1e-6));
      expect(liveTensors()).toBe(before);
    });

    it('Grad-CAM maps equal those of the layers model, with or without softmax', async () => {
      const options = { methods: ['gradcam'] as MethodName[], target: { kind: 'all' } as const };
      const expected = await explainBatch(layers, IMAGES, { ...options, layer: 'conv2' });
      expect(expected[0]!.maps).toHaveLength(3);
      const plain = await explainBatch(graph, IMAGES, { ...options, layer: 'conv2/relu' });
      const soft = await explainBatch(graphSoftmax, IMAGES, { ...options, layer: 'conv2/relu' });
      const identity = await explainBatch(graphIdentity, IMAGES, options); // default layer
      expect(plain[0]!.maps.map((m) => [m.layer, m.map.width, m.map.height])).toEqual(Array(3).fill(['conv2/relu', 16, 16]));
      expectSameMaps(plain, expected);
      expectSameMaps(soft, expected);
      expectSameMaps(identity, expected);
      expectSameMaps(await explainBatch(layersSoftmax, IMAGES, { ...options, layer: 'conv2' }), expected);
      // Different classes get different maps.
      const [alpha, beta] = plain[0]!.maps;
      expect(Array.from(alpha!.map.data)).not.toEqual(Array.from(beta!.map.data));
    });

    it('an early node matches the layers model too', async () => {
      const options = { methods: ['gradcam', 'hirescam'] as MethodName[], target: { kind: 'all' } as const };
      expectSameMaps(await explainBatch(graphSoftmax, IMAGES, { ...options, layer: 'conv1/relu' }), await explainBatch(layers, IMAGES, { ...options, layer: 'conv1' }));
    });

    it('guided backprop, Grad-CAM++, HiResCAM, counterfactual and guided Grad-CAM match the layers model', async () => {
      const methods: MethodName[] = ['guided-backprop', 'gradcampp', 'hirescam', 'counterfactual', 'guided-gradcam'];
      const expected = await explainBatch(layers, IMAGES, { methods, layer: 'conv2', target: { kind: 'all' } });
      for (const model of [graph, graphSoftmax]) {
        const got = await explainBatch(model, IMAGES, { methods, layer: 'conv2/relu', target: { kind: 'all' } });
        expect(got[0]!.maps).toHaveLength(methods.length * 3);
        expectSameMaps(got, expected);
      }
    });

    it('reads fused ops as tfjs-converter writes them', async () => {
      expect(fused.network.layers.map((l) => [l.name, l.className, l.shape])).toEqual([
        ['conv1/relu', '_FusedConv2D', [16, 16, 4]],
        ['conv2/bias_add', '_FusedConv2D', [16, 16, 6]],
        ['conv2/relu', 'Relu', [16, 16, 6]],
      ]);
      expect(fused.defaultLayer).toBe('conv2/relu');
      expect(fused.network.endsInSoftmax).toBe(true);
      const methods: MethodName[] = ['gradcam', 'gradcampp', 'hirescam', 'counterfactual'];
      expectSameMaps(await explainBatch(fused, IMAGES, { methods, target: { kind: 'all' } }), await explainBatch(layers, IMAGES, { methods, layer: 'conv2', target: { kind: 'all' } }));
      const expected = logitsOf(await explainBatch(graph, IMAGES, { methods: [] }));
      logitsOf(await explainBatch(fused, IMAGES, { methods: [] })).forEach((row, b) => expectSameMap(row, expected[b]!, 1e-5));
    });

    // Gradients through a linear _FusedConv2D (conv + bias, no activation) run tfjs's
    // fused gradient, which needs Conv2DBackpropFilter (the engine supplies it on wasm).
    it('differentiates through fused convolutions: guided backprop and early nodes', async () => {
      const methods: MethodName[] = ['guided-backprop', 'guided-gradcam'];
      expectSameMaps(
        await explainBatch(fused, IMAGES, { methods, target: { kind: 'all' } }),
        await explainBatch(layers, IMAGES, { methods, layer: 'conv2', target: { kind: 'all' } }),
      );
      expectSameMaps(
        await explainBatch(fused, IMAGES, { methods: ['gradcam'], layer: 'conv1/relu', target: { kind: 'all' } }),
        await explainBatch(layers, IMAGES, { methods: ['gradcam'], layer: 'conv1', target: { kind: 'all' } }),
      );
    });

    it('cam is refused with the reason', async () => {
      const error = await expectEngineError(async () => await explainBatch(graph, IMAGES, { methods: ['gradcam', 'cam'] }), 'method-unsupported', /^cam: /);
      expect(error.message).toMatch(/layers model/);
      expect(error.message).toMatch(/gradcam/);
    });

    it('leaves no tensors behind', async () => {
      const methods: MethodName[] = ['gradcam', 'gradcampp', 'hirescam', 'counterfactual', 'guided-backprop', 'guided-gradcam'];
      await explainBatch(graphSoftmax, IMAGES, { methods, target: { kind: 'all' } }); // warm up kernels
      const before = liveTensors();
      for (const model of [graph, graphSoftmax, graphIdentity]) {
        await explainBatch(model, IMAGES, { methods, target: { kind: 'all' } });
        await explainBatch(model, IMAGES, { methods: [] });
        await explainBatch(model, IMAGES, { methods: ['gradcam'], layer: 'conv1' });
      }
      await explainBatch(fused, IMAGES, { methods: ['gradcam', 'gradcampp', 'hirescam'], target: { kind: 'all' } });
      expect(liveTensors()).toBe(before);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('an unknown or non-4-D node is layer-not-found, naming the candidates', async () => {
      await expectEngineError(async () => await explainBatch(graph, IMAGES, { methods: ['gradcam'], layer: 'conv9' }), 'layer-not-found', /"conv9".*conv2\/relu/);
      await expectEngineError(async () => await explainBatch(graph, IMAGES, { methods: ['gradcam'], layer: 'gap' }), 'layer-not-found', /"gap"/);
      await expectEngineError(() => graph.network.split('logits'), 'layer-not-found', /"logits"/);
    });

    it('a sidecar layer must name a 4-D node', async () => {
      const file = await saveGraphFixture(path.join(dir, 'sidecar-layer'));
      const sidecar = path.join(path.dirname(file), 'biascope.json');
      const config = { classes: ['alpha', 'beta', 'gamma'], inputSize: [16, 16], preprocess: { scale: '0..1' } };
      writeFileSync(sidecar, JSON.stringify({ ...config, layer: 'conv1/relu' }));
      const model = await loadModel(file);
      expect(model.defaultLayer).toBe('conv1/relu');
      model.network.dispose();
      writeFileSync(sidecar, JSON.stringify({ ...config, layer: 'conv1/bias_add' }));
      await expectEngineError(() => loadModel(file), 'config-invalid', /biascope\.json: field "layer": no 4-D node named "conv1\/bias_add"/);
    });

    it('a truncated weights.bin is model-invalid, naming the files', async () => {
      const file = await saveGraphFixture(path.join(dir, 'truncated'));
      const weights = path.join(path.dirname(file), 'weights.bin');
      truncateSync(weights, statSync(weights).size - 8);
      const error = await expectEngineError(() => loadModel(file), 'model-invalid', /truncated/);
      expect(error.message).toContain(file);
      expect(error.message).toContain('weights.bin');
    });

    it('a missing weights.bin is model-invalid, naming the shard', async () => {
      const file = await saveGraphFixture(path.join(dir, 'missing'));
      rmSync(path.join(path.dirname(file), 'weights.bin'));
      await expectEngineError(() => loadModel(file), 'model-invalid', /weight shard .*weights\.bin does not exist/);
    });
  });
}
