/**
 * Engine speed: milliseconds per image for a forward pass, Grad-CAM and guided
 * backprop, on the demo model and on a VGG-style 224x224 model, at batch 1 and 8.
 * The targets are relative to the forward pass, so they hold on any machine:
 * Grad-CAM <= 1.15x forward, guided backprop <= 3x forward.
 *
 *   npm run bench [-- --backend wasm|cpu|tensorflow] [-- --quick]
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { tf } from '../src/main/engine/tf';
import type { Tensor4D } from '../src/main/engine/tf';
import { BACKENDS, describeBackend, explainBatch, initBackend, loadModel, type BackendName, type LoadedModel } from '../src/main/engine';
import { saveLayersModel } from '../src/main/engine/model/save';
import { buildVgg, VGG_CLASSES, VGG_SIZE } from './vgg';
import { measureInterleaved, timeOnce, type RepetitionPolicy } from './timing';
import { captureStockConvGradients } from './stock-gradients';
import { formatCases, formatFastConv, TARGETS, withRatios, writeRecord, type BenchRecord, type CaseResult, type FastConvComparison } from './report';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEMO_MODEL = path.join(ROOT, 'resources/demo/model/model.json');
const RESULTS_DIR = path.join(ROOT, 'bench/results');
const BATCHES = [1, 8];

const { values: flags } = parseArgs({
  options: { backend: { type: 'string' }, quick: { type: 'boolean' } },
  strict: true,
});
if (flags.backend !== undefined && !(BACKENDS as readonly string[]).includes(flags.backend)) {
  console.error(`--backend must be one of ${BACKENDS.join(', ')}`);
  process.exit(2);
}

// Sized so the whole bench stays within a few minutes on a 2-core machine.
const POLICY: RepetitionPolicy = flags.quick
  ? { warmups: 1, minReps: 1, maxReps: 2, budgetMs: 1_000 }
  : { warmups: 1, minReps: 5, maxReps: 15, budgetMs: 20_000 };

interface BenchModel {
  name: string;
  model: LoadedModel;
}

/** A fixed input batch in the model's scaled range; preprocessing is not measured. */
function inputBatch(model: LoadedModel, batch: number): Tensor4D {
  const [h, w] = model.config.inputSize;
  return tf.randomUniform([batch, h, w, 3], 0, 1, 'float32', 42) as Tensor4D;
}

function benchCase({ name, model }: BenchModel, batch: number): CaseResult {
  const x = inputBatch(model, batch);
  try {
    const { forward, gradcam, guided } = measureInterleaved(
      {
        forward: () => tf.tidy(() => void model.network.logits(x).dataSync()),
        gradcam: async () => void await explainBatch(model, x, { methods: ['gradcam'] }),
        guided: async () => void await explainBatch(model, x, { methods: ['guided-backprop'] }),
      },
      POLICY,
    );
    const perImage = (medianMs: number) => medianMs / batch;
    return {
      model: name,
      batch,
      forwardMs: perImage(forward.medianMs),
      gradcamMs: perImage(gradcam.medianMs),
      guidedBackpropMs: perImage(guided.medianMs),
      reps: [forward.runsMs.length, gradcam.runsMs.length, guided.runsMs.length],
    };
  } finally {
    x.dispose();
  }
}

async function savedVgg(dir: string): Promise<BenchModel> {
  const network = buildVgg();
  try {
    const modelPath = await saveLayersModel(network, dir, {
      classes: VGG_CLASSES,
      inputSize: [VGG_SIZE, VGG_SIZE],
      preprocess: { scale: '0..1' },
      layer: 'conv_last',
    });
    // Loaded back from disk, so the bench measures the model as the app runs it.
    return { name: `vgg-${VGG_SIZE}`, model: await loadModel(modelPath) };
  } finally {
    network.dispose();
  }
}

function cpuModel(): string {
  return os.cpus()[0]?.model.trim() ?? 'unknown CPU';
}

async function main(): Promise<void> {
  const stockConv = captureStockConvGradients();
  const backend = await initBackend(flags.backend as BackendName | undefined);
  const notes: string[] = [];
  const environment = {
    node: process.version,
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    backend: describeBackend(backend),
    // Other work on the machine slows some rounds: worth knowing when reading the figures.
    loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))),
  };
  console.log(`backend ${environment.backend} | node ${environment.node} | ${environment.cpu} x ${environment.cores} | load ${environment.loadAverage.join(' ')}`);

  const models: BenchModel[] = [];
  if (existsSync(DEMO_MODEL)) {
    models.push({ name: 'demo', model: await loadModel(DEMO_MODEL) });
  } else {
    notes.push(`demo model skipped: ${path.relative(ROOT, DEMO_MODEL)} does not exist yet`);
    console.log(notes.at(-1));
  }
  const tmp = path.join(os.tmpdir(), `biascope-bench-${process.pid}`);
  const vgg = await savedVgg(tmp);
  models.push(vgg);

  const cases: CaseResult[] = [];
  for (const model of models) {
    for (const batch of BATCHES) {
      const started = performance.now();
      const result = benchCase(model, batch);
      cases.push(result);
      console.log(`  ${model.name} batch ${batch}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }

  const fastConvOff = compareFastConv(vgg, backend.name, cases, stockConv.run);
  const withTargets = cases.map(withRatios);
  console.log('');
  for (const line of formatCases(withTargets)) console.log(line);
  console.log('');
  console.log(formatFastConv(fastConvOff));
  for (const note of notes) console.log(`note: ${note}`);

  const record: BenchRecord = { date: new Date().toISOString(), ...environment, targets: TARGETS, cases: withTargets, fastConvOff, notes };
  const file = await writeRecord(record, RESULTS_DIR);
  console.log(`\nwritten: ${path.relative(ROOT, file)} and bench/results/latest.json`);

  for (const { model } of models) model.network.dispose();
  await rm(tmp, { recursive: true, force: true });
}

/** Guided backprop once at batch 8 with tfjs's own conv gradients, against the engine's. */
function compareFastConv(
  { name, model }: BenchModel,
  backend: BackendName,
  cases: readonly CaseResult[],
  withStockConv: <T>(fn: () => T) => T,
): FastConvComparison | { skipped: string } {
  if (backend !== 'wasm') return { skipped: `the engine replaces conv gradients on wasm only; this run is on ${backend}` };
  const batch = 8;
  const fast = cases.find((c) => c.model === name && c.batch === batch);
  if (!fast) return { skipped: `no ${name} batch ${batch} case to compare with` };
  const x = inputBatch(model, batch);
  try {
    const totalMs = withStockConv(() => timeOnce(async () => void await explainBatch(model, x, { methods: ['guided-backprop'] })));
    return { model: name, batch, stockMs: totalMs / batch, fastMs: fast.guidedBackpropMs };
  } finally {
    x.dispose();
  }
}

await main();
