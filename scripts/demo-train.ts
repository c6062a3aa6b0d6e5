/**
 * Trains the biascope demo model on the demo dataset and saves it as a tfjs LayersModel.
 *
 * The dataset (scripts/demo-data.ts) decides the class by a small held object and
 * correlates it with a large spurious cue (the colour of the scrubs). A short training
 * run of a small CNN picks up the cue, which is the point: on the test pictures where
 * cue and object disagree the model follows the cue, and Grad-CAM shows it.
 *
 * Usage: tsx scripts/demo-train.ts [--data DIR] [--out DIR] [--epochs N] [--lr X] [--backend wasm|cpu]
 *   defaults: resources/demo/dataset, resources/demo/model, 8 epochs, 0.001, wasm
 *
 * Writes to the model folder: model.json + weights.bin (tfjs layers-model format),
 * biascope.json (the sidecar the app reads) and training.json (settings and metrics).
 * Deterministic: seeded initializers, a seeded batch order, no dropout, and
 * single-threaded kernels.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { ModelConfigSchema, type ModelConfigInput } from '../src/shared/model-config';
import { initBackend } from '../src/main/engine/backend';
import { fileHandler, readModelJson } from '../src/main/engine/model/io';
import { saveLayersModel } from '../src/main/engine/model/save';
import { loadModel, type LoadedModel } from '../src/main/engine/model/load';
import { explainBatch } from '../src/main/engine/explain';
import { massInBox, upsampleBilinear, type Box } from '../src/shared/heatmap';
import { parseCsv } from './fixture-kit';

const SIZE = 96;
const CLASSES = ['doctor', 'nurse'] as const;
type Label = (typeof CLASSES)[number];
/** The scrub colour each class usually wears in the training split. */
const USUAL_CUE: Record<Label, string> = { doctor: 'blue', nurse: 'pink' };
const LAST_CONV = 'conv_last';

interface Settings {
  dataDir: string;
  outDir: string;
  backend: 'wasm' | 'cpu';
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

// ---------------------------------------------------------------- data

interface Row {
  path: string;
  label: Label;
  cue: string;
  agrees: boolean;
  split: 'train' | 'test';
}

interface Sample extends Row {
  index: number;
  regions: Map<string, Box>;
}

interface Split {
  samples: Sample[];
  /** N x 96 x 96 x 3 pixels scaled to 0..1. */
  pixels: Float32Array;
}


function toRow(r: Record<string, string>): Row {
  const label = r.label as Label;
  if (!CLASSES.includes(label)) throw new Error(`manifest: unknown label "${r.label}"`);
  if (r.split !== 'train' && r.split !== 'test') throw new Error(`manifest: unknown split "${r.split}"`);
  return { path: r.path ?? '', label, cue: r.cue ?? '', agrees: r.agrees === '1', split: r.split };
}

async function readRegions(dataDir: string): Promise<Map<string, Map<string, Box>>> {
  const byPath = new Map<string, Map<string, Box>>();
  for (const r of parseCsv(await readFile(path.join(dataDir, 'regions.csv'), 'utf8'))) {
    const p = r.path ?? '';
    const regions = byPath.get(p) ?? new Map<string, Box>();
    regions.set(r.region ?? '', { x0: Number(r.x0), y0: Number(r.y0), x1: Number(r.x1), y1: Number(r.y1) });
    byPath.set(p, regions);
  }
  return byPath;
}

async function decodeInto(file: string, target: Float32Array, offset: number): Promise<void> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== SIZE || info.height !== SIZE || info.channels !== 3) {
    throw new Error(`${file}: expected ${SIZE}x${SIZE} RGB, got ${info.width}x${info.height}x${info.channels}`);
  }
  for (let i = 0; i < data.length; i++) target[offset + i] = (data[i] ?? 0) / 255;
}

async function loadSplit(dataDir: string, rows: readonly Row[], regions: Map<string, Map<string, Box>>): Promise<Split> {
  const per = SIZE * SIZE * 3;
  const pixels = new Float32Array(rows.length * per);
  const samples = rows.map((r, index) => ({ ...r, index, regions: regions.get(r.path) ?? new Map<string, Box>() }));
  const chunk = 32;
  for (let i = 0; i < samples.length; i += chunk) {
    await Promise.all(samples.slice(i, i + chunk).map((s) => decodeInto(path.join(dataDir, s.path), pixels, s.index * per)));
  }
  return { samples, pixels };
}

async function loadDataset(dataDir: string): Promise<{ train: Split; test: Split }> {
  const rows = parseCsv(await readFile(path.join(dataDir, 'manifest.csv'), 'utf8')).map(toRow);
  const regions = await readRegions(dataDir);
  return {
    train: await loadSplit(dataDir, rows.filter((r) => r.split === 'train'), regions),
    test: await loadSplit(dataDir, rows.filter((r) => r.split === 'test'), regions),
  };
}

