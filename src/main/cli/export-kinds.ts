/** What `biascope export` can write, each from an open store and a chosen dataset. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NO_GROUP, type RebalancePolicy } from '../analysis/rebalance';
import { clusterClasses } from '../analysis/spray/audit-clusters';
import { writeBoxes } from '../export/boxes';
import { writeClusterFiles } from '../export/cluster-files';
import { rebalancePlanOf, writeRebalanceFiles } from '../export/rebalance-files';
import type { BoxTarget, JobRow, Store } from '../store';
import type { DatasetRow } from '../store/types';
import { isMethodName } from '../../shared/explain';
import { ModelConfigSchema } from '../../shared/model-config';
import { checkTrust, SANITY_THRESHOLD } from '../analysis/trust-check';
import { ChromiumMissingError, leadLines, ModelCardError, storedSpurious, writeReport, type SpuriousRules } from '../export/report';
import { CliError, UsageError } from './errors';
import type { CliIO } from './io';

export interface ExportContext {
  store: Store;
  dataset: DatasetRow;
  out: string;
  io: CliIO;
}

/** The dataset's latest audit: its model, layer and first method. */
function latestAudit(store: Store, dataset: DatasetRow): { job: JobRow; method: string; setId: number | undefined; classes: string[] } {
  const job = store.latestJob();
  if (!job || job.datasetId !== dataset.id) throw new CliError(`${dataset.root} has no audit in this database: run biascope audit first`);
  const method = job.methods[0]!;
  return { job, method, setId: store.findResultSet(job.modelId, job.layer, method), classes: store.modelClasses(job.modelId) };
}

export async function exportRebalance({ store, dataset, out, io }: ExportContext, groupBy: string, policy: RebalancePolicy): Promise<string[]> {
  const plan = rebalancePlanOf(store, dataset.id, groupBy, policy);
  if (plan.images.every((image) => image.group === NO_GROUP)) {
    throw new CliError(`no image of ${dataset.root} has the attribute "${groupBy}"`);
  }
  const files = await writeRebalanceFiles(plan, out);
  for (const cell of plan.summary.filter((c) => c.deficit > 0)) {
    await io.out(`${cell.label} x ${cell.groupBy}=${cell.group}: ${cell.count} images, ${cell.deficit} short of ${cell.targetCount}`);
  }
  return files;
}

export async function exportClusters({ store, dataset, out, io }: ExportContext, clusters: number | undefined): Promise<string[]> {
  const { job, method, setId, classes } = latestAudit(store, dataset);
  const rows = setId === undefined ? [] : store.ownClassMaps(dataset.id, job.modelId, setId, classes);
  if (rows.length === 0) throw new CliError("the latest audit stored no map of any image's own class");
  const result = clusterClasses(rows, clusters === undefined ? {} : { clusters });
  const files = await writeClusterFiles({ model: store.model(job.modelId)!.path, layer: job.layer, method, classes: result }, out);
  for (const c of result) {
    const sizes = c.clusters.map((k) => `${k.size} (${Math.round(k.accuracy * 100)}% correct)`).join(', ');
    await io.out(`${c.label}: ${c.clusters.length} clusters (eigengap suggests ${c.suggested}): ${sizes}`);
  }
  return files;
}

export async function exportBoxes({ store, dataset, out, io }: ExportContext, target: string, masks: boolean): Promise<string[]> {
  const { job, method, setId, classes } = latestAudit(store, dataset);
  let rule: BoxTarget;
  if (target === 'predicted' || target === 'label') rule = { kind: target };
  else {
    const index = classes.indexOf(target);
    if (index < 0) throw new CliError(`--target must be predicted, label or a class of the model (${classes.join(', ')}); got "${target}"`);
    rule = { kind: 'class', index };
  }
  const rows = setId === undefined ? [] : store.boxes(dataset.id, job.modelId, setId, classes, rule);
  if (rows.length === 0) throw new CliError(`the latest audit stored no map for target ${target}: audit with --targets ${target === 'predicted' ? 'predicted' : target === 'label' ? 'label' : 'all'}`);
  const model = store.model(job.modelId)!;
  const framing = ModelConfigSchema.parse(JSON.parse(model.config)).preprocess;
  const files = await writeBoxes(rows, classes, { model: model.path, layer: job.layer, method, target }, out, masks, framing);
  const boxed = rows.filter((row) => row.box !== null).length;
  await io.out(`${boxed} boxes for ${rows.length} images (target ${target})${masks ? `, ${boxed} masks` : ''}`);
  return files;
}

