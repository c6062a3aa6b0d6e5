/**
 * Audit speed, end to end (scan, decode, resize, Grad-CAM, statistics, SQLite
 * writes), against the engine alone, with one and two workers, against the
 * pytorch-grad-cam reference, and what a cached re-run, the database and a long
 * run's memory cost. Ratios are measured within one run: this machine is shared
 * and absolute figures move by 20%.
 *
 *   npm run bench:audit [-- --quick] [-- --backend wasm|cpu|tensorflow]
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { BACKENDS, describeBackend, explainBatch, initBackend, loadModel, type BackendName } from '../src/main/engine';
import { saveLayersModel } from '../src/main/engine/model/save';
import { startAudit } from '../src/main/jobs/audit';
import { identifyModel } from '../src/main/jobs/model-identity';
import { createExplainPool } from '../src/main/jobs/pool';
import type { TaskImage } from '../src/main/jobs/worker-protocol';
import { listDataset } from '../src/main/library/scan';
import { decodeImage } from '../src/main/library/decode';
import { openStore } from '../src/main/store';
import { writeErrorsCsv, writeImagesCsv } from '../src/main/export/audit-csv';
import type { AuditSummary } from '../src/shared/audit';
import { buildVgg, VGG_CLASSES, VGG_SIZE } from './vgg';
import { writeLibrary, type LibrarySpec } from './synthetic-library';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEMO_MODEL = path.join(ROOT, 'resources/demo/model/model.json');
const RESULTS = path.join(ROOT, 'bench/results/audit-latest.json');

/** pytorch-grad-cam on PyTorch (oneDNN, 2 threads) on this 2-core machine, VGG-like 224x224, batched. */
const REFERENCE_VGG_MS_PER_IMAGE = 94;

const { values: flags } = parseArgs({ options: { backend: { type: 'string' }, quick: { type: 'boolean' } }, strict: true });
if (flags.backend !== undefined && !(BACKENDS as readonly string[]).includes(flags.backend)) {
  console.error(`--backend must be one of ${BACKENDS.join(', ')}`);
  process.exit(2);
}
const backend = flags.backend as BackendName | undefined;
const SIZES = flags.quick
  ? { demoScaling: 400, demoLong: 2000, memoryAt: 200, vgg: 48, engineImages: 48 }
  : { demoScaling: 2000, demoLong: 10_000, memoryAt: 1000, vgg: 320, engineImages: 96 };
const BATCH = 8;

const tmp = path.join(os.tmpdir(), `biascope-audit-bench-${process.pid}`);
const mb = (bytes: number) => bytes / 2 ** 20;

interface RunFigures {
  summary: AuditSummary;
  /** Images/s once the pipeline is full: from 10% done to the end. */
  steadyRate: number;
  /** Scan to CSV written, seconds. */
  wallSeconds: number;
  rssAtMb: Record<number, number>;
  dbPerImageBytes?: number;
}

/** Grad-CAM throughput of the engine alone on one thread: images decoded beforehand, no statistics, no writes. */
async function engineRate(modelPath: string, root: string, count: number): Promise<number> {
  const model = await loadModel(modelPath);
  try {
    const listing = await listDataset(root);
    const files = listing.files.slice(0, count);
    const images = await Promise.all(files.map(async (f) => (await decodeImage(path.join(root, f.path), model.config.inputSize)).rgb));
    const batches = Array.from({ length: Math.ceil(images.length / BATCH) }, (_, i) => images.slice(i * BATCH, (i + 1) * BATCH));
    await explainBatch(model, batches[0]!, { methods: ['gradcam'], topK: 5 }); // warm-up: kernels compile on first use
    const started = performance.now();
    for (const batch of batches) await explainBatch(model, batch, { methods: ['gradcam'], topK: 5 });
    return images.length / ((performance.now() - started) / 1000);
  } finally {
    model.network.dispose();
  }
}