// ---------------------------------------------------------------- model

function buildModel(seed: number): tf.LayersModel {
  const init = (k: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: seed + k });
  const conv = (name: string, filters: number, k: number): tf.layers.Layer =>
    tf.layers.conv2d({ name, filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(k) });
  const pool = (name: string): tf.layers.Layer => tf.layers.maxPooling2d({ name, poolSize: 2, strides: 2 });
  const input = tf.input({ name: 'image', shape: [SIZE, SIZE, 3] });
  let x = conv('conv1', 16, 1).apply(input) as tf.SymbolicTensor;
  x = pool('pool1').apply(x) as tf.SymbolicTensor;
  x = conv('conv2', 32, 2).apply(x) as tf.SymbolicTensor;
  x = pool('pool2').apply(x) as tf.SymbolicTensor;
  x = conv('conv3', 64, 3).apply(x) as tf.SymbolicTensor;
  x = pool('pool3').apply(x) as tf.SymbolicTensor;
  x = conv(LAST_CONV, 64, 4).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const probs = tf.layers.dense({ name: 'probs', units: CLASSES.length, activation: 'softmax', kernelInitializer: init(5) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ name: 'biascope_demo', inputs: input, outputs: probs });
}

/** Fisher-Yates with mulberry32, so the batch order is the same on every run. */
function seededPermutation(n: number, seed: number): number[] {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

function batchTensors(split: Split, indices: readonly number[]): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const per = SIZE * SIZE * 3;
  const buf = new Float32Array(indices.length * per);
  const labels = new Float32Array(indices.length * CLASSES.length);
  indices.forEach((idx, row) => {
    buf.set(split.pixels.subarray(idx * per, (idx + 1) * per), row * per);
    const sample = split.samples[idx];
    if (sample) labels[row * CLASSES.length + CLASSES.indexOf(sample.label)] = 1;
  });
  return { xs: tf.tensor4d(buf, [indices.length, SIZE, SIZE, 3]), ys: tf.tensor2d(labels, [indices.length, CLASSES.length]) };
}

interface EpochLog {
  epoch: number;
  loss: number;
  accuracy: number;
  /** Test accuracy on pictures whose cue agrees / conflicts: how the shortcut forms. */
  testAgreeing: number;
  testConflicting: number;
  seconds: number;
}

