/**
 * Descriptor features: the layer feeding the explained one, pooled to the explained
 * layer's grid, from the forward pass the maps make. Each format's result must equal
 * that layer's activation computed on its own (split(descriptor).body, or ONNX Runtime
 * run with the tensor as its output) pooled independently; asking for none must leave
 * the results as they were; nothing may leak.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/main/engine/tf';
import type { Tensor4D } from '../../src/main/engine/tf';
import {
  EngineError,
  explainBatch,
  initBackend,
  liveTensors,
  loadModel,
  toInputTensor,
  type ImageExplanation,
  type LoadedModel,
  type RgbImage,
} from '../../src/main/engine';
import { poolToGrid } from '../../src/main/engine/descriptor';
import { withExtraOutputs } from '../../src/main/engine/onnx/proto';
import { createSession, floatTensor } from '../../src/main/engine/onnx/runtime';
import { permuteData } from '../../src/main/engine/onnx/ops/transpose';
import { decodeRgb } from '../../src/main/library/decode';
import { FIXTURES, saveFixture, syntheticImages, tempDir } from '../fixtures/models';
import { saveGraphFixture } from '../fixtures/graph-model';
import { fixtureImages, onnxFixture } from '../fixtures/onnx-models';
import { expectClose } from './helpers';

const DEMO = path.resolve('resources/demo/model/model.json');
const DEMO_DATASET = path.resolve('resources/demo/dataset');
const DEMO_IMAGES = ['doctor/test_0003.png', 'doctor/test_0004.png', 'doctor/test_0005.png', 'nurse/test_0001.png', 'nurse/test_0002.png', 'nurse/test_0004.png'];

/**
 * The reference pooling, by tfjs ops rather than poolToGrid: block averages for an
 * integer factor down, block repetition for one up.
 */
function pooledReference(features: Tensor4D, height: number, width: number): Float32Array {
  return tf.tidy(() => {
    const [, h, w] = features.shape;
    let out = features;
    if (h > height) out = tf.avgPool(out, [h / height, w / width], [h / height, w / width], 'valid');
    else if (h < height) out = tf.image.resizeNearestNeighbor(out, [height, width]);
    return out.dataSync() as Float32Array;
  });
}

