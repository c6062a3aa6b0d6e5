/**
 * Assembles the audit report's data from a store and an audit key (dataset, model,
 * layer, method). Reads only: nothing here runs the model (the trust checks do, so
 * the caller runs them and passes the result).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { headline, splitAttribute, type HeadlineInput } from '../../analysis/headline';
import { NO_GROUP, REBALANCE_ACTIONS, tagAction, type RebalanceAction, type RebalancePlan } from '../../analysis/rebalance';
import { clusterClasses } from '../../analysis/spray/audit-clusters';
import { subgroupTable } from '../../analysis/subgroups';
import { packageRoot, packageVersion } from '../../util/package-root';
import type { AuditRow, Store } from '../../store';
import { isOnRegion } from '../../../shared/region-focus';
import type { AuditKey } from '../../../shared/views';
import { ModelConfigSchema } from '../../../shared/model-config';
import { rebalancePlanOf } from '../rebalance-files';
import { classSection, clusterMapKey, thumb, type ThumbContext } from './class-section';
import { conclusions } from './conclusions';
import { subject } from './headline-text';
import { modelCardBeside, readModelCard } from './model-card';
import type { OnRegionCounts, ReportData, ReportOptions, SpuriousFinding, SpuriousRules, TagSection } from './types';

/** Grid the clusters' mean maps are computed on (audit-clusters' default). */
const CLUSTER_GRID = 12;
/** A class is listed as looking at a spurious region when at least this share of its maps does. */
export const SPURIOUS_CLASS_SHARE = 0.1;
/** A cluster is listed when the model gets at most this share of it right. */
export const WEAK_CLUSTER_ACCURACY = 0.5;

function version(): string {
  try {
    return packageVersion(packageRoot());
  } catch {
    return 'unknown';
  }
}

/** The region roles stored for the dataset (marked in the app), as report rules; null when none is marked. */
export function storedSpurious(store: Store, datasetId: number): SpuriousRules | null {
  const rules = store.spuriousRules(datasetId);
  if (rules.spurious.length + rules.evidence.length === 0) return null;
  return rules;
}

/** sha256 over the sorted content hashes, one per line: equal for the same pictures under any names. */
export function datasetHash(hashes: readonly string[]): string {
  return createHash('sha256').update([...hashes].sort().join('\n')).digest('hex');
}

/** A subgroup within one split, when the dataset has one: the tables never mix train and test. */
function subgroupName(group: string, split: string | null): string {
  return split === null ? group : `${group} · ${split}`;
}

function actionCounts(plan: RebalancePlan): NonNullable<ReportData['rebalance']>['actions'] {
  const labels = [...new Set(plan.images.map((i) => i.label))].sort();
  return labels.map((label) => {
    const counts = Object.fromEntries(REBALANCE_ACTIONS.map((a) => [a, 0])) as Record<RebalanceAction, number>;
    for (const image of plan.images) if (image.label === label) counts[image.action]++;
    return { label, counts };
  });
}

async function tagSections(
  store: Store,
  key: AuditKey,
  tags: ReadonlyMap<number, string[]>,
  rows: readonly AuditRow[],
  context: ThumbContext,
  options: ReportOptions,
): Promise<TagSection[]> {
  const limit = options.tagImages ?? 12;
  return Promise.all(
    store.tagCounts(key.datasetId).map(async ({ tag, images }) => {
      const tagged = rows.filter((row) => tags.get(row.contentId)?.includes(tag)).slice(0, limit);
      const shown = await Promise.all(tagged.map((row) => thumb(context, row, row.path, row.map)));
      return { tag, images, shown };
    }),
  );
}

/** The default title: the dataset's folder name. */
export function defaultTitle(datasetName: string): string {
  return `Bias audit report: ${datasetName}`;
}

/** Per class (and split): images on each region, by the rule the app's sidebar counts with. */
function onRegionCounts(inputs: readonly HeadlineInput[], regions: readonly string[], split: string | null): OnRegionCounts[] {
  const cells = new Map<string, OnRegionCounts>();
  for (const row of inputs) {
    if (row.predicted === null) continue;
    const part = split === null ? null : (row.attributes[split] ?? null);
    const key = `${row.label}\n${part ?? ''}`;
    const cell = cells.get(key) ?? { label: row.label, split: part, audited: 0, regions: regions.map((region) => ({ region, images: 0 })) };
    cell.audited++;
    for (const r of cell.regions) if (isOnRegion(row.mass.get(r.region) ?? 0)) r.images++;
    cells.set(key, cell);
  }
  return [...cells.values()].sort((a, b) => a.label.localeCompare(b.label) || (a.split ?? '').localeCompare(b.split ?? ''));
}

