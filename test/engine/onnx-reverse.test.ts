/**
 * Guided backprop from the reverse-mode ONNX graph (run by ONNX Runtime) against the
 * same quantity from the interpreter (tfjs autodiff): two independent computations of
 * one derivative, on hand-built graphs with the ops whose rules have no PyTorch
 * fixture here (HardSwish, HardSigmoid, Pad, AveragePool, Erf, LayerNormalization); and the default layer of a
 * network with squeeze-excite pooling inside its backbone.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/main/engine/tf';
import type { Tensor2D } from '../../src/main/engine/tf';
import { initBackend, loadModel } from '../../src/main/engine';
import { channelSummedMagnitude, guidedBackprop } from '../../src/main/engine/methods/guided';
import type { OnnxNetwork } from '../../src/main/engine/onnx/onnx-network';
import type { OnnxGraph, OnnxNode } from '../../src/main/engine/onnx/graph';
import { defaultLayerTensor } from '../../src/main/engine/onnx/modules';
import { toInputTensor } from '../../src/main/engine/preprocess';
import { syntheticImages, tempDir } from '../fixtures/models';
import { relativeError, saveTinyGraph, type TinyGraphOptions } from '../fixtures/onnx-models';

describe('guided backprop on the reverse-mode graph', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend('wasm');
    dir = tempDir('biascope-reverse-');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, TinyGraphOptions][] = [
    ['relu, pad and average pool', { averagePool: true }],
    ['hard swish', { activation: 'HardSwish' }],
    ['hard sigmoid', { activation: 'HardSigmoid' }],
    ['erf and a channels-last layer norm', { activation: 'Erf', layerNorm: true }],
  ];
  for (const [label, options] of cases) {
    it(`${label}: ONNX Runtime's graph equals the interpreter's gradient`, async () => {
      const folder = path.join(dir, label.replace(/\W+/g, '-'));
      mkdirSync(folder);
      const model = await loadModel(saveTinyGraph(folder, options));
      try {
        const images = syntheticImages(3, 8, 21);
        const x = toInputTensor(images, model.config);
        const rows = new Float32Array(3 * 2);
        [0, 1, 1].forEach((c, b) => (rows[b * 2 + c] = 1));
        const native = await (model.network as OnnxNetwork).guidedGradient(x, rows);
        expect((model.network as OnnxNetwork).guidedFallback).toBeNull();
        const oneHot = tf.tensor2d(rows, [3, 2]) as Tensor2D;
        const interpreted = guidedBackprop(model.network, x, () => oneHot);
        expect(native).not.toBeNull();
        const a = native!.dataSync();
        const b = interpreted.dataSync();
        expect(a.some((v) => v !== 0)).toBe(true);
        expect(relativeError(a, b)).toBeLessThan(1e-5);
        expect(relativeError(channelSummedMagnitude(native!).dataSync(), channelSummedMagnitude(interpreted).dataSync())).toBeLessThan(1e-5);
        tf.dispose([x, native!, oneHot, interpreted]);
      } finally {
        model.network.dispose();
      }
    });
  }
});

describe('the default layer', () => {
  const node = (name: string, opType: string, inputs: string[], output: string): OnnxNode => ({ name, opType, domain: '', inputs, outputs: [output], attributes: new Map(), scopes: null });
  it('is the map before the head, not a squeeze-excite pooling inside the backbone', () => {
    const graph: OnnxGraph = {
      irVersion: 8,
      opset: 17,
      producer: '',
      inputs: [],
      outputs: [],
      metadata: new Map(),
      initializers: new Map(),
      nodes: [
        node('/features/features.0/Conv', 'Conv', ['input', 'w0'], 'c0'),
        node('/features/features.0/Relu', 'Relu', ['c0'], 'r0'),
        node('/features/features.1/se/GlobalAveragePool', 'GlobalAveragePool', ['r0'], 'se'),
        node('/features/features.1/se/Sigmoid', 'Sigmoid', ['se'], 'gate'),
        node('/features/features.1/Mul', 'Mul', ['r0', 'gate'], 'm1'),
        node('/features/features.2/Conv', 'Conv', ['m1', 'w2'], 'c2'),
        node('/features/features.2/Relu', 'Relu', ['c2'], 'r2'),
        node('/pool/MaxPool', 'MaxPool', ['r2'], 'p'),
        node('/avgpool/GlobalAveragePool', 'GlobalAveragePool', ['p'], 'g'),
        node('/Flatten', 'Flatten', ['g'], 'f'),
        node('/fc/Gemm', 'Gemm', ['f', 'fw'], 'logits'),
      ],
    };
    const spatial = new Set(['c0', 'r0', 'm1', 'c2', 'r2', 'p']);
    expect(defaultLayerTensor(graph, 'logits', (t) => spatial.has(t))).toBe('r2');
  });
});
