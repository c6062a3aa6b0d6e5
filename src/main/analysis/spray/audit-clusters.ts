/**
 * SpRAy over an audit: per class, the maps that explain each image's own class (its
 * true label, as in Lapuschkin et al.: a class's samples, explained for that class),
 * clustered, with each cluster's size, accuracy, mean map and exemplars, and each
 * image's cluster and unusualness.
 *
 * The affinity graph is quadratic in the number of maps, so a class of more than
 * `maxGraph` maps is clustered on an even sample of them; every map then joins the
 * cluster whose mean map is nearest, and unsampled maps sit at their cluster's centre
 * in the embedding.
 */
import { decodeMap } from '../../../shared/map-codec';
import type { ClassMapRole, ClassMapRow } from '../../store';
import { normalizedMap, spray, type SprayOptions } from './index';

export interface ClusteredImage {
  imageId: number;
  path: string;
  correct: boolean;
  /** Labelled with the class, or predicted as it while labelled otherwise. */
  role: ClassMapRole;
  /** The true label: another class's for a `predicted` member. */
  label: string;
  cluster: number;
  /** Distance of the image's map to its class's mean map (unit-mass maps on the common grid). */
  unusual: number;
  embedding: [number, number];
}

export interface ClusterSummary {
  cluster: number;
  size: number;
  /** Share of the cluster's images the model predicts as their label. */
  accuracy: number;
  /** Members labelled with the class, and members predicted as it while labelled otherwise (all wrong). */
  labelled: number;
  misclassified: number;
  /** Mean unit-mass map, grid x grid, row-major. */
  meanMap: number[];
  /** The images nearest the mean map, most typical first. */
  exemplars: string[];
}

export interface ClassClusters {
  label: string;
  grid: number;
  /** Maps the graph was built from (all of them, or an even sample). */
  sampled: number;
  /** Members labelled with the class, and members predicted as it while labelled otherwise. */
  labelled: number;
  misclassified: number;
  eigenvalues: number[];
  suggested: number;
  clusters: ClusterSummary[];
  images: ClusteredImage[];
}

export interface ClusterOptions extends SprayOptions {
  /** Most maps per class in the affinity graph. */
  maxGraph?: number;
  /** Exemplars listed per cluster. */
  exemplars?: number;
}

const distance = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
};

function clusterClass(label: string, rows: readonly ClassMapRow[], options: ClusterOptions): ClassClusters {
  const grid = options.grid ?? 12;
  const maxGraph = options.maxGraph ?? 500;
  const maps = rows.map((row) => decodeMap({ width: row.width, height: row.height, max: row.max, bytes: row.map }));
  const points = maps.map((map) => normalizedMap(map, grid));
  const step = Math.max(1, rows.length / maxGraph);
  const sample = Array.from({ length: Math.min(rows.length, maxGraph) }, (_, i) => Math.floor(i * step));
  const result = spray(sample.map((i) => maps[i]!), { ...options, grid });
  const sampledCluster = new Map(sample.map((index, s) => [index, s]));
  const clusterOf = (index: number): number => {
    const s = sampledCluster.get(index);
    if (s !== undefined) return result.assignments[s]!;
    let best = 0;
    for (let c = 1; c < result.meanMaps.length; c++) if (distance(points[index]!, result.meanMaps[c]!) < distance(points[index]!, result.meanMaps[best]!)) best = c;
    return best;
  };
  const assignments = rows.map((_, i) => clusterOf(i));
  const centre = new Float64Array(grid * grid);
  for (const p of points) for (let i = 0; i < centre.length; i++) centre[i]! += p[i]! / points.length;
  const centroid = (c: number): [number, number] => {
    const members = sample.map((_, s) => s).filter((s) => result.assignments[s] === c);
    const mean = (axis: 0 | 1) => members.reduce((sum, s) => sum + result.embedding[s]![axis], 0) / Math.max(1, members.length);
    return [mean(0), mean(1)];
  };
  const images = rows.map((row, i): ClusteredImage => {
    const s = sampledCluster.get(i);
    return {
      imageId: row.imageId,
      path: row.path,
      correct: row.correct,
      role: row.role,
      label: row.label,
      cluster: assignments[i]!,
      unusual: distance(points[i]!, centre),
      embedding: s !== undefined ? result.embedding[s]! : centroid(assignments[i]!),
    };
  });
  const clusters = result.meanMaps.map((meanMap, cluster): ClusterSummary => {
    const members = rows.map((_, i) => i).filter((i) => assignments[i] === cluster);
    const typical = [...members].sort((a, b) => distance(points[a]!, meanMap) - distance(points[b]!, meanMap));
    return {
      cluster,
      size: members.length,
      accuracy: members.length === 0 ? 0 : members.filter((i) => rows[i]!.correct).length / members.length,
      labelled: members.filter((i) => rows[i]!.role === 'label').length,
      misclassified: members.filter((i) => rows[i]!.role === 'predicted').length,
      meanMap: Array.from(meanMap),
      exemplars: typical.slice(0, options.exemplars ?? 5).map((i) => rows[i]!.path),
    };
  });
  const misclassified = rows.filter((row) => row.role === 'predicted').length;
  return { label, grid, sampled: sample.length, labelled: rows.length - misclassified, misclassified, eigenvalues: result.eigenvalues, suggested: result.suggested, clusters, images };
}

/** Clusters every class of the rows (as the store returns them: grouped by the class the map explains). */
export function clusterClasses(rows: readonly ClassMapRow[], options: ClusterOptions = {}): ClassClusters[] {
  const byLabel = new Map<string, ClassMapRow[]>();
  for (const row of rows) {
    const members = byLabel.get(row.explained) ?? [];
    members.push(row);
    byLabel.set(row.explained, members);
  }
  return [...byLabel].map(([label, members]) => clusterClass(label, members, options));
}
