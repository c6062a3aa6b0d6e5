/**
 * One class of the report: accuracy, SpRAy cluster cards, the examples worth a look
 * (the maps most on a spurious region, or the most unusual ones when no region is
 * named) and the subgroup table.
 */
import path from 'node:path';
import type { ClassClusters } from '../../analysis/spray/audit-clusters';
import type { SubgroupRow } from '../../analysis/subgroups';
import type { AuditRow, ClassMapRow } from '../../store';
import { decodeMap, type EncodedMap } from '../../../shared/map-codec';
import { isFlatMap } from '../../../shared/map-scale';
import { judgeFocus, type FocusJudgement } from '../../analysis/suggestions';
import type { Framing } from '../../../shared/map-frame';
import { heatmapThumb, meanMapThumb } from './heatmap-images';
import type { ClassSection, SpuriousRules, Thumb } from './types';

export interface ClassInputs extends ThumbContext {
  label: string;
  /** Audit rows (predicted class's map) of this class's images. */
  rows: readonly AuditRow[];
  /** The class's clusters, when any map of its own class is stored. */
  clusters: ClassClusters | undefined;
  /** The maps the clusters were made of, by `clusterMapKey(class, path)`: an error sits in its label's and its prediction's. */
  ownMaps: ReadonlyMap<string, ClassMapRow>;
  /** Audit rows of every image by path: a cluster of this class also holds images labelled otherwise. */
  allRows?: ReadonlyMap<string, AuditRow> | undefined;
  spurious: SpuriousRules | null;
  subgroupsBy: string;
  subgroups: SubgroupRow[];
  examples: number;
}

/** The suggestions' judgement of the predicted class's map; null when the image has no map. */
function judged(row: AuditRow, rules: SpuriousRules): FocusJudgement | null {
  return row.stats ? judgeFocus(new Map(row.stats.regions.map((r) => [r.name, r.mass])), rules) : null;
}

/** The key of a class's map of an image among ClassInputs.ownMaps. */
export const clusterMapKey = (label: string, p: string) => `${label}\u0000${p}`;

const ownMap = (row: ClassMapRow | undefined): EncodedMap | null =>
  row ? { width: row.width, height: row.height, max: row.max, bytes: row.map } : null;

export interface ThumbContext {
  root: string;
  classes: readonly string[];
  size: number;
  /** The model's crop, so a map is painted over the part of the image the model saw. */
  framing?: Framing | undefined;
}

/** The image at `p` with `map` over it, captioned with the prediction of its audit row. */
export async function thumb(context: ThumbContext, row: AuditRow | undefined, p: string, map: EncodedMap | null, score?: number): Promise<Thumb> {
  const src = await heatmapThumb(path.join(context.root, p), map ? decodeMap(map) : null, context.size, context.framing);
  const predicted = row?.prediction ? (context.classes[row.prediction.predicted] ?? null) : null;
  return { path: p, src, label: row?.label ?? '', predicted, prob: row?.prediction?.prob ?? null, ...(score === undefined ? {} : { score }) };
}

async function clusterCards(inputs: ClassInputs, byPath: ReadonlyMap<string, AuditRow>): Promise<ClassSection['clusters']> {
  const clusters = inputs.clusters;
  if (!clusters) return [];
  return Promise.all(
    clusters.clusters.map(async (k) => {
      const flat = isFlatMap(k.meanMap);
      return {
        cluster: k.cluster,
        size: k.size,
        accuracy: k.accuracy,
        misclassified: k.misclassified,
        flat,
        // A flat map painted would tint the whole picture in the colour of the maximum.
        meanMap: await meanMapThumb(
          k.exemplars.map((p) => path.join(inputs.root, p)),
          flat ? null : { width: clusters.grid, height: clusters.grid, data: Float32Array.from(k.meanMap) },
          inputs.size,
        ),
        // The map of the image's own class: the one the clustering saw.
        exemplars: await Promise.all(k.exemplars.map((p) => thumb(inputs, byPath.get(p), p, ownMap(inputs.ownMaps.get(clusterMapKey(inputs.label, p)))))),
      };
    }),
  );
}

async function examples(inputs: ClassInputs, byPath: ReadonlyMap<string, AuditRow>): Promise<Pick<ClassSection, 'examplesBy' | 'examples' | 'spuriousImages'>> {
  const rules = inputs.spurious;
  if (rules && rules.spurious.length > 0) {
    const scored = inputs.rows.flatMap((row) => {
      const judgement = judged(row, rules);
      return judgement === null ? [] : [{ row, score: judgement.spurious, suggested: judgement.reason !== null }];
    });
    scored.sort((a, b) => b.score - a.score || a.row.path.localeCompare(b.row.path));
    const shown = scored.slice(0, inputs.examples);
    return {
      examplesBy: 'spurious',
      examples: await Promise.all(shown.map(({ row, score }) => thumb(inputs, row, row.path, row.map, score))),
      spuriousImages: scored.filter((s) => s.suggested).length,
    };
  }
  const unusual = [...(inputs.clusters?.images ?? [])].sort((a, b) => b.unusual - a.unusual).slice(0, inputs.examples);
  return {
    examplesBy: 'unusual',
    examples: await Promise.all(unusual.map((i) => thumb(inputs, byPath.get(i.path), i.path, ownMap(inputs.ownMaps.get(clusterMapKey(inputs.label, i.path))), i.unusual))),
    spuriousImages: null,
  };
}

export async function classSection(inputs: ClassInputs): Promise<ClassSection> {
  const byPath = new Map([...(inputs.allRows ?? []), ...inputs.rows.map((row) => [row.path, row] as const)]);
  const audited = inputs.rows.filter((row) => row.prediction !== null);
  const correct = audited.filter((row) => inputs.classes[row.prediction!.predicted] === inputs.label).length;
  const [clusters, chosen] = await Promise.all([clusterCards(inputs, byPath), examples(inputs, byPath)]);
  return {
    label: inputs.label,
    images: inputs.rows.length,
    audited: audited.length,
    correct,
    accuracy: audited.length === 0 ? null : correct / audited.length,
    clusters,
    eigenvalues: inputs.clusters?.eigenvalues ?? [],
    suggested: inputs.clusters?.suggested ?? 0,
    clustered: inputs.clusters?.labelled ?? 0,
    misclassified: inputs.clusters?.misclassified ?? 0,
    ...chosen,
    subgroupsBy: inputs.subgroupsBy,
    subgroups: inputs.subgroups.filter((row) => row.label === inputs.label),
  };
}