/**
 * The worker pool alone, fed images decoded beforehand, nothing written: what the
 * machine's threads can do. Two threads of the same SIMD work do not run twice as
 * fast where the two cores share one physical core, and this shows it.
 */
async function poolRate(modelPath: string, root: string, count: number, workers: number): Promise<number> {
  const identity = await identifyModel(modelPath);
  const listing = await listDataset(root);
  const images: TaskImage[] = await Promise.all(
    listing.files.slice(0, count).map(async (f, i) => {
      const decoded = await decodeImage(path.join(root, f.path), identity.config.inputSize);
      return { contentId: i, rgb: decoded.rgb.data, width: decoded.width, height: decoded.height, regions: [], extraTarget: -1 };
    }),
  );
  const task = (batch: TaskImage[]) => ({
    modelPath: identity.path,
    modelHash: identity.hash,
    ...(backend ? { backend } : {}),
    methods: ['gradcam' as const],
    targets: 'predicted' as const,
    topK: 5,
    images: batch,
  });
  const batches = Array.from({ length: Math.ceil(images.length / BATCH) }, (_, i) => images.slice(i * BATCH, (i + 1) * BATCH));
  const pool = createExplainPool(workers);
  try {
    // One task per thread first: each loads its model and compiles its kernels.
    await Promise.all(batches.slice(0, workers).map((b) => pool.run(task(b))));
    const started = performance.now();
    await Promise.all(batches.map((b) => pool.run(task(b))));
    return images.length / ((performance.now() - started) / 1000);
  } finally {
    await pool.close();
  }
}

/** What `biascope audit` does: the runner, then images.csv and errors.csv. */
async function audit(modelPath: string, root: string, out: string, workers: number, memoryAt?: number): Promise<RunFigures> {
  await mkdir(out, { recursive: true });
  const started = performance.now();
  const store = openStore(path.join(out, 'audit.db'));
  try {
    const run = startAudit(
      store,
      { dataset: root, model: modelPath, methods: ['gradcam'], targets: 'predicted', workers, batchSize: BATCH },
      backend ? { backend } : {},
    );
    const events: { at: number; done: number }[] = [];
    const rssAtMb: Record<number, number> = {};
    run.on('progress', (p) => {
      if (p.phase !== 'explaining') return;
      events.push({ at: performance.now(), done: p.done });
      if (memoryAt && p.done >= memoryAt && rssAtMb[memoryAt] === undefined) rssAtMb[memoryAt] = mb(process.memoryUsage.rss());
    });
    const summary = await run.finished;
    if (memoryAt) rssAtMb[summary.computed] = mb(process.memoryUsage.rss());
    await writeImagesCsv(store, path.join(out, 'images.csv'), {
      datasetId: summary.datasetId,
      modelId: summary.modelId,
      layer: summary.layer,
      method: 'gradcam',
      classes: store.modelClasses(summary.modelId),
      rules: store.spuriousRules(summary.datasetId),
    });
    await writeErrorsCsv(store, path.join(out, 'errors.csv'), summary.datasetId);
    const wallSeconds = (performance.now() - started) / 1000;
    const from = events.find((e) => e.done >= summary.computed * 0.1);
    const to = events.at(-1);
    const steadyRate = from && to && to.at > from.at ? (to.done - from.done) / ((to.at - from.at) / 1000) : summary.imagesPerSecond;
    return { summary, steadyRate, wallSeconds, rssAtMb, dbPerImageBytes: perImageBytes(store.sizeReport().fileBytes, summary.images) };
  } finally {
    store.close();
  }
}

/** An empty database's size is schema, not images: it is taken off before dividing. */
let emptyDbBytes = 0;
function perImageBytes(fileBytes: number, images: number): number {
  return images > 0 ? (fileBytes - emptyDbBytes) / images : 0;
}

