/**
 * ONNX models on ONNX Runtime: ms/img for the forward pass, Grad-CAM and guided
 * backprop on torchvision resnet18, resnet50 and mobilenet_v2 (224x224, random
 * weights, exported by scripts/fixtures/onnx-bench-models.py with Debian's PyTorch),
 * then `biascope audit` end to end on a folder of 224x224 images with resnet50, and
 * PyTorch's own forward and Grad-CAM on the same cores in the same run.
 *
 *   npm run bench:onnx [-- --quick]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { tf } from '../src/main/engine/tf';
import type { Tensor4D } from '../src/main/engine/tf';
import { initBackend, loadModel } from '../src/main/engine';
import { explainBatch } from '../src/main/engine/explain';
import { median } from './timing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PYTHON = '/usr/bin/python3';
const MODELS_DIR = path.join(os.tmpdir(), 'biascope-bench-onnx');
const RESULT = path.join(ROOT, 'bench/results/onnx-latest.json');
const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' } }, strict: true });
const REPS = flags.quick ? 2 : 7;
const AUDIT_IMAGES = flags.quick ? 32 : 160;
const cores = os.availableParallelism();

function python(args: string[]): string | null {
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) {
    console.log(`(skipped: ${PYTHON} ${args[0]} failed: ${(run.stderr || run.error?.message || '').split('\n').slice(-2).join(' ')})`);
    return null;
  }
  return run.stdout;
}

/**
 * ms/img of each case, measured round by round (one run of each case per round, after
 * a warm-up round), so a change of load on a shared machine hits every case alike
 * and their ratios hold.
 */
async function interleaved<K extends string>(cases: Record<K, () => Promise<unknown>>, images: number, reps = REPS): Promise<Record<K, number>> {
  const keys = Object.keys(cases) as K[];
  for (const key of keys) await cases[key]();
  const runs = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < reps; i++) {
    for (const key of keys) {
      const start = performance.now();
      await cases[key]();
      runs[key].push(performance.now() - start);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, median(runs[k]) / images])) as Record<K, number>;
}

interface EngineRow {
  model: string;
  forward: number;
  gradcam: number;
  guided: number;
}

async function engineRow(name: string): Promise<EngineRow> {
  const model = await loadModel(path.join(MODELS_DIR, name, 'model.onnx'), { threads: cores });
  const batch = (n: number) => tf.tidy(() => tf.randomUniform([n, 224, 224, 3], -2, 2, 'float32', 7)) as Tensor4D;
  const x8 = batch(8);
  try {
    const ms = await interleaved(
      {
        forward: async () => (await model.network.fastPass!(x8, null))!.dispose(),
        gradcam: () => explainBatch(model, x8, { methods: ['gradcam'] }),
        guided: () => explainBatch(model, x8, { methods: ['guided-backprop'] }),
      },
      8,
    );
    return { model: name, ...ms };
  } finally {
    x8.dispose();
    model.network.dispose();
  }
}

/** A folder of noise images in two class folders, as a user's dataset would be laid out. */
async function noiseDataset(dir: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const cls = path.join(dir, i % 2 === 0 ? 'c0' : 'c1');
    mkdirSync(cls, { recursive: true });
    await sharp({ create: { width: 224, height: 224, channels: 3, background: { r: (i * 37) % 256, g: 90, b: 160 }, noise: { type: 'gaussian', mean: 120, sigma: 40 } } })
      .png()
      .toFile(path.join(cls, `img_${i}.png`));
  }
}

interface AuditRow {
  layout: string;
  /** Wall clock of the whole command, start-up and model loading included. */
  seconds: number;
  msPerImage: number;
  /** The rate the audit reports for its explaining phase (decode, explain, store). */
  explainImagesPerSecond: number;
}