export async function buildReportData(store: Store, key: AuditKey, options: ReportOptions): Promise<ReportData> {
  const dataset = store.dataset(key.datasetId);
  const model = store.model(key.modelId);
  if (!dataset) throw new Error(`no dataset ${key.datasetId} in the database`);
  if (!model) throw new Error(`no model ${key.modelId} in the database`);
  const overview = store.datasetOverview(key.datasetId);
  const classes = store.modelClasses(key.modelId);
  const rows = store.auditRows(key.datasetId, key.modelId, key.layer, key.method);
  const setId = store.findResultSet(key.modelId, key.layer, key.method);
  const ownRows = setId === undefined ? [] : store.clusterMaps(key.datasetId, key.modelId, setId, classes);
  const clusters = clusterClasses(ownRows, { grid: CLUSTER_GRID });
  const groupBy = options.groupBy ?? null;
  if (groupBy !== null && !rows.some((row) => groupBy in row.attributes)) throw new Error(`no image has the attribute "${groupBy}"`);
  const spurious = options.spurious;
  const massRegions = spurious && spurious.spurious.length + spurious.evidence.length > 0 ? [...spurious.spurious, ...spurious.evidence] : overview.regions;
  const tags = store.tags(key.datasetId);
  const split = splitAttribute(overview.attributes);
  // One split value: nothing to keep apart in the tables.
  const tableSplit = split !== null && (overview.attributes.find((a) => a.name === split)?.values.length ?? 0) > 1 ? split : null;
  const headlineInputs: HeadlineInput[] = rows.map((row) => ({
    label: row.label,
    predicted: row.prediction ? (classes[row.prediction.predicted] ?? null) : null,
    confidence: row.prediction?.prob ?? null,
    attributes: row.attributes,
    mass: new Map(row.stats?.regions.map((r) => [r.name, r.mass]) ?? []),
  }));
  const lead = headline(headlineInputs, overview.attributes, spurious);
  const card = options.modelCard === undefined ? await modelCardBeside(model.path) : await readModelCard(path.resolve(options.modelCard));
  const clusterOf = new Map(clusters.flatMap((c) => c.images.filter((i) => i.role === 'label').map((i) => [i.path, `cluster ${i.cluster}`] as const)));
  const subgroups = subgroupTable(
    rows.map((row) => ({
      label: row.label,
      group: subgroupName(groupBy === null ? (clusterOf.get(row.path) ?? NO_GROUP) : (row.attributes[groupBy] ?? NO_GROUP), tableSplit === null || tableSplit === groupBy ? null : (row.attributes[tableSplit] ?? null)),
      predicted: row.prediction ? (classes[row.prediction.predicted] ?? null) : null,
      confidence: row.prediction?.prob ?? null,
      tags: tags.get(row.contentId) ?? [],
      mass: new Map(row.stats?.regions.map((r) => [r.name, r.mass]) ?? []),
    })),
    massRegions,
  );
  const ownMaps = new Map(ownRows.map((row) => [clusterMapKey(row.explained, row.path), row]));
  const allRows = new Map(rows.map((row) => [row.path, row]));
  const size = options.thumbnail ?? 96;
  const framing = ModelConfigSchema.parse(JSON.parse(model.config)).preprocess;
  const sections = await Promise.all(
    overview.classes.map(({ name }) =>
      classSection({
        root: dataset.root,
        label: name,
        classes,
        rows: rows.filter((row) => row.label === name),
        clusters: clusters.find((c) => c.label === name),
        ownMaps,
        allRows,
        spurious,
        subgroupsBy: groupBy ?? 'SpRAy cluster',
        subgroups,
        examples: options.examples ?? 12,
        size,
        framing,
      }),
    ),
  );
  const plan = groupBy === null ? null : rebalancePlanOf(store, key.datasetId, groupBy, options.policy ?? 'equal');
  const job = store.latestJob();
  const ownJob = job && job.datasetId === key.datasetId && job.modelId === key.modelId && job.layer === key.layer && job.methods.includes(key.method) ? job : null;
  // From the lead figures: per split when there is one, by the review queue's rule.
  const spuriousFindings: SpuriousFinding[] = lead.focus
    .map((f) => ({ label: subject(f.label, f.split), images: f.images, audited: f.share.n, share: f.share.estimate }))
    .filter((f) => f.share >= SPURIOUS_CLASS_SHARE)
    .sort((a, b) => b.share - a.share);
  const shortCells = plan?.summary.filter((c) => c.deficit > 0) ?? [];
  // Images with a tag that asks for a new label, by the rebalancing plan's tag rules.
  const mislabeled = rows.filter((row) => (tags.get(row.contentId) ?? []).some((tag) => tagAction(tag) === 'relabel')).length;
  return {
    title: options.title?.trim() || defaultTitle(dataset.name),
    generatedAt: new Date().toISOString(),
    version: version(),
    dataset: {
      root: dataset.root,
      name: dataset.name,
      images: overview.images,
      classes: overview.classes,
      hash: datasetHash(store.listImages(key.datasetId).map((image) => image.hash)),
      attributes: overview.attributes.map((a) => a.name),
      regions: overview.regions,
      problems: overview.problems,
    },
    model: {
      path: model.path,
      hash: model.hash,
      classes,
      layer: key.layer,
      method: key.method,
      backend: options.backend ?? store.auditBackend(key.datasetId, key.modelId, key.layer) ?? null,
      job: ownJob ? { targets: ownJob.targets, status: ownJob.status, startedAt: ownJob.startedAt, finishedAt: ownJob.finishedAt } : null,
      card,
    },
    settings: { groupBy, policy: options.policy ?? 'equal', spurious, massRegions, clusterGrid: CLUSTER_GRID },
    headline: lead,
    onRegion: onRegionCounts(headlineInputs, overview.regions, split),
    conclusions: conclusions({ headline: lead, rows: headlineInputs, rules: spurious, shortCells, mislabeled }),
    findings: {
      shortCells,
      spurious: spuriousFindings,
      weakClusters: sections.flatMap((s) =>
        s.clusters.filter((k) => k.size > 1 && k.accuracy <= WEAK_CLUSTER_ACCURACY).map((k) => ({ label: s.label, cluster: k.cluster, size: k.size, accuracy: k.accuracy })),
      ),
    },
    classes: sections,
    notes: store.notes(key.datasetId),
    tags: await tagSections(store, key, tags, rows, { root: dataset.root, classes, size, framing }, options),
    rebalance: plan && { groupBy: plan.groupBy, policy: plan.policy, summary: plan.summary, actions: actionCounts(plan) },
    trust: options.trust ?? null,
    shortcuts: options.shortcuts ?? null,
  };
}