async function library(name: string, spec: LibrarySpec): Promise<string> {
  const started = performance.now();
  const root = await writeLibrary(path.join(tmp, name), spec);
  console.log(`  library ${name}: ${spec.images} ${spec.width}x${spec.height} ${spec.format} images written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return root;
}

async function savedVgg(): Promise<string> {
  const network = buildVgg();
  try {
    return await saveLayersModel(network, path.join(tmp, 'vgg-model'), {
      classes: VGG_CLASSES,
      inputSize: [VGG_SIZE, VGG_SIZE],
      preprocess: { scale: '0..1' },
      layer: 'conv_last',
    });
  } finally {
    network.dispose();
  }
}

const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
const rate = (r: number) => `${r.toFixed(1)} img/s`;

async function main(): Promise<void> {
  const info = await initBackend(backend);
  console.log(`backend ${describeBackend(info)} | node ${process.version} | ${os.cpus()[0]?.model.trim()} x ${os.availableParallelism()} | load ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  await mkdir(tmp, { recursive: true });
  const empty = openStore(path.join(tmp, 'empty.db'));
  emptyDbBytes = empty.sizeReport().fileBytes;
  empty.close();

  // Demo model (96x96, 12x12 maps): engine vs one worker, and two workers vs one.
  const demoRoot = await library('demo', { images: SIZES.demoScaling, classes: ['doctor', 'nurse'], width: 128, height: 128, format: 'png' });
  const demoEngine = await engineRate(DEMO_MODEL, demoRoot, SIZES.engineImages * 4);
  const demoPool1 = await poolRate(DEMO_MODEL, demoRoot, SIZES.engineImages * 4, 1);
  const demoPool2 = await poolRate(DEMO_MODEL, demoRoot, SIZES.engineImages * 4, 2);
  const demo1 = await audit(DEMO_MODEL, demoRoot, path.join(tmp, 'demo-1'), 1);
  const demo2 = await audit(DEMO_MODEL, demoRoot, path.join(tmp, 'demo-2'), 2);
  console.log(`  demo: engine ${rate(demoEngine)}, pool alone ${rate(demoPool1)} / ${rate(demoPool2)}, audit 1 worker ${rate(demo1.steadyRate)}, 2 workers ${rate(demo2.steadyRate)}`);

  // VGG-like 224x224 (14x14 maps) from 320x240 JPEGs: the same, plus the reference and the size.
  const vggModel = await savedVgg();
  const vggRoot = await library('vgg', { images: SIZES.vgg, classes: VGG_CLASSES, width: 320, height: 240, format: 'jpeg' });
  const vggEngine = await engineRate(vggModel, vggRoot, SIZES.engineImages);
  const vggPool1 = await poolRate(vggModel, vggRoot, SIZES.engineImages, 1);
  const vggPool2 = await poolRate(vggModel, vggRoot, SIZES.engineImages, 2);
  const vgg1 = await audit(vggModel, vggRoot, path.join(tmp, 'vgg-1'), 1);
  const vgg2 = await audit(vggModel, vggRoot, path.join(tmp, 'vgg-2'), 2);
  console.log(`  vgg: engine ${rate(vggEngine)}, pool alone ${rate(vggPool1)} / ${rate(vggPool2)}, audit 1 worker ${rate(vgg1.steadyRate)}, 2 workers ${rate(vgg2.steadyRate)}`);

  // A long demo run: memory over time, then an unchanged re-run.
  const longRoot = await library('long', { images: SIZES.demoLong, classes: ['doctor', 'nurse'], width: 96, height: 96, format: 'png' });
  const first = await audit(DEMO_MODEL, longRoot, path.join(tmp, 'long'), 2, SIZES.memoryAt);
  const rerun = await audit(DEMO_MODEL, longRoot, path.join(tmp, 'long'), 2);
  const memoryDelta = first.rssAtMb[first.summary.computed]! - first.rssAtMb[SIZES.memoryAt]!;
  console.log(`  long: ${first.summary.computed} images in ${first.wallSeconds.toFixed(1)} s, re-run ${rerun.wallSeconds.toFixed(2)} s (${rerun.summary.computed} recomputed)`);

  const vggReference = 1000 / REFERENCE_VGG_MS_PER_IMAGE;
  const figures = {
    date: new Date().toISOString(),
    backend: describeBackend(info),
    cpu: os.cpus()[0]?.model.trim(),
    cores: os.availableParallelism(),
    loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))),
    sizes: SIZES,
    demo: {
      engine: demoEngine,
      pool1: demoPool1,
      pool2: demoPool2,
      machineScaling: ratio(demoPool2, demoPool1),
      audit1: demo1.steadyRate,
      audit2: demo2.steadyRate,
      pipelineRatio: ratio(demo1.steadyRate, demoEngine),
      scaling: ratio(demo2.steadyRate, demo1.steadyRate),
    },
    vgg: {
      engine: vggEngine,
      pool1: vggPool1,
      pool2: vggPool2,
      machineScaling: ratio(vggPool2, vggPool1),
      audit1: vgg1.steadyRate,
      audit2: vgg2.steadyRate,
      pipelineRatio: ratio(vgg1.steadyRate, vggEngine),
      scaling: ratio(vgg2.steadyRate, vgg1.steadyRate),
      wholeRunRate: vgg2.summary.computed / vgg2.wallSeconds,
      reference: vggReference,
      vsReference: ratio(vgg2.summary.computed / vgg2.wallSeconds, vggReference),
      dbBytesPerImage: Math.round(vgg2.dbPerImageBytes ?? 0),
    },
    rerun: {
      images: first.summary.computed,
      firstSeconds: first.wallSeconds,
      rerunSeconds: rerun.wallSeconds,
      recomputed: rerun.summary.computed,
      ratio: ratio(rerun.wallSeconds, first.wallSeconds),
    },
    memory: { rssMb: first.rssAtMb, deltaMb: Number(memoryDelta.toFixed(1)) },
  };
  const targets = [
    ['pipeline / engine, demo (>= 0.90)', figures.demo.pipelineRatio, figures.demo.pipelineRatio >= 0.9],
    ['pipeline / engine, vgg (>= 0.90)', figures.vgg.pipelineRatio, figures.vgg.pipelineRatio >= 0.9],
    ['2 workers / 1, demo (>= 1.7)', figures.demo.scaling, figures.demo.scaling >= 1.7],
    ['  the same work, pool alone without I/O (the machine)', figures.demo.machineScaling, true],
    ['2 workers / 1, vgg (>= 1.7)', figures.vgg.scaling, figures.vgg.scaling >= 1.7],
    ['  the same work, pool alone without I/O (the machine)', figures.vgg.machineScaling, true],
    [`vgg audit / pytorch-grad-cam ${vggReference.toFixed(1)} img/s (>= 1)`, figures.vgg.vsReference, figures.vgg.vsReference >= 1],
    [`re-run / first run, ${first.summary.computed} images (< 0.05)`, figures.rerun.ratio, figures.rerun.ratio < 0.05 && rerun.summary.computed === 0],
    ['bytes per image, 14x14 maps (< 2048)', figures.vgg.dbBytesPerImage, figures.vgg.dbBytesPerImage < 2048],
    [`RSS growth ${SIZES.memoryAt} -> ${first.summary.computed} images, MB (< 100)`, figures.memory.deltaMb, figures.memory.deltaMb < 100],
  ] as const;
  console.log('');
  for (const [name, value, pass] of targets) console.log(`  ${name.startsWith(' ') ? '    ' : pass ? 'ok  ' : 'MISS'} ${name.padEnd(58)} ${value}`);
  await writeFile(RESULTS, JSON.stringify({ ...figures, targets: targets.map(([name, value, pass]) => ({ name, value, pass })) }, null, 2) + '\n');
  console.log(`\nwritten: ${path.relative(ROOT, RESULTS)}`);
  await rm(tmp, { recursive: true, force: true });
}

await main();