function audit(dataset: string, extra: string[], label: string): AuditRow {
  const out = path.join(os.tmpdir(), `biascope-bench-audit-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  const start = performance.now();
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/biascope.js'), 'audit', dataset, '--model', path.join(MODELS_DIR, 'resnet50', 'model.onnx'), '--out', out, '--targets', 'predicted', ...extra], { encoding: 'utf8' });
  const seconds = (performance.now() - start) / 1000;
  rmSync(out, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`biascope audit failed: ${run.stderr}`);
  const rate = Number(/elapsed [^\n]*?, ([\d.]+) images\/s/.exec(run.stderr)?.[1] ?? NaN);
  return { layout: label, seconds, msPerImage: (seconds * 1000) / AUDIT_IMAGES, explainImagesPerSecond: rate };
}

async function main(): Promise<void> {
  if (python([path.join(ROOT, 'scripts/fixtures/onnx-bench-models.py'), MODELS_DIR]) === null) return;
  await initBackend('wasm');
  console.log(`ONNX Runtime on ${cores} cores, batch 8 at 224x224 (guided backprop: ONNX Runtime on the reverse-mode graph)\n`);
  console.log('model          forward   Grad-CAM   ratio   guided backprop   ratio   (ms/img)');
  const rows: EngineRow[] = [];
  for (const name of ['resnet18', 'resnet50', 'mobilenet_v2']) {
    const row = await engineRow(name);
    rows.push(row);
    console.log(`${name.padEnd(13)} ${row.forward.toFixed(1).padStart(8)} ${row.gradcam.toFixed(1).padStart(10)} ${(row.gradcam / row.forward).toFixed(2).padStart(7)} ${row.guided.toFixed(1).padStart(17)} ${(row.guided / row.forward).toFixed(2).padStart(7)}`);
  }

  const dataset = path.join(os.tmpdir(), `biascope-bench-images-${process.pid}`);
  rmSync(dataset, { recursive: true, force: true });
  await noiseDataset(dataset, AUDIT_IMAGES);
  console.log(`\nbiascope audit, ${AUDIT_IMAGES} PNG images 224x224, resnet50, gradcam, wall clock including start-up:`);
  const audits = [audit(dataset, [], `1 worker x ${cores} threads (default)`)];
  if (cores > 1) audits.push(audit(dataset, ['--workers', String(cores), '--threads', '1'], `${cores} workers x 1 thread`));
  rmSync(dataset, { recursive: true, force: true });
  for (const a of audits) {
    console.log(`  ${a.layout.padEnd(32)} ${a.seconds.toFixed(1)} s   ${a.msPerImage.toFixed(1)} ms/img overall   explaining ${a.explainImagesPerSecond.toFixed(1)} images/s (${(1000 / a.explainImagesPerSecond).toFixed(1)} ms/img)`);
  }

  const torch = python([path.join(ROOT, 'scripts/fixtures/onnx-bench-models.py'), '--pytorch-bench']);
  const pytorch = torch ? (JSON.parse(torch.trim().split('\n').at(-1)!) as { forwardMsPerImage: number; gradcamMsPerImage: number }) : null;
  const best = Math.min(...audits.map((a) => a.msPerImage));
  if (pytorch) {
    console.log(`\nPyTorch ${cores} threads, resnet50 batch 8: forward ${pytorch.forwardMsPerImage.toFixed(1)} ms/img, minimal Grad-CAM ${pytorch.gradcamMsPerImage.toFixed(1)} ms/img`);
    const steady = Math.min(...audits.map((a) => 1000 / a.explainImagesPerSecond));
    console.log(`biascope audit / PyTorch Grad-CAM computation: ${(best / pytorch.gradcamMsPerImage).toFixed(2)} overall, ${(steady / pytorch.gradcamMsPerImage).toFixed(2)} while explaining`);
  }
  const record = { date: new Date().toISOString(), cores, engine: rows, audits, pytorch };
  mkdirSync(path.dirname(RESULT), { recursive: true });
  writeFileSync(RESULT, JSON.stringify(record, null, 2) + '\n');
  console.log(`\nwritten ${path.relative(ROOT, RESULT)}`);
}

await main();