/** The descriptors of a batch, laid end to end as one [B, h, w, C] array. */
function concatenated(results: ImageExplanation[]): Float32Array {
  const parts = results.map((r) => r.descriptor!.data);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function expectSameResults(a: ImageExplanation[], b: ImageExplanation[], tolerance = 0): void {
  expect(a.length).toBe(b.length);
  a.forEach((r, i) => {
    expect(r.predictions.map((p) => p.index)).toEqual(b[i]!.predictions.map((p) => p.index));
    expectClose(r.predictions.map((p) => p.logit), b[i]!.predictions.map((p) => p.logit), tolerance, 0);
    expect(r.maps.map((m) => [m.method, m.layer, m.target.index])).toEqual(b[i]!.maps.map((m) => [m.method, m.layer, m.target.index]));
    r.maps.forEach((m, k) => expectClose(m.map.data, b[i]!.maps[k]!.map.data, tolerance, 0));
  });
}

/**
 * Explains with and without descriptor features, and checks the descriptors against
 * `layer`'s activation from its own body pass, pooled to the map's grid.
 */
async function checkAgainstBody(model: LoadedModel, images: RgbImage[], explained: string, descriptor: string | true, expectedLayer: string): Promise<void> {
  const before = liveTensors();
  const withFeatures = await explainBatch(model, images, { methods: ['gradcam', 'gradcampp'], layer: explained, descriptor });
  const without = await explainBatch(model, images, { methods: ['gradcam', 'gradcampp'], layer: explained });
  expect(liveTensors()).toBe(before);
  for (const r of without) expect(r).not.toHaveProperty('descriptor');
  expectSameResults(withFeatures, without);
  const { width, height } = withFeatures[0]!.maps[0]!.map;
  const want = tf.tidy(() => {
    const x = toInputTensor(images, model.config);
    const { activation } = model.network.split(expectedLayer).body(x);
    const pooled = pooledReference(activation, height, width);
    return { pooled, channels: activation.shape[3] };
  });
  for (const r of withFeatures) expect([r.descriptor!.height, r.descriptor!.width, r.descriptor!.channels]).toEqual([height, width, want.channels]);
  expectClose(concatenated(withFeatures), want.pooled, 1e-5);
  expect(liveTensors()).toBe(before);
}

async function expectEngineError(run: () => Promise<unknown>, message: RegExp): Promise<void> {
  const error = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).kind).toBe('layer-not-found');
  expect((error as EngineError).message).toMatch(message);
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('poolToGrid', () => {
  const batch = (h: number, w: number, c: number) => Float32Array.from({ length: 2 * h * w * c }, (_, i) => Math.sin(i * 0.7) * 3 + i * 0.01);

  it('averages exact blocks for an integer factor, and reads NCHW as NHWC', () => {
    const data = batch(6, 4, 3);
    const nhwc = poolToGrid({ data, layout: 'NHWC', shape: [2, 6, 4, 3] }, 3, 2);
    const want = tf.tidy(() => tf.avgPool(tf.tensor4d(data, [2, 6, 4, 3]), [2, 2], [2, 2], 'valid').dataSync());
    expectClose(concatenated(nhwc.map((descriptor) => ({ predictions: [], maps: [], descriptor }))), want, 1e-6);
    const nchw = poolToGrid({ data: permuteData(data, [2, 6, 4, 3], [0, 3, 1, 2]), layout: 'NCHW', shape: [2, 6, 4, 3] }, 3, 2);
    nchw.forEach((d, i) => expect(Array.from(d.data)).toEqual(Array.from(nhwc[i]!.data)));
    expect(poolToGrid({ data, layout: 'NHWC', shape: [2, 6, 4, 3] }, 6, 4).map((d) => Array.from(d.data)).flat()).toEqual(Array.from(data));
  });

  it('weights cells by the area they share when the factor is not an integer, and spreads a coarser grid', () => {
    // One channel, 3 -> 2 along each axis: cell 0 covers source rows 0 and half of 1.
    const data = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [pooled] = poolToGrid({ data, layout: 'NHWC', shape: [1, 3, 3, 1] }, 2, 2);
    const axis = [
      [1, 0.5, 0],
      [0, 0.5, 1],
    ].map((row) => row.map((v) => v / 1.5));
    const want = [0, 1].flatMap((i) => [0, 1].map((j) => axis[i]!.reduce((s, wy, y) => s + axis[j]!.reduce((t, wx, x) => t + wy * wx * data[y * 3 + x]!, 0), 0)));
    expectClose(pooled!.data, want, 1e-6);
    const [spread] = poolToGrid({ data: Float32Array.from([1, 2, 3, 4]), layout: 'NHWC', shape: [1, 2, 2, 1] }, 4, 4);
    expect(Array.from(spread!.data)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });
});

describe('descriptor features: layers models', () => {
  let demo: LoadedModel;
  let demoImages: RgbImage[];
  const fixtures = new Map<string, LoadedModel>();

  beforeAll(async () => {
    demo = await loadModel(DEMO);
    demoImages = await Promise.all(DEMO_IMAGES.map((file) => decodeRgb(path.join(DEMO_DATASET, file), demo.config.inputSize)));
    const dir = tempDir('biascope-descriptor-');
    for (const f of FIXTURES) fixtures.set(f.name, await loadModel(await saveFixture(f, dir)));
  });

  afterAll(() => {
    demo?.network.dispose();
    for (const m of fixtures.values()) m.network.dispose();
  });

  it('names the layer feeding the explained one', () => {
    const named = {
      demo: demo.network.descriptorLayer(demo.defaultLayer),
      ...Object.fromEntries([...fixtures].map(([name, m]) => [name, `${m.defaultLayer} <- ${m.network.descriptorLayer(m.defaultLayer)}`])),
    };
    console.log('default descriptor layers (layers models):', named);
    expect(demo.defaultLayer).toBe('conv_last');
    expect(demo.network.descriptorLayer('conv_last')).toBe('pool3');
    expect(demo.network.descriptorLayer('conv2')).toBe('pool1');
    expect(demo.network.descriptorLayer('pool2')).toBe('conv2');
    // The first conv reads the image: there is no earlier layer.
    expect(demo.network.descriptorLayer('conv1')).toBeNull();
    expect(fixtures.get('gap-logits')!.network.descriptorLayer('conv_last')).toBe('pool1');
    expect(fixtures.get('pool-head')!.network.descriptorLayer('conv_last')).toBe('conv1');
    const residual = fixtures.get('residual')!.network;
    expect(residual.descriptorLayer('conv_last')).toBe('block_add');
    // An add has two inbound layers: the nearest earlier feature map.
    expect(residual.descriptorLayer('block_add')).toBe('pw');
    // Batch norm and activation after a conv belong to it: the stem reads the image.
    expect(residual.descriptorLayer('stem_relu')).toBeNull();
    expect(residual.descriptorLayer('dw')).toBe('stem_relu');
    const nested = fixtures.get('nested')!;
    expect(nested.defaultLayer).toBe('base');
    // Through the nested model's edges, to the layer inside it.
    expect(nested.network.descriptorLayer('base')).toBe('base_pool');
    expect(nested.network.descriptorLayer('base_conv1')).toBeNull();
  });

  it('the demo model (batch of 6): the pooled activation of pool3 on conv_last\'s grid', async () => {
    await checkAgainstBody(demo, demoImages, 'conv_last', true, 'pool3');
    const [first] = await explainBatch(demo, demoImages.slice(0, 1), { methods: ['gradcam'], descriptor: true });
    console.log('demo descriptor:', first!.descriptor!.height, 'x', first!.descriptor!.width, 'x', first!.descriptor!.channels);
  });

  it('a larger descriptor grid is averaged in blocks (the demo\'s conv3 and pool-head\'s stride 2)', async () => {
    await checkAgainstBody(demo, demoImages.slice(0, 3), 'conv_last', 'conv3', 'conv3');
    const images = syntheticImages(3, 16, 5);
    await checkAgainstBody(fixtures.get('pool-head')!, images, 'conv_last', true, 'conv1');
  });

  it('every fixture, its default layer and descriptor; a descriptor past the explained layer is spread', async () => {
    const images = syntheticImages(3, 16, 9);
    for (const [name, model] of fixtures) {
      const descriptor = model.network.descriptorLayer(model.defaultLayer)!;
      await checkAgainstBody(model, images, model.defaultLayer, true, descriptor).catch((error: Error) => {
        throw new Error(`${name}: ${error.message}`);
      });
    }
    // conv1 (16 x 16) described by conv_last (8 x 8), which runs after it.
    await checkAgainstBody(fixtures.get('gap-logits')!, images, 'conv1', 'conv_last', 'conv_last');
  });

  it('a descriptor layer that does not exist, is not 4-D, or cannot be found is an EngineError', async () => {
    const model = fixtures.get('gap-logits')!;
    const images = syntheticImages(2, 16, 3);
    const before = liveTensors();
    await expectEngineError(() => explainBatch(model, images, { methods: ['gradcam'], descriptor: 'nope' }), /no layer named "nope"/);
    await expectEngineError(() => explainBatch(model, images, { methods: ['gradcam'], descriptor: 'gap' }), /"gap" outputs shape \[12\]; descriptor features need a 4-D/);
    await expectEngineError(() => explainBatch(model, images, { methods: ['gradcam'], layer: 'conv1', descriptor: true }), /"conv1" reads the input image/);
    expect(liveTensors()).toBe(before);
    // Pixel-space methods fix no grid: no descriptor, and no error.
    const [guided] = await explainBatch(model, images.slice(0, 1), { methods: ['guided-backprop'], descriptor: true });
    expect(guided).not.toHaveProperty('descriptor');
  });
});

describe('descriptor features: graph models', () => {
  let graph: LoadedModel;
  let fused: LoadedModel;

  beforeAll(async () => {
    const dir = tempDir('biascope-descriptor-graph-');
    graph = await loadModel(await saveGraphFixture(path.join(dir, 'graph')));
    fused = await loadModel(await saveGraphFixture(path.join(dir, 'fused'), { softmax: true, identity: true, fused: true }));
  });

  afterAll(() => {
    graph?.network.dispose();
    fused?.network.dispose();
  });

  it('names the input of the op that computed the explained node', () => {
    console.log('default descriptor layers (graph models):', {
      graph: `${graph.defaultLayer} <- ${graph.network.descriptorLayer(graph.defaultLayer)}`,
      fused: `${fused.defaultLayer} <- ${fused.network.descriptorLayer(fused.defaultLayer)}`,
    });
    expect(graph.network.descriptorLayer('conv2/relu')).toBe('conv1/relu');
    expect(graph.network.descriptorLayer('conv2')).toBe('conv1/relu');
    expect(graph.network.descriptorLayer('conv1/relu')).toBeNull();
    expect(fused.network.descriptorLayer(fused.defaultLayer)).toBe('conv1/relu');
  });

  it('equals the descriptor node\'s own activation, and changes nothing else', async () => {
    const images = syntheticImages(3, 16, 13);
    await checkAgainstBody(graph, images, 'conv2/relu', true, 'conv1/relu');
    await checkAgainstBody(fused, images, fused.defaultLayer, true, 'conv1/relu');
    await expectEngineError(() => explainBatch(graph, images, { methods: ['gradcam'], descriptor: 'nope' }), /no node named "nope"/);
  });
});

describe('descriptor features: ONNX models', () => {
  /** The tensor's activation from ONNX Runtime asked for it directly, as NHWC. */
  async function ortActivation(file: string, tensor: string, x: Tensor4D): Promise<Tensor4D> {
    const { session } = await createSession(withExtraOutputs(new Uint8Array(readFileSync(file)), [tensor]), { threads: 1, device: 'cpu' }, file, 'basic');
    try {
      const [b, h, w, c] = x.shape;
      const input = floatTensor(permuteData(x.dataSync() as Float32Array, x.shape, [0, 3, 1, 2]), [b, c, h, w]);
      const out = (await session.run({ input }, [tensor]))[tensor]!;
      const dims = [...out.dims].map(Number) as [number, number, number, number];
      return tf.tensor4d(permuteData(out.data as Float32Array, dims, [0, 2, 3, 1]), [dims[0], dims[2], dims[3], dims[1]]);
    } finally {
      await session.release();
    }
  }

  const CASES = [
    { name: 'tiny-gap', layer: 'features.7', descriptor: 'features.5', tensor: '/features/features.5/Relu_output_0' },
    { name: 'resnet18', layer: 'layer4', descriptor: 'layer3', tensor: '/layer3/layer3.1/relu_1/Relu_output_0' },
  ];

  for (const c of CASES) {
    it(`${c.name}: ${c.layer} is described by ${c.descriptor}, as ONNX Runtime computes it`, async () => {
      const fixture = onnxFixture(c.name);
      const model = await loadModel(fixture.model, { threads: 1 });
      try {
        const images = await fixtureImages(c.name, fixture.reference);
        console.log(`default descriptor layer (${c.name}): ${model.defaultLayer} <- ${model.network.descriptorLayer(model.defaultLayer)}`);
        expect(model.defaultLayer).toBe(c.layer);
        expect(model.network.descriptorLayer(c.layer)).toBe(c.descriptor);
        // The first run keeps the head's dense weights for the model's lifetime: not a leak.
        await explainBatch(model, images.slice(0, 1), { methods: ['gradcam'] });
        const before = liveTensors();
        const withFeatures = await explainBatch(model, images, { methods: ['gradcam'], descriptor: true });
        const without = await explainBatch(model, images, { methods: ['gradcam'] });
        expect(liveTensors()).toBe(before);
        for (const r of without) expect(r).not.toHaveProperty('descriptor');
        // Another ONNX Runtime session (one more output) may order float sums differently.
        expectSameResults(withFeatures, without, 1e-5);
        const { width, height } = withFeatures[0]!.maps[0]!.map;
        const x = toInputTensor(images, model.config);
        const direct = await ortActivation(fixture.model, c.tensor, x);
        expect(withFeatures[0]!.descriptor!.channels).toBe(direct.shape[3]);
        expectClose(concatenated(withFeatures), pooledReference(direct, height, width), 1e-5);
        tf.dispose(direct);
        await expectEngineError(() => explainBatch(model, images, { methods: ['gradcam'], descriptor: 'layer9' }), /no 4-D layer named "layer9" to take descriptor features from/);
        // The interpreter's body pass (what the sanity check runs) gives the same features.
        // (It uploads the model's weights once, for the model's lifetime.)
        const interpreted = tf.tidy(() => pooledReference(model.network.split(c.layer).body(x, c.descriptor).descriptor!, height, width));
        expectClose(interpreted, concatenated(withFeatures), 1e-4);
        x.dispose();
      } finally {
        model.network.dispose();
      }
    });
  }

  it('resnet18: module paths and the tensors entering them', async () => {
    const model = await loadModel(onnxFixture('resnet18').model, { threads: 1 });
    try {
      const names = Object.fromEntries(['layer1', 'layer2', 'layer4', 'layer4.1', 'layer4.1.conv2', 'conv1', 'relu'].map((l) => [l, model.network.descriptorLayer(l)]));
      console.log('resnet18 descriptor layers:', names);
      expect(names).toEqual({
        layer1: 'maxpool',
        layer2: 'layer1',
        layer4: 'layer3',
        'layer4.1': 'layer4.0',
        'layer4.1.conv2': 'layer4.1.relu',
        conv1: null,
        relu: null,
      });
    } finally {
      model.network.dispose();
    }
  });

  it('mobilenet_v2: features.18 is described by the block before it', async () => {
    const model = await loadModel(onnxFixture('mobilenet_v2').model, { threads: 1 });
    try {
      console.log(`default descriptor layer (mobilenet_v2): ${model.defaultLayer} <- ${model.network.descriptorLayer(model.defaultLayer)}`);
      expect(model.network.descriptorLayer('features.18')).toBe('features.17');
      expect(model.network.descriptorLayer('features.0')).toBeNull();
    } finally {
      model.network.dispose();
    }
  });
});
