/**
 * Spherical k-means, weighted by mass: points are directions (unit descriptors), the
 * similarity is the cosine, a centroid is the weighted mean direction re-normalised,
 * and a component with more of the map's evidence pulls its centroid harder. The fit
 * maximises the weighted total cosine sum_i w_i cos(x_i, c_a(i)).
 *
 * Zero vectors (and points of zero weight) take no part in seeding or in centroids;
 * a zero vector has cosine 0 to every centroid and stays unassigned (-1).
 */
import { seededRandom } from '../../../shared/random';

export interface KMeansOptions {
  /** Independent k-means++ starts; the best objective wins. */
  restarts?: number;
  /** Lloyd iterations per start (it stops earlier when no assignment changes). */
  maxIterations?: number;
  /**
   * A start also stops when an iteration raises the objective by less than this share
   * of it: on overlapping clusters the last dozens of iterations move a few border
   * points for gains of 1e-6, at most of the cost.
   */
  tolerance?: number;
  seed?: number;
}

export interface KMeansFit {
  /**
   * Unit centroids. Fewer than k when the data has fewer than k distinct usable
   * directions: a duplicate centroid would only leave an empty cluster.
   */
  centroids: Float32Array[];
  /** Index of the nearest centroid per point; -1 for a zero vector (or when there is no centroid). */
  assignment: Int32Array;
  /** sum_i w_i cos(x_i, its centroid): the higher, the tighter. */
  objective: number;
}

export const DEFAULT_RESTARTS = 8;
export const DEFAULT_MAX_ITERATIONS = 100;
export const DEFAULT_TOLERANCE = 1e-5;

/** Points packed row-major at unit length, with which of them can seed or move a centroid. */
export interface UnitPoints {
  n: number;
  dim: number;
  data: Float64Array;
  /** Non-zero vector. */
  nonZero: Uint8Array;
  /** max(weight, 0), 0 for a zero vector. */
  weight: Float64Array;
}

/** Packs and normalises: callers need not trust that their vectors are exactly unit length. */
export function unitPoints(vectors: readonly ArrayLike<number>[], weights: ArrayLike<number>): UnitPoints {
  const n = vectors.length;
  if (weights.length !== n) throw new Error(`${n} vectors but ${weights.length} weights`);
  const dim = n > 0 ? vectors[0]!.length : 0;
  const data = new Float64Array(n * dim);
  const nonZero = new Uint8Array(n);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = vectors[i]!;
    if (v.length !== dim) throw new Error(`vector ${i} has ${v.length} values, not ${dim}`);
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += v[d]! * v[d]!;
    norm = Math.sqrt(norm);
    if (!(norm > 0)) continue;
    nonZero[i] = 1;
    const w = weights[i]!;
    weight[i] = w > 0 ? w : 0;
    for (let d = 0; d < dim; d++) data[i * dim + d] = v[d]! / norm;
  }
  return { n, dim, data, nonZero, weight };
}

function dotRow(points: UnitPoints, i: number, centroid: Float64Array): number {
  const { dim, data } = points;
  let sum = 0;
  for (let d = 0, base = i * dim; d < dim; d++) sum += data[base + d]! * centroid[d]!;
  return sum;
}

/** Nearest centroid (highest cosine; ties to the lower index) of each point, and the objective. */
export function assignNearest(points: UnitPoints, centroids: readonly Float64Array[], assignment: Int32Array): number {
  let objective = 0;
  for (let i = 0; i < points.n; i++) {
    if (!points.nonZero[i] || centroids.length === 0) {
      assignment[i] = -1;
      continue;
    }
    let best = 0;
    let bestCos = -Infinity;
    for (let c = 0; c < centroids.length; c++) {
      const cos = dotRow(points, i, centroids[c]!);
      if (cos > bestCos) {
        bestCos = cos;
        best = c;
      }
    }
    assignment[i] = best;
    objective += points.weight[i]! * bestCos;
  }
  return objective;
}

/**
 * k-means++ on the sphere: the first seed drawn by weight, each next one by
 * weight x (1 - cos to the nearest seed so far). Stops early when every usable point
 * sits on a seed already (fewer distinct directions than k).
 */