async function train(model: tf.LayersModel, data: Split, test: Split, s: Settings): Promise<EpochLog[]> {
  model.compile({ optimizer: tf.train.adam(s.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const logs: EpochLog[] = [];
  for (let epoch = 1; epoch <= s.epochs; epoch++) {
    const started = Date.now();
    const order = seededPermutation(data.samples.length, s.seed * 1000 + epoch);
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < order.length; i += s.batchSize) {
      const idx = order.slice(i, i + s.batchSize);
      const { xs, ys } = batchTensors(data, idx);
      const [l, acc] = (await model.trainOnBatch(xs, ys)) as number[];
      tf.dispose([xs, ys]);
      loss += (l ?? 0) * idx.length;
      correct += (acc ?? 0) * idx.length;
    }
    const seconds = (Date.now() - started) / 1000;
    const ev = await predictAll(model, test);
    const log = {
      epoch,
      loss: round4(loss / order.length),
      accuracy: round4(correct / order.length),
      testAgreeing: round4(accuracy(test.samples.filter((x) => x.agrees), ev)),
      testConflicting: round4(accuracy(test.samples.filter((x) => !x.agrees), ev)),
      seconds: Math.round(seconds * 10) / 10,
    };
    logs.push(log);
    console.log(
      `  epoch ${epoch}/${s.epochs}  loss ${log.loss.toFixed(4)}  acc ${log.accuracy.toFixed(4)}  ` +
        `test agreeing ${log.testAgreeing.toFixed(3)} conflicting ${log.testConflicting.toFixed(3)}  ${seconds.toFixed(1)}s`,
    );
  }
  return logs;
}

// ---------------------------------------------------------------- save and load

// ---------------------------------------------------------------- evaluation

interface Evaluation {
  probs: Float32Array;
  predicted: number[];
}

async function predictAll(model: tf.LayersModel, split: Split): Promise<Evaluation> {
  const all = split.samples.map((s) => s.index);
  const probs = new Float32Array(all.length * CLASSES.length);
  for (let i = 0; i < all.length; i += 64) {
    const { xs, ys } = batchTensors(split, all.slice(i, i + 64));
    const out = model.predict(xs) as tf.Tensor;
    probs.set((await out.data()) as Float32Array, i * CLASSES.length);
    tf.dispose([xs, ys, out]);
  }
  const predicted = all.map((i) => ((probs[i * 2 + 1] ?? 0) > (probs[i * 2] ?? 0) ? 1 : 0));
  return { probs, predicted };
}

function predictedLabel(ev: Evaluation, s: Sample): Label {
  const label = CLASSES[ev.predicted[s.index] ?? -1];
  if (label === undefined) throw new Error(`no prediction for ${s.path}`);
  return label;
}

function accuracy(samples: readonly Sample[], ev: Evaluation): number {
  if (samples.length === 0) return NaN;
  const right = samples.filter((s) => predictedLabel(ev, s) === s.label).length;
  return right / samples.length;
}

/** Share of pictures whose prediction is the class that usually wears the shown cue. */
function cueFollowRate(samples: readonly Sample[], ev: Evaluation): number {
  if (samples.length === 0) return NaN;
  const follows = samples.filter((s) => USUAL_CUE[predictedLabel(ev, s)] === s.cue).length;
  return follows / samples.length;
}

/**
 * Share of the Grad-CAM mass of the predicted class inside each region, computed by
 * the engine itself on the saved model (the same maps the app shows), upsampled to the
 * picture and measured with the shared heatmap helpers.
 */
async function camShares(explainer: LoadedModel, split: Split, samples: readonly Sample[], regions: readonly string[]): Promise<Record<string, number[]>> {
  const shares: Record<string, number[]> = Object.fromEntries(regions.map((r) => [r, []]));
  for (let i = 0; i < samples.length; i += 32) {
    const group = samples.slice(i, i + 32);
    const { xs, ys } = batchTensors(split, group.map((s) => s.index));
    const explained = await explainBatch(explainer, xs, { methods: ['gradcam'], layer: LAST_CONV });
    tf.dispose([xs, ys]);
    group.forEach((s, g) => {
      const map = upsampleBilinear(explained[g]!.maps[0]!.map, SIZE, SIZE);
      for (const r of regions) {
        const box = s.regions.get(r);
        shares[r]?.push(box ? massInBox(map, box) : 0);
      }
    });
  }
  return shares;
}

const boxArea = (b: Box | undefined): number => (b ? Math.max(0, b.x1 - b.x0) * Math.max(0, b.y1 - b.y0) : 0);
const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const round4 = (v: number): number => Math.round(v * 10000) / 10000;

interface Metrics {
  trainAccuracy: number;
  trainAccuracyAgreeing: number;
  trainAccuracyConflicting: number;
  testAccuracy: number;
  testAccuracyAgreeing: number;
  testAccuracyConflicting: number;
  testConflictingFollowCue: number;
  testConflictingCount: number;
  /** meanShare: Grad-CAM mass inside each box; meanArea: the box's share of the picture, for scale. */
  gradcamConflicting: { meanShare: Record<string, number>; meanArea: Record<string, number>; cueOverObject: number };
}

async function evaluate(model: tf.LayersModel, explainer: LoadedModel, data: { train: Split; test: Split }): Promise<Metrics> {
  const tr = await predictAll(model, data.train);
  const te = await predictAll(model, data.test);
  const agree = (split: Split, yes: boolean): Sample[] => split.samples.filter((s) => s.agrees === yes);
  const conflicting = agree(data.test, false);
  const regions = ['cue', 'object', 'face', 'hair'];
  const shares = await camShares(explainer, data.test, conflicting, regions);
  const cueShares = shares.cue ?? [];
  const objectShares = shares.object ?? [];
  return {
    trainAccuracy: round4(accuracy(data.train.samples, tr)),
    trainAccuracyAgreeing: round4(accuracy(agree(data.train, true), tr)),
    trainAccuracyConflicting: round4(accuracy(agree(data.train, false), tr)),
    testAccuracy: round4(accuracy(data.test.samples, te)),
    testAccuracyAgreeing: round4(accuracy(agree(data.test, true), te)),
    testAccuracyConflicting: round4(accuracy(conflicting, te)),
    testConflictingFollowCue: round4(cueFollowRate(conflicting, te)),
    testConflictingCount: conflicting.length,
    gradcamConflicting: {
      meanShare: Object.fromEntries(regions.map((r) => [r, round4(mean(shares[r] ?? []))])),
      meanArea: Object.fromEntries(regions.map((r) => [r, round4(mean(conflicting.map((c) => boxArea(c.regions.get(r)) / (SIZE * SIZE))))])),
      cueOverObject: round4(mean(cueShares.map((c, i) => (c > (objectShares[i] ?? 0) ? 1 : 0)))),
    },
  };
}

async function maxPredictionDiff(a: tf.LayersModel, b: tf.LayersModel, split: Split): Promise<number> {
  const pa = (await predictAll(a, split)).probs;
  const pb = (await predictAll(b, split)).probs;
  let worst = 0;
  pa.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (pb[i] ?? NaN)))));
  return worst;
}

