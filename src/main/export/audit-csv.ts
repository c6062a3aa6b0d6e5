/**
 * images.csv and errors.csv of an audit, read back from the store: one row per image
 * with its prediction, attributes and the attention statistics of the predicted
 * class's map; one row per file that was skipped, with the reason.
 */
import { clusterClasses } from '../analysis/spray/audit-clusters';
import type { Store } from '../store';
import type { MapStats } from '../store/types';
import type { SpuriousRules } from '../../shared/suggestions';
import { judgeFocus } from '../analysis/suggestions';
import { auditConcepts } from '../analysis/concepts';
import { csvText, writeFileAtomic } from './safe-write';

export interface ImagesCsvOptions {
  datasetId: number;
  modelId: number;
  layer: string;
  /** The method whose statistics fill the row (gradcam in a default audit). */
  method: string;
  classes: readonly string[];
  /** The dataset's region roles: the score is the mass on the spurious regions, none without one. */
  rules: SpuriousRules;
}

const fixed = (value: number, digits = 6) => Number(value.toFixed(digits));

function regionStat(stats: MapStats | null, region: string, pick: 'mass' | 'boxIou'): number | '' {
  const entry = stats?.regions.find((r) => r.name === region);
  return entry ? fixed(entry[pick]) : '';
}

/** Each image's SpRAy cluster within its class and its unusualness, by path (see analysis/spray). */
function clustersByPath(store: Store, options: ImagesCsvOptions): Map<string, { cluster: number; unusual: number }> {
  const setId = store.findResultSet(options.modelId, options.layer, options.method);
  if (setId === undefined) return new Map();
  // Clustered as the clusters export clusters them (errors too), so the ids agree; an image's row is its label's cluster.
  const classes = clusterClasses(store.clusterMaps(options.datasetId, options.modelId, setId, options.classes));
  return new Map(classes.flatMap((c) => c.images.filter((image) => image.role === 'label').map((image) => [image.path, { cluster: image.cluster, unusual: image.unusual }] as const)));
}

/**
 * Each image's dominant concept in its predicted class's map (`<class>:<n>`) and whether
 * it is mixed, when the audit described its maps (--concepts); empty otherwise.
 */
function conceptsByPath(store: Store, options: ImagesCsvOptions): Map<string, { concept: string; mixed: boolean }> {
  const setId = store.findResultSet(options.modelId, options.layer, options.method);
  const layer = setId === undefined ? undefined : store.descriptorLayers(setId)[0];
  if (setId === undefined || layer === undefined) return new Map();
  const classes = auditConcepts(store.componentRows(options.datasetId, options.modelId, setId, layer), options.classes);
  const out = new Map<string, { concept: string; mixed: boolean }>();
  for (const c of classes) {
    for (const image of c.assignments) {
      // The predicted class's map: the one the row's other statistics are of.
      if (image.dominant < 0 || !image.predictedHere) continue;
      out.set(image.path, { concept: `${c.label}:${image.dominant}`, mixed: image.mixed });
    }
  }
  return out;
}

/** Rows as arrays, header first: shared by the CSV and the tests that read it. */
export function imagesTable(store: Store, options: ImagesCsvOptions): (string | number)[][] {
  const rows = store.auditRows(options.datasetId, options.modelId, options.layer, options.method);
  const attributes = [...new Set(rows.flatMap((row) => Object.keys(row.attributes)))];
  const regions = [...new Set(rows.flatMap((row) => row.stats?.regions.map((r) => r.name) ?? []))].sort();
  const header = [
    'path',
    'label',
    'predicted',
    'prob',
    'correct',
    ...attributes,
    ...regions.map((r) => `mass_${r}`),
    'entropy',
    'peak_x',
    'peak_y',
    'spread',
    'max',
    ...regions.map((r) => `box_iou_${r}`),
    'box_x0',
    'box_y0',
    'box_x1',
    'box_y1',
    'spurious_score',
    'spurious',
    'cluster',
    'unusual',
    'concept',
    'concept_mixed',
  ];
  const clustered = clustersByPath(store, options);
  const concepts = conceptsByPath(store, options);
  const table: (string | number)[][] = [header];
  for (const row of rows) {
    const { prediction, stats } = row;
    const predicted = prediction ? (options.classes[prediction.predicted] ?? String(prediction.predicted)) : '';
    // The same rule as the app's suggestions (analysis/suggestions.ts).
    const judged = options.rules.spurious.length > 0 && stats ? judgeFocus(new Map(stats.regions.map((r) => [r.name, r.mass])), options.rules) : null;
    table.push([
      row.path,
      row.label,
      predicted,
      prediction ? fixed(prediction.prob) : '',
      prediction ? (predicted === row.label ? 1 : 0) : '',
      ...attributes.map((a) => row.attributes[a] ?? ''),
      ...regions.map((r) => regionStat(stats, r, 'mass')),
      stats ? fixed(stats.entropy) : '',
      stats ? fixed(stats.peakX) : '',
      stats ? fixed(stats.peakY) : '',
      stats ? fixed(stats.spread) : '',
      stats ? fixed(stats.max, 8) : '',
      ...regions.map((r) => regionStat(stats, r, 'boxIou')),
      ...(['x0', 'y0', 'x1', 'y1'] as const).map((k) => (stats?.box ? fixed(stats.box[k]) : '')),
      judged ? fixed(judged.spurious) : '',
      judged ? (judged.reason === null ? 0 : 1) : '',
      clustered.get(row.path)?.cluster ?? '',
      clustered.has(row.path) ? fixed(clustered.get(row.path)!.unusual) : '',
      concepts.get(row.path)?.concept ?? '',
      concepts.has(row.path) ? (concepts.get(row.path)!.mixed ? 1 : 0) : '',
    ]);
  }
  return table;
}

export async function writeImagesCsv(store: Store, file: string, options: ImagesCsvOptions): Promise<number> {
  const table = imagesTable(store, options);
  await writeFileAtomic(file, csvText(table));
  return table.length - 1;
}

export async function writeErrorsCsv(store: Store, file: string, datasetId: number): Promise<number> {
  const errors = store.errors(datasetId);
  await writeFileAtomic(file, csvText([['path', 'reason', 'stage'], ...errors.map((e) => [e.path, e.reason, e.stage])]));
  return errors.length;
}
