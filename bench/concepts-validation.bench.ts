/**
 * Do concepts agree with where the model truly looks? On every dataset with a known
 * shortcut (the planted badge and patch fixtures, their control, the demo's scrub
 * colour): a real audit with concepts, then per class the concepts found (k, share,
 * where) and how each image's dominant concept, and its SpRAy cluster, agree with the
 * truth of its map (on the cue when >= half its mass, or of its evidence, is on the cue:
 * analysis/concept-validation.ts): homogeneity, adjusted Rand index, and the images whose
 * group's majority truth is their own.
 *
 *   npm run bench:validation [-- --only cue,patch]
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Agreement } from '../src/main/analysis/cluster-agreement';
import { validateDataset, type DatasetValidation, type ValidationTarget } from '../test/fixtures/concept-validation';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PLANTED = path.join(ROOT, 'test/fixtures/planted');
const RESULTS = path.join(ROOT, 'bench/results/concepts-validation-latest.json');

const planted = (name: string, cueRegion: string | null): ValidationTarget => ({
  name,
  dataset: path.join(PLANTED, name),
  model: path.join(PLANTED, `${name}-model`, 'model.json'),
  boxes: path.join(PLANTED, name, 'truth.csv'),
  cueRegion,
});

const TARGETS: ValidationTarget[] = [
  planted('cue', 'badge'),
  planted('patch', 'patch'),
  planted('control', null),
  {
    name: 'demo',
    dataset: path.join(ROOT, 'resources/demo/dataset'),
    model: path.join(ROOT, 'resources/demo/model/model.json'),
    boxes: path.join(ROOT, 'resources/demo/dataset/regions.csv'),
    cueRegion: 'cue',
  },
];

const { values: flags } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean' }, runs: { type: 'string' } }, strict: true });
const only = flags.only?.split(',');
const tmp = path.join(os.tmpdir(), `biascope-validation-bench-${process.pid}`);

const pct = (x: number) => `${Math.round(x * 100)} %`;
const score = (a: Agreement) => `h ${a.homogeneity.toFixed(2)}  ARI ${a.ari.toFixed(2)}  ${a.majority}/${a.images}  (${a.clusters} groups)`;

/**
 * Where the causal tests' verdict goes: once the removal and transplant tests land
 * (ConceptTest in src/shared/concepts.ts), print here each concept flagged as a likely
 * shortcut with its reasons, and check that no concept covering the object is flagged.
 */
/** What the causal tests flag (default caps and seed), as the export and the report say it. */
function printShortcutFlags(result: DatasetValidation): void {
  const flagged = result.shortcuts ?? [];
  if (flagged.length === 0) console.log('  flagged shortcuts: none (thresholds are judgement)');
  for (const f of flagged) console.log(`  flagged shortcut: ${f.label}:${f.concept} (${f.where}): ${f.reasons.join('; ')}`);
}

function print(result: DatasetValidation): void {
  console.log(`\n${result.name} (descriptor layer ${result.descriptorLayer})`);
  for (const c of result.classes) {
    const concepts = result.concepts.find((k) => k.label === c.label)!;
    const list = concepts.concepts.map((k) => `${k.concept}: ${pct(k.share)} ${k.where}`).join(', ');
    const sprayK = result.clusters.find((k) => k.label === c.label)?.clusters.length ?? 0;
    console.log(`  ${c.label}: ${c.images} images; concepts (k=${concepts.concepts.length}): ${list}; SpRAy k=${sprayK}`);
    for (const [name, t] of [['all mass', c.byMass], ['evidence', c.byEvidence]] as const) {
      if (t.onCue === 0) {
        console.log(`    truth by ${name}: no map on the cue, nothing to separate`);
        continue;
      }
      console.log(`    truth by ${name}: map on the cue in ${t.onCue}`);
      console.log(`      concepts: ${score(t.concepts)}`);
      console.log(`      SpRAy:    ${score(t.spray)}`);
    }
  }
  printShortcutFlags(result);
}

async function main(): Promise<void> {
  await rm(tmp, { recursive: true, force: true });
  const results: DatasetValidation[] = [];
  try {
    for (const target of TARGETS) {
      if (only && !only.includes(target.name)) continue;
      const dir = path.join(tmp, target.name);
      await mkdir(dir, { recursive: true });
      const started = performance.now();
      const result = await validateDataset(target, dir, { workers: Math.min(2, os.availableParallelism()), shortcuts: true });
      console.log(`(${target.name}: audited and validated in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
      print(result);
      results.push(result);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const record = {
    date: new Date().toISOString(),
    node: process.versions.node,
    datasets: results.map((r) => ({
      name: r.name,
      descriptorLayer: r.descriptorLayer,
      classes: r.classes.map((c) => ({
        ...c,
        found: r.concepts.find((k) => k.label === c.label)!.concepts.map((k) => ({ concept: k.concept, share: k.share, where: k.where, images: k.images, dominated: k.dominated })),
      })),
    })),
  };
  await mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, RESULTS)}`);
}

await main();
