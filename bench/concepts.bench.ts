/**
 * What region-free concepts cost: the whole demo audited with and without `concepts`
 * (interleaved, through the back end the app uses), the components and descriptors per
 * image, the per-class fit of `export concepts` at 10,000 images, and the causal tests
 * per concept at the default caps (what a 10,000-image audit tests: the caps bind there).
 *
 *   npm run bench:concepts [-- --runs 3]
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { componentsToStore, fitConcepts } from '../src/main/analysis/concepts';
import { createBackend } from '../src/main/backend';
import { DEFAULT_CAUSAL_CAPS } from '../src/main/analysis/concepts/causal';
import { seededRandom } from '../src/shared/random';
import { auditThroughApi } from '../test/fixtures/backend-audit';
import { median } from './timing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATASET = path.join(ROOT, 'resources/demo/dataset');
const MODEL = path.join(ROOT, 'resources/demo/model/model.json');
const RESULTS = path.join(ROOT, 'bench/results/concepts-latest.json');

const { values: flags } = parseArgs({ options: { runs: { type: 'string' }, quick: { type: 'boolean' } }, strict: true });
const RUNS = Number(flags.runs ?? (flags.quick ? 1 : 3));
const tmp = path.join(os.tmpdir(), `biascope-concepts-bench-${process.pid}`);

/** Images per second of one whole audit of the demo into a fresh database. */
async function auditRate(concepts: boolean, run: number): Promise<number> {
  const dataDir = path.join(tmp, `${concepts ? 'on' : 'off'}-${run}`);
  const backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir, demo: null, warm: false });
  try {
    const state = await auditThroughApi(backend, { dataset: DATASET, model: MODEL, methods: ['gradcam'], targets: 'label', concepts });
    if (state.status !== 'done' || !state.summary) throw new Error(`the audit ended ${state.status}: ${state.error}`);
    return state.summary.imagesPerSecond;
  } finally {
    await backend.close();
  }
}

/** A 12x12 map with two blobs and a 64-channel descriptor on its grid, as the demo's conv_last gives. */
function syntheticMap(random: () => number) {
  const width = 12;
  const height = 12;
  const data = new Float32Array(width * height);
  for (const [cx, cy] of [[3 + random() * 6, 2 + random() * 3], [3 + random() * 6, 7 + random() * 3]] as const) {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x]! += Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 3);
  }
  const channels = 64;
  const descriptor = { width, height, channels, data: Float32Array.from({ length: width * height * channels }, () => random()) };
  return { map: { width, height, data }, descriptor };
}

/**
 * The causal tests of the demo's concepts, on an audit made with concepts: the export
 * with tests less the export without (the fit and the files), per concept and per image
 * edited; then the same export again, read back from the store.
 */
async function causalTestCost(dataDir: string): Promise<{ ms: number; concepts: number; images: number; msPerImage: number; withoutTestsMs: number; storedMs: number }> {
  const backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir, demo: null, warm: false });
  try {
    const [stored] = await backend.api.storedDatasets();
    const key = stored!.latest!;
    const timed = async (options: { noTests?: boolean }, dir: string) => {
      const started = performance.now();
      await backend.api.exportFindings({ key, kind: 'concepts', dir: path.join(tmp, dir), options });
      return performance.now() - started;
    };
    const without = await timed({ noTests: true }, 'no-tests');
    const withTests = await timed({}, 'tests');
    const storedMs = await timed({}, 'tests-again');
    const csv = await readFile(path.join(tmp, 'tests', 'concepts.csv'), 'utf8');
    const lines = parse(csv, { columns: true }) as Record<string, string>[];
    const images = lines.reduce((sum, line) => sum + ['flips_tested', 'errors_tested', 'transplant_tested'].reduce((n, name) => n + Number(line[name] || 0), 0), 0);
    const ms = withTests - without;
    return { ms, concepts: lines.length, images, msPerImage: ms / images, withoutTestsMs: without, storedMs };
  } finally {
    await backend.close();
  }
}

async function main(): Promise<void> {
  await rm(tmp, { recursive: true, force: true });
  const off: number[] = [];
  const on: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    off.push(await auditRate(false, run));
    on.push(await auditRate(true, run));
  }
  const drop = 1 - median(on) / median(off);
  console.log(`audit of the demo (1,400 images, targets label): ${median(off).toFixed(0)} images/s without concepts, ${median(on).toFixed(0)} with: ${(drop * 100).toFixed(1)} % fewer (target < 15 %) ${drop < 0.15 ? 'PASS' : 'MISS'}`);

  const random = seededRandom(7);
  const maps = Array.from({ length: 200 }, () => syntheticMap(random));
  const started = performance.now();
  let components = 0;
  for (const { map, descriptor } of maps) components += componentsToStore(map, descriptor).length;
  const perImage = (performance.now() - started) / maps.length;
  console.log(`components and descriptors of a 12x12 map (64 channels): ${(perImage * 1000).toFixed(0)} µs an image (${(components / maps.length).toFixed(1)} components)`);

  // A class of 10,000 images, two components each, four latent concepts.
  const directions = Array.from({ length: 4 }, () => Float32Array.from({ length: 64 }, () => random() - 0.5));
  const input = Array.from({ length: 20_000 }, (_, i) => {
    const base = directions[i % 4]!;
    const vector = Float32Array.from(base, (v) => v + (random() - 0.5) * 0.2);
    return { imageId: Math.floor(i / 2), vector, mass: 0.2 + random(), centroid: { x: random(), y: random() } };
  });
  const fitStarted = performance.now();
  const fit = fitConcepts(input, { seed: 1 });
  const fitMs = performance.now() - fitStarted;
  console.log(`concepts of a class of 10,000 images (20,000 components): ${fit.concepts.length} found in ${fitMs.toFixed(0)} ms (fitted on ${fit.sample.images} images)`);

  const tests = await causalTestCost(path.join(tmp, `on-${RUNS - 1}`));
  console.log(
    `causal tests at the default caps (${DEFAULT_CAUSAL_CAPS.flips}/${DEFAULT_CAUSAL_CAPS.errors}/${DEFAULT_CAUSAL_CAPS.transplant}): ` +
      `${(tests.ms / tests.concepts / 1000).toFixed(1)} s a concept (${tests.concepts} concepts, ${tests.images} edited images, ${tests.msPerImage.toFixed(1)} ms an image; ` +
      `at full caps ${((tests.msPerImage * (DEFAULT_CAUSAL_CAPS.flips + DEFAULT_CAUSAL_CAPS.errors + DEFAULT_CAUSAL_CAPS.transplant)) / 1000).toFixed(1)} s a concept); a second export, tests read back from the store: ${tests.storedMs.toFixed(0)} ms (${tests.withoutTestsMs.toFixed(0)} ms without tests)`,
  );

  const record = {
    date: new Date().toISOString(),
    node: process.versions.node,
    cores: os.availableParallelism(),
    loadAverage: os.loadavg()[0],
    audit: { imagesPerSecondWithout: off, imagesPerSecondWith: on, drop },
    componentsMicrosecondsPerImage: perImage * 1000,
    fit: { images: 10_000, components: 20_000, ms: fitMs, concepts: fit.concepts.length },
    causalTests: { caps: DEFAULT_CAUSAL_CAPS, ...tests },
  };
  await mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
  await rm(tmp, { recursive: true, force: true });
}

await main();