// ---------------------------------------------------------------- main

function parseSettings(argv: readonly string[]): Settings {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      epochs: { type: 'string' },
      backend: { type: 'string' },
      lr: { type: 'string' },
    },
  });
  const backend = values.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`--backend must be wasm or cpu, got "${backend}"`);
  const epochs = Number(values.epochs ?? 8);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs must be a positive integer`);
  const learningRate = Number(values.lr ?? 0.001);
  if (!(learningRate > 0)) throw new Error(`--lr must be a positive number`);
  return {
    dataDir: path.resolve(values.data ?? 'resources/demo/dataset'),
    outDir: path.resolve(values.out ?? 'resources/demo/model'),
    backend,
    epochs,
    batchSize: 32,
    learningRate,
    seed: 7,
  };
}

function layerSummary(model: tf.LayersModel): { name: string; className: string; outputShape: unknown; params: number }[] {
  return model.layers.map((l) => ({ name: l.name, className: l.getClassName(), outputShape: l.outputShape, params: l.countParams() }));
}

async function main(): Promise<void> {
  const s = parseSettings(process.argv.slice(2));
  // The engine's wasm setup supplies what training needs there: a Conv2DBackpropFilter
  // kernel and input gradients run as forward convolutions.
  await initBackend(s.backend);
  console.log(`backend ${tf.getBackend()}; loading ${s.dataDir}`);
  const data = await loadDataset(s.dataDir);
  console.log(`  ${data.train.samples.length} train, ${data.test.samples.length} test images`);

  const model = buildModel(s.seed);
  const started = Date.now();
  const epochs = await train(model, data.train, data.test, s);
  const trainSeconds = (Date.now() - started) / 1000;

  const sidecar: ModelConfigInput = { classes: [...CLASSES], inputSize: [SIZE, SIZE], preprocess: { scale: '0..1', channels: 'rgb' }, layer: LAST_CONV };
  ModelConfigSchema.parse(sidecar);
  const modelPath = await saveLayersModel(model, s.outDir, sidecar);
  const loaded = await tf.loadLayersModel(fileHandler(modelPath, await readModelJson(modelPath)));
  const reloadDiff = await maxPredictionDiff(model, loaded, data.test);
  if (!(reloadDiff < 1e-5)) throw new Error(`saved model predicts differently after reload (max diff ${reloadDiff})`);

  const explainer = await loadModel(modelPath);
  const metrics = await evaluate(loaded, explainer, data);
  explainer.network.dispose();
  const report = {
    settings: {
      backend: s.backend,
      epochs: s.epochs,
      batchSize: s.batchSize,
      optimizer: 'adam',
      learningRate: s.learningRate,
      seed: s.seed,
      loss: 'categoricalCrossentropy',
      inputScale: '0..1',
      dataset: path.relative(s.outDir, s.dataDir).split(path.sep).join('/'),
    },
    layers: layerSummary(loaded),
    params: loaded.countParams(),
    epochs,
    trainSeconds: Math.round(trainSeconds),
    reloadMaxDiff: reloadDiff,
    metrics,
  };
  await writeFile(path.join(s.outDir, 'training.json'), JSON.stringify(report, null, 2) + '\n');
  printReport(report.params, trainSeconds, metrics, s.outDir);
}

function printReport(params: number, seconds: number, m: Metrics, outDir: string): void {
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  console.log(`model -> ${outDir} (${params} parameters, trained in ${seconds.toFixed(0)}s)`);
  console.log(`  train accuracy           ${pct(m.trainAccuracy)} (agreeing ${pct(m.trainAccuracyAgreeing)}, conflicting ${pct(m.trainAccuracyConflicting)})`);
  console.log(`  test accuracy            ${pct(m.testAccuracy)} (agreeing ${pct(m.testAccuracyAgreeing)}, conflicting ${pct(m.testAccuracyConflicting)})`);
  console.log(`  follows the cue          ${pct(m.testConflictingFollowCue)} of ${m.testConflictingCount} conflicting test images`);
  const { meanShare, meanArea, cueOverObject } = m.gradcamConflicting;
  const part = (r: string): string => `${r} ${pct(meanShare[r] ?? 0)} (box ${pct(meanArea[r] ?? 0)} of the picture)`;
  console.log(`  Grad-CAM mass on conflicting test images, predicted class: ${['cue', 'object', 'face'].map(part).join(', ')}`);
  console.log(`  more mass on the cue than on the object in ${pct(cueOverObject)} of them`);
}

await main();
