/**
 * SpRAy clusters on disk: clusters.json (everything) and clusters.csv (one row per
 * cluster; `misclassified` counts its members predicted as the class while labelled otherwise).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { ClassClusters } from '../analysis/spray/audit-clusters';

export interface ClusterExport {
  model: string;
  layer: string;
  method: string;
  classes: ClassClusters[];
}

const round = (value: number) => Number(value.toFixed(6));

export function clustersCsv(data: ClusterExport): string {
  return stringify([
    ['label', 'cluster', 'size', 'accuracy', 'misclassified', 'exemplars'],
    ...data.classes.flatMap((c) => c.clusters.map((k) => [c.label, k.cluster, k.size, round(k.accuracy), k.misclassified, k.exemplars.join(' ')])),
  ]);
}

/** Writes clusters.json and clusters.csv into `dir`; returns their paths. */
export async function writeClusterFiles(data: ClusterExport, dir: string): Promise<string[]> {
  const json = path.join(dir, 'clusters.json');
  const csv = path.join(dir, 'clusters.csv');
  const rounded = {
    ...data,
    classes: data.classes.map((c) => ({
      ...c,
      eigenvalues: c.eigenvalues.map(round),
      clusters: c.clusters.map((k) => ({ ...k, meanMap: k.meanMap.map(round) })),
      images: c.images.map((i) => ({ ...i, unusual: round(i.unusual), embedding: i.embedding.map(round) })),
    })),
  };
  await writeFile(json, `${JSON.stringify(rounded, null, 1)}\n`);
  await writeFile(csv, clustersCsv(data));
  return [json, csv];
}
