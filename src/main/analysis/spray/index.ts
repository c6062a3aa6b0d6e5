/**
 * SpRAy over one class's heatmaps: maps resampled to a common small grid and
 * normalised to unit mass, clustered spectrally (spectral.ts), with each image's
 * distance to the class's typical map ("unusual": where a review should start when
 * there are no regions to go by).
 */
import type { MapData } from '../../../shared/explain';
import { upsampleBilinear } from '../../../shared/heatmap';
import { eigengapClusters, kMeans, knnGraph, laplacianSpectrum } from './spectral';

export { adjustedRandIndex } from './spectral';

export interface SprayOptions {
  /** Side of the common grid maps are resampled to. */
  grid?: number;
  /** Neighbours per map in the affinity graph. */
  neighbours?: number;
  /** Eigenvalues computed, and the most clusters the eigengap may choose. */
  maxClusters?: number;
  /** A number of clusters chosen by the user instead of the eigengap. */
  clusters?: number;
}

export interface SprayResult {
  /** Smallest eigenvalues of the normalised Laplacian, ascending: the gap after the k-th suggests k clusters. */
  eigenvalues: number[];
  /** The number of clusters used (the eigengap's, unless given). */
  clusters: number;
  /** The number of clusters the eigengap suggests. */
  suggested: number;
  /** Cluster of each map, 0-based, ordered by size (0 the largest). */
  assignments: Int32Array;
  /** 2-D spectral embedding of each map, for a scatter plot. */
  embedding: [number, number][];
  /** Distance of each map to the mean map of the class (unit-mass maps on the common grid). */
  unusual: Float64Array;
  /** Mean unit-mass map of each cluster, grid x grid, row-major. */
  meanMaps: Float64Array[];
}

/** A map on the common grid with unit mass (negative values, if any, count as 0). */
export function normalizedMap(map: MapData, grid: number): Float64Array {
  const resampled = map.width === grid && map.height === grid ? map : upsampleBilinear(map, grid, grid);
  const out = Float64Array.from(resampled.data, (v) => Math.max(0, v));
  const mass = out.reduce((a, b) => a + b, 0);
  if (mass > 0) for (let i = 0; i < out.length; i++) out[i]! /= mass;
  else out.fill(1 / out.length);
  return out;
}

function mean(vectors: readonly Float64Array[], length: number): Float64Array {
  const out = new Float64Array(length);
  for (const v of vectors) for (let i = 0; i < length; i++) out[i]! += v[i]! / vectors.length;
  return out;
}

/** Relabels clusters by size, largest first, so cluster 0 is the class's main strategy. */
function bySize(labels: Int32Array, k: number): Int32Array {
  const sizes = Array.from({ length: k }, (_, c) => labels.filter((l) => l === c).length);
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const rank = new Int32Array(k);
  order.forEach((c, r) => (rank[c] = r));
  return Int32Array.from(labels, (l) => rank[l]!);
}

export function spray(maps: readonly MapData[], options: SprayOptions = {}): SprayResult {
  const grid = options.grid ?? 12;
  const cells = grid * grid;
  const points = maps.map((m) => normalizedMap(m, grid));
  const n = points.length;
  const centre = mean(points, cells);
  const unusual = Float64Array.from(points, (p) => Math.sqrt(p.reduce((s, v, i) => s + (v - centre[i]!) ** 2, 0)));
  if (n < 3) {
    return { eigenvalues: [], clusters: 1, suggested: 1, assignments: new Int32Array(n), embedding: points.map(() => [0, 0]), unusual, meanMaps: [centre] };
  }
  const maxClusters = Math.min(options.maxClusters ?? 8, n - 1);
  const graph = knnGraph(points, Math.min(options.neighbours ?? 10, n - 1));
  const spectrum = laplacianSpectrum(graph, maxClusters + 1);
  const suggested = eigengapClusters(spectrum.values, maxClusters);
  const k = Math.max(1, Math.min(options.clusters ?? suggested, n));
  // Rows of the first k eigenvectors, each scaled to unit length (Ng, Jordan & Weiss).
  const rows = Array.from({ length: n }, (_, i) => {
    const row = Float64Array.from({ length: k }, (_, j) => spectrum.vectors[j]![i]!);
    const norm = Math.hypot(...row);
    return norm > 0 ? row.map((v) => v / norm) : row;
  });
  const assignments = bySize(kMeans(rows, k), k);
  const second = spectrum.vectors[1];
  const third = spectrum.vectors[2];
  const embedding = points.map((_, i): [number, number] => [second?.[i] ?? 0, third?.[i] ?? 0]);
  const meanMaps = Array.from({ length: k }, (_, c) => mean(points.filter((_, i) => assignments[i] === c), cells));
  return { eigenvalues: spectrum.values, clusters: k, suggested, assignments, embedding, unusual, meanMaps };
}
