/**
 * The cluster view of one class: SpRAy over the maps explaining the class's images and
 * the images wrongly predicted as it (analysis/spray/audit-clusters), shaped for the app. Maps cross as the stored bytes,
 * so a thumbnail paints the very map that was clustered; each cluster lists all its
 * members' content ids, so one click tags it.
 */
import { CallError } from '../../shared/api';
import { EXEMPLARS, MAX_CLUSTERS, MOST_UNUSUAL, type ClassClusters, type ClusterImage } from '../../shared/clusters';
import { encodeMap } from '../../shared/map-codec';
import { toWireMap } from '../../shared/wire-map';
import { clusterClasses } from '../analysis/spray/audit-clusters';
import type { ClassMapRow, GridScope, Store } from '../store';

/** The view without `tagged`: what depends only on results, and so can be cached. */
export type ClusterLayout = Omit<ClassClusters, 'tagged'>;

export interface ClusterViewInput {
  store: Store;
  scope: GridScope;
  /** The dataset's classes with their image counts. */
  classes: readonly { name: string; images: number }[];
  label: string;
  k?: number | undefined;
}

function imageOf(row: ClassMapRow): ClusterImage {
  return {
    imageId: row.imageId,
    contentId: row.contentId,
    path: row.path,
    correct: row.correct,
    role: row.role,
    label: row.label,
    map: toWireMap({ width: row.width, height: row.height, max: row.max, bytes: row.map }),
  };
}

export function clusterLayout({ store, scope, classes, label, k }: ClusterViewInput): ClusterLayout {
  const known = classes.find((c) => c.name === label);
  if (!known) {
    throw new CallError('not-found', `the dataset has no class ${JSON.stringify(label)}; it has ${classes.map((c) => c.name).join(', ')}`);
  }
  if (!scope.classes.includes(label)) {
    throw new CallError('not-found', `the model has no class ${JSON.stringify(label)}; it has ${scope.classes.join(', ')}`);
  }
  const rows = scope.setId < 0 ? [] : store.clusterMaps(scope.datasetId, scope.modelId, scope.setId, scope.classes, label);
  if (rows.length === 0) {
    throw new CallError(
      'invalid-input',
      `this audit stored no map of ${JSON.stringify(label)}: no image labelled ${JSON.stringify(label)} has its map of it, and none is predicted as it: audit with targets "label" (or "all")`,
    );
  }
  // k clusters read the first k eigenvectors, and a graph of n maps has n - 1 non-trivial ones.
  const maxK = rows.length < 3 ? 1 : Math.min(MAX_CLUSTERS, rows.length - 1);
  const clustersWanted = k === undefined ? undefined : Math.min(k, maxK);
  const [spray] = clusterClasses(rows, { clusters: clustersWanted, maxClusters: MAX_CLUSTERS, exemplars: EXEMPLARS });
  const result = spray!;
  // Rows and clustered images share one order.
  const byPath = new Map(rows.map((row) => [row.path, row]));
  const clusters = result.clusters.map((cluster) => ({
    index: cluster.cluster,
    size: cluster.size,
    accuracy: cluster.accuracy,
    labelled: cluster.labelled,
    misclassified: cluster.misclassified,
    meanMap: toWireMap(encodeMap({ width: result.grid, height: result.grid, data: Float32Array.from(cluster.meanMap) })),
    exemplars: cluster.exemplars.map((p) => imageOf(byPath.get(p)!)),
    contentIds: rows.filter((_, i) => result.images[i]!.cluster === cluster.cluster).map((row) => row.contentId),
  }));
  const points = result.images.map((image) => ({
    imageId: image.imageId,
    path: image.path,
    x: image.embedding[0],
    y: image.embedding[1],
    cluster: image.cluster,
    correct: image.correct,
    role: image.role,
    unusual: image.unusual,
  }));
  const mostUnusual = rows
    .map((_, i) => i)
    .sort((a, b) => result.images[b]!.unusual - result.images[a]!.unusual)
    .slice(0, MOST_UNUSUAL)
    .map((i) => ({ ...imageOf(rows[i]!), unusual: result.images[i]!.unusual, cluster: result.images[i]!.cluster }));
  return {
    label,
    images: known.images,
    sampled: result.sampled,
    labelled: result.labelled,
    misclassified: result.misclassified,
    eigenvalues: result.eigenvalues,
    suggested: result.suggested,
    chosen: clusters.length,
    maxK,
    clusters,
    points,
    mostUnusual,
  };
}
