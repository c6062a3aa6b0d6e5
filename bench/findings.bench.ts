/**
 * Findings on the whole demo (1,400 images), through the back end the app uses: how
 * well the spurious-focus suggestions and the SpRAy clusters recover the demo's known
 * truth, and how long each finding takes to compute (clusters, suggestions, subgroups,
 * comparison of two audits, a drawn region applied to a class, the report and its PDF).
 *
 *   npm run bench:findings
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adjustedRandIndex } from '../src/main/analysis/spray';
import { judgeFocus } from '../src/main/analysis/suggestions';
import { createBackend } from '../src/main/backend';
import { openStore } from '../src/main/store';
import type { AuditKey } from '../src/shared/views';
import { median } from './timing';
import { auditThroughApi } from '../test/fixtures/backend-audit';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATASET = path.join(ROOT, 'resources/demo/dataset');
const MODEL = path.join(ROOT, 'resources/demo/model/model.json');
const RESULTS = path.join(ROOT, 'bench/results/findings-latest.json');
const tmp = path.join(os.tmpdir(), `biascope-findings-bench-${process.pid}`);

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

async function medianMs(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(work)).ms);
  return median(times);
}

await rm(tmp, { recursive: true, force: true });
await mkdir(tmp, { recursive: true });
const backend = createBackend({ name: 'biascope', version: 'bench', dataDir: tmp, demo: null });
try {
  const dataset = await backend.api.openDataset({ root: DATASET });
  const model = await backend.api.openModel({ path: MODEL });
  const audit = async (layer: string): Promise<number> => {
    const start = performance.now();
    await auditThroughApi(backend, { dataset: DATASET, model: MODEL, methods: ['gradcam'], targets: 'label', layer });
    return (performance.now() - start) / 1000;
  };
  const auditSeconds = await audit(model.defaultLayer!);
  const key: AuditKey = { datasetId: dataset.id, modelId: model.id, layer: model.defaultLayer!, method: 'gradcam' };
  const idsWith = async (name: string, value: string) =>
    new Set((await backend.api.gridIndex({ key, filter: { attribute: { name, value } }, sort: { by: 'path', dir: 'asc' } })).ids);

  // Suggestions against the truth: the model reads blue scrubs as "doctor".
  const rules = { spurious: ['cue'], evidence: ['object'], threshold: 0.5 };
  await backend.api.setSpuriousRules({ datasetId: dataset.id, rules });
  const blue = await idsWith('cue', 'blue');
  const list = await backend.api.suggestions({ key, limit: 1_000_000 });
  const hits = list.items.filter((item) => blue.has(item.imageId)).length;
  const suggestionsMs = await medianMs(5, () => backend.api.suggestions({ key, limit: 1_000_000 }));
  // The naive rule (spurious mass above evidence mass, no threshold on the pair), for contrast.
  const store = openStore(path.join(tmp, 'library.db'), { readonly: true });
  const rows = store.focusRows({ datasetId: dataset.id, modelId: model.id, setId: store.findResultSet(model.id, key.layer, 'gradcam')!, classes: model.classes }, ['cue', 'object']);
  store.close();
  const naive = rows.filter((row) => (row.masses.get('cue') ?? 0) > (row.masses.get('object') ?? 0));
  const naiveHits = naive.filter((row) => blue.has(row.imageId)).length;
  const ruleCheck = rows.filter((row) => judgeFocus(row.masses, rules).reason !== null).length;

  // Clusters of each class against the cue agreeing or not.
  const agrees = await idsWith('agrees', '1');
  const clusters = [];
  for (const label of model.classes) {
    const first = await timed(() => backend.api.clusters({ key, label }));
    const points = first.value.points;
    const ari = adjustedRandIndex(points.map((p) => p.cluster), points.map((p) => Number(agrees.has(p.imageId))));
    clusters.push({ label, images: points.length, suggested: first.value.suggested, sizes: first.value.clusters.map((c) => c.size), ari, firstMs: first.ms });
  }

  const subgroupsMs = await medianMs(3, () => backend.api.subgroups({ key, groupBy: 'cue' }));
  const drawn = await timed(() => backend.api.drawRegion({ datasetId: dataset.id, label: 'doctor', name: 'scrubs', box: { x0: 0.3, y0: 0.45, x1: 0.68, y1: 1 } }));
  const report = await timed(() =>
    backend.api.exportFindings({ key, kind: 'report', dir: path.join(tmp, 'report'), options: { groupBy: 'cue' } }),
  );
  const reportPdf = await timed(() =>
    backend.api.exportFindings({ key, kind: 'report', dir: path.join(tmp, 'report-pdf'), options: { groupBy: 'cue', pdf: true, trust: true } }),
  );
  const secondAuditSeconds = await audit('conv3');
  const other: AuditKey = { ...key, layer: 'conv3' };
  const compareFirst = await timed(() => backend.api.compareAudits({ a: key, b: other, groupBy: 'cue' }));

  const record = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    images: dataset.images,
    auditSeconds,
    secondAuditSeconds,
    suggestions: {
      suggested: list.items.length,
      truth: blue.size,
      precision: hits / list.items.length,
      recall: hits / blue.size,
      naiveSuggested: naive.length,
      naivePrecision: naiveHits / naive.length,
      ruleAgreesWithStoreRows: ruleCheck === list.items.length,
      ms: suggestionsMs,
    },
    clusters,
    subgroupsMs,
    drawRegion: { images: drawn.value.images, ms: drawn.ms },
    report: { htmlBytes: report.value.files[0]!.bytes, ms: report.ms },
    reportWithTrustAndPdf: { pages: reportPdf.value.pages, pdfBytes: reportPdf.value.files[1]?.bytes ?? 0, ms: reportPdf.ms },
    compareFirstMs: compareFirst.ms,
  };
  console.log(`audit of ${dataset.images} images: ${auditSeconds.toFixed(1)} s (second audit at conv3: ${secondAuditSeconds.toFixed(1)} s)`);
  console.log(
    `suggestions (cue spurious, object evidence): ${list.items.length} of ${rows.length}, precision ${record.suggestions.precision.toFixed(3)}, recall ${record.suggestions.recall.toFixed(3)} against the ${blue.size} pictures in blue scrubs; ${suggestionsMs.toFixed(0)} ms`,
  );
  console.log(`  naive rule (spurious mass > evidence mass): ${naive.length} suggested, precision ${record.suggestions.naivePrecision.toFixed(3)}`);
  for (const c of clusters) {
    console.log(`clusters of ${c.label}: ${c.sizes.join(' / ')} (eigengap suggests ${c.suggested}), ARI ${c.ari.toFixed(3)} against cue agreeing; first call ${c.firstMs.toFixed(0)} ms`);
  }
  console.log(`subgroups by cue: ${subgroupsMs.toFixed(0)} ms; compare two audits: ${compareFirst.ms.toFixed(0)} ms`);
  console.log(`drawn region applied to ${drawn.value.images} doctor images: ${drawn.ms.toFixed(0)} ms`);
  console.log(`report: ${(record.report.htmlBytes / 1024).toFixed(0)} KiB HTML in ${(report.ms / 1000).toFixed(1)} s; with trust checks and PDF: ${record.reportWithTrustAndPdf.pages} pages in ${(reportPdf.ms / 1000).toFixed(1)} s`);
  await mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
} finally {
  await backend.close();
  await rm(tmp, { recursive: true, force: true });
}
