/**
 * How many concepts a class has: the cosine-distance silhouette of a fit, and the k in
 * a range whose fit has the best one.
 *
 * The silhouette here is exact on every point, with no sampling: for unit vectors the
 * cosine distance 1 - x.y is linear in y, so the weighted mean distance from x to a
 * cluster is 1 - x.S / W, with S the cluster's weighted vector sum and W its weight.
 * That costs n x k x dim instead of the n^2 x dim of pairwise distances, which is
 * cheaper than a 1,000-point sample as soon as k is small.
 */
import { sphericalKMeansOn, unitPoints, type KMeansFit, type KMeansOptions, type UnitPoints } from './kmeans';

/**
 * Mass-weighted mean silhouette: per point s = (b - a) / max(a, b), a its weighted
 * mean cosine distance to the rest of its cluster, b the least such distance to another
 * cluster; 0 for a point alone in its cluster (the usual convention), and 0 overall
 * with fewer than two clusters. Unassigned points (-1) and points of zero weight are
 * left out, as they are of the fit.
 */
export function silhouette(vectors: readonly ArrayLike<number>[], weights: ArrayLike<number>, assignment: ArrayLike<number>): number {
  return silhouetteOn(unitPoints(vectors, weights), assignment);
}

export function silhouetteOn(points: UnitPoints, assignment: ArrayLike<number>): number {
  const { n, dim, data, weight } = points;
  let k = 0;
  for (let i = 0; i < n; i++) if (assignment[i]! + 1 > k) k = assignment[i]! + 1;
  if (k < 2) return 0;
  const sums = Array.from({ length: k }, () => new Float64Array(dim));
  const totals = new Float64Array(k);
  const usable = (i: number) => assignment[i]! >= 0 && weight[i]! > 0;
  for (let i = 0; i < n; i++) {
    if (!usable(i)) continue;
    const a = assignment[i]!;
    const w = weight[i]!;
    totals[a]! += w;
    const sum = sums[a]!;
    for (let d = 0, base = i * dim; d < dim; d++) sum[d]! += w * data[base + d]!;
  }
  let clusters = 0;
  for (let c = 0; c < k; c++) if (totals[c]! > 0) clusters++;
  if (clusters < 2) return 0;
  let score = 0;
  let mass = 0;
  for (let i = 0; i < n; i++) {
    if (!usable(i)) continue;
    const own = assignment[i]!;
    const w = weight[i]!;
    mass += w;
    // Relative tolerance: a point that holds (nearly) all its cluster's weight is alone in it.
    const rest = totals[own]! - w;
    if (!(rest > 1e-12 * totals[own]!)) continue;
    let a = 0;
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      if (totals[c] === 0) continue;
      let dot = 0;
      const sum = sums[c]!;
      for (let d = 0, base = i * dim; d < dim; d++) dot += data[base + d]! * sum[d]!;
      if (c === own) a = 1 - (dot - w) / rest;
      else b = Math.min(b, 1 - dot / totals[c]!);
    }
    a = Math.max(0, a);
    b = Math.max(0, b);
    const denominator = Math.max(a, b);
    if (denominator > 0) score += (w * (b - a)) / denominator;
  }
  return mass > 0 ? score / mass : 0;
}

export interface ChooseKOptions extends KMeansOptions {
  /** Smallest k tried. */
  min?: number;
  /** Largest k tried. */
  max?: number;
}

export interface ChooseKResult {
  /** Number of centroids of the chosen fit (1 when no k in the range could be tried). */
  k: number;
  fit: KMeansFit;
  /** Silhouette of every k tried, ascending k. */
  scores: { k: number; silhouette: number }[];
}

export const DEFAULT_MIN_K = 2;
export const DEFAULT_MAX_K = 6;

/**
 * Fits every k in [min, max] with the same seed and keeps the best silhouette (ties,
 * within 1e-9, to the smaller k). A k with fewer usable points than 2k is skipped:
 * clusters of one or two points have a silhouette that says nothing. When no k is
 * left, the class is one concept (k = 1).
 */
export function chooseK(vectors: readonly ArrayLike<number>[], weights: ArrayLike<number>, options: ChooseKOptions = {}): ChooseKResult {
  return chooseKOn(unitPoints(vectors, weights), options);
}

export function chooseKOn(points: UnitPoints, options: ChooseKOptions = {}): ChooseKResult {
  const min = Math.max(1, options.min ?? DEFAULT_MIN_K);
  const max = options.max ?? DEFAULT_MAX_K;
  let usable = 0;
  for (let i = 0; i < points.n; i++) if (points.weight[i]! > 0) usable++;
  const scores: { k: number; silhouette: number }[] = [];
  let best: { k: number; fit: KMeansFit; silhouette: number } | null = null;
  for (let k = min; k <= max; k++) {
    if (usable < 2 * k) continue;
    const fit = sphericalKMeansOn(points, k, options);
    const score = silhouetteOn(points, fit.assignment);
    scores.push({ k, silhouette: score });
    if (best === null || score > best.silhouette + 1e-9) best = { k, fit, silhouette: score };
  }
  if (best === null) {
    const fit = sphericalKMeansOn(points, 1, options);
    return { k: fit.centroids.length, fit, scores };
  }
  return { k: best.fit.centroids.length, fit: best.fit, scores };
}