export async function exportTrust({ store, dataset, out, io }: ExportContext, sample: number | undefined): Promise<string[]> {
  const { job, method } = latestAudit(store, dataset);
  if (!isMethodName(method)) throw new CliError(`the latest audit used an unknown method "${method}"`);
  const report = await checkTrust(store, { datasetId: dataset.id, modelId: job.modelId, layer: job.layer, method, ...(sample ? { sample } : {}) });
  const file = path.join(out, 'trust.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  const { sanity, faithfulness } = report;
  const curve = sanity.steps.map((s) => `${s.layer} ${s.mean.toFixed(2)}`).join(', ');
  await io.out(`sanity check (${report.images.length} images, Spearman with the original maps as layers are randomised from the top): ${curve}`);
  await io.out(
    sanity.passed
      ? `  passed: the maps fall apart with the model${sanity.fellAt ? ` (under ${SANITY_THRESHOLD} from ${sanity.fellAt})` : ''}`
      : `  FAILED: the maps stay alike when the model is destroyed; they show the image, not the model, and cannot be trusted`,
  );
  const f = (x: number) => x.toFixed(3);
  await io.out(`faithfulness: deletion area ${f(faithfulness.deletionArea)} (random ${f(faithfulness.randomDeletionArea)}), insertion area ${f(faithfulness.insertionArea)} (random ${f(faithfulness.randomInsertionArea)})`);
  await io.out(faithfulness.passed ? '  passed: removing what the map points at hurts the score sooner than removing pixels at random' : '  FAILED: the map orders pixels no better than chance');
  return [file];
}

export interface ReportRequest {
  groupBy: string | undefined;
  /** Regions from the command line: null for none, then the roles stored for the dataset are used. */
  spurious: SpuriousRules | null;
  /** --threshold when given: it also applies to the stored roles. */
  threshold: number | undefined;
  trust: boolean;
  sample: number | undefined;
  pdf: boolean;
  title?: string | undefined;
  /** A model-card file; absent: the one beside the model, when there. */
  modelCard?: string | undefined;
}

/** The report's spurious rules from the command line: null when no region is named. */
export function spuriousRules(regions: readonly string[] = [], evidence: readonly string[] = [], threshold = 0.5): SpuriousRules | null {
  if (regions.some((name) => evidence.includes(name))) throw new UsageError('a region cannot be both --spurious-region and --evidence-region');
  return regions.length + evidence.length === 0 ? null : { spurious: [...new Set(regions)], evidence: [...new Set(evidence)], threshold };
}

export async function exportReport({ store, dataset, out, io }: ExportContext, request: ReportRequest): Promise<string[]> {
  const { job, method, setId } = latestAudit(store, dataset);
  if (!isMethodName(method)) throw new CliError(`the latest audit used an unknown method "${method}"`);
  if (setId === undefined) throw new CliError('the latest audit stored no map yet');
  if (request.groupBy !== undefined && !store.datasetOverview(dataset.id).attributes.some((a) => a.name === request.groupBy)) {
    throw new CliError(`no image of ${dataset.root} has the attribute "${request.groupBy}"`);
  }
  const key = { datasetId: dataset.id, modelId: job.modelId, layer: job.layer, method };
  const stored = request.spurious ? null : storedSpurious(store, dataset.id);
  const spurious = request.spurious ?? (stored && { ...stored, threshold: request.threshold ?? stored.threshold });
  const started = performance.now();
  const trust = request.trust ? await checkTrust(store, { ...key, ...(request.sample ? { sample: request.sample } : {}) }) : null;
  if (trust) io.err(`trust checks on ${trust.images.length} images: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  try {
    const options = {
      ...(request.groupBy ? { groupBy: request.groupBy } : {}),
      ...(request.title ? { title: request.title } : {}),
      ...(request.modelCard ? { modelCard: request.modelCard } : {}),
      spurious,
      trust,
    };
    const report = await writeReport(store, key, options, out, request.pdf);
    await io.out(`report: ${report.data.classes.length} classes, ${Math.round(report.htmlBytes / 1024)} KiB${report.pdf ? `, PDF ${report.pdf.pages} pages` : ''}`);
    // The first page's lead findings: the same sentences, for a log or a pull request.
    for (const line of leadLines(report.data)) io.err(line);
    return [report.html, ...(report.pdf ? [report.pdf.file] : [])];
  } catch (error) {
    if (error instanceof ChromiumMissingError || error instanceof ModelCardError) throw new CliError(error.message);
    throw error;
  }
}