function seedCentroids(points: UnitPoints, k: number, random: () => number): Float64Array[] {
  const { n, dim, data, weight } = points;
  const seeds: Float64Array[] = [];
  const nearest = new Float64Array(n).fill(1);
  for (let s = 0; s < k; s++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += weight[i]! * nearest[i]!;
    // A tolerance, not 0: float round-off leaves 1 - cos ~ 1e-16 on a duplicate.
    if (!(total > 1e-12)) break;
    let target = random() * total;
    let chosen = -1;
    for (let i = 0; i < n; i++) {
      const p = weight[i]! * nearest[i]!;
      if (p <= 0) continue;
      chosen = i;
      target -= p;
      if (target < 0) break;
    }
    const seed = data.slice(chosen * dim, (chosen + 1) * dim);
    seeds.push(seed);
    for (let i = 0; i < n; i++) {
      const distance = Math.max(0, 1 - dotRow(points, i, seed));
      if (distance < nearest[i]!) nearest[i] = distance < 1e-12 ? 0 : distance;
    }
  }
  return seeds;
}

/** Weighted mean direction per cluster, unit length; null for a cluster with nothing to pull it. */
function updateCentroids(points: UnitPoints, assignment: Int32Array, k: number): (Float64Array | null)[] {
  const { n, dim, data, weight } = points;
  const sums = Array.from({ length: k }, () => new Float64Array(dim));
  for (let i = 0; i < n; i++) {
    const a = assignment[i]!;
    const w = weight[i]!;
    if (a < 0 || w === 0) continue;
    const sum = sums[a]!;
    for (let d = 0, base = i * dim; d < dim; d++) sum[d]! += w * data[base + d]!;
  }
  return sums.map((sum) => {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += sum[d]! * sum[d]!;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) return null;
    for (let d = 0; d < dim; d++) sum[d]! /= norm;
    return sum;
  });
}

/** One start: seeds, then Lloyd steps until the assignment settles. */
function lloyd(points: UnitPoints, k: number, maxIterations: number, tolerance: number, random: () => number): { centroids: Float64Array[]; assignment: Int32Array; objective: number } {
  let centroids = seedCentroids(points, k, random);
  const assignment = new Int32Array(points.n);
  let objective = assignNearest(points, centroids, assignment);
  const previous = new Int32Array(points.n);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    previous.set(assignment);
    const before = objective;
    const updated = updateCentroids(points, assignment, centroids.length);
    // An emptied cluster is dropped rather than re-seeded: k-means++ already spread the
    // seeds, and a restart with a better spread wins on the objective anyway.
    centroids = updated.filter((c): c is Float64Array => c !== null);
    objective = assignNearest(points, centroids, assignment);
    let changed = updated.length !== centroids.length;
    for (let i = 0; i < points.n && !changed; i++) changed = assignment[i] !== previous[i];
    if (!changed || (updated.length === centroids.length && objective - before < tolerance * Math.abs(objective))) break;
  }
  return { centroids, assignment, objective };
}

/**
 * The best of `restarts` seeded fits of k clusters (highest objective; ties to the
 * earlier start). Deterministic for a seed: the starts draw from one generator in order.
 */
export function sphericalKMeans(vectors: readonly ArrayLike<number>[], weights: ArrayLike<number>, k: number, options: KMeansOptions = {}): KMeansFit {
  return sphericalKMeansOn(unitPoints(vectors, weights), k, options);
}

/** sphericalKMeans on points packed once, for callers that fit several k. */
export function sphericalKMeansOn(points: UnitPoints, k: number, options: KMeansOptions = {}): KMeansFit {
  if (!(k >= 1) || !Number.isInteger(k)) throw new Error(`k-means: k must be a positive integer, not ${k}`);
  const restarts = Math.max(1, options.restarts ?? DEFAULT_RESTARTS);
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const random = seededRandom(options.seed ?? 0);
  let best: ReturnType<typeof lloyd> | null = null;
  for (let r = 0; r < restarts; r++) {
    const fit = lloyd(points, k, maxIterations, tolerance, random);
    if (best === null || fit.objective > best.objective + 1e-9 * Math.abs(best.objective)) best = fit;
  }
  return { centroids: best!.centroids.map((c) => Float32Array.from(c)), assignment: best!.assignment, objective: best!.objective };
}
