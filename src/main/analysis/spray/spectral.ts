/**
 * Spectral clustering the way SpRAy does it (Lapuschkin et al. 2019, "Unmasking
 * Clever Hans predictors"): a k-nearest-neighbour graph over the maps, the
 * normalised graph Laplacian L = I - D^-1/2 W D^-1/2, its smallest eigenvalues (the
 * eigengap says how many clusters the data has), k-means on the rows of the first
 * eigenvectors (Ng, Jordan & Weiss 2002), and the next eigenvectors as a 2-D embedding.
 */
import { dot, jacobiEigen, orthonormalize } from './linear';

export interface KnnGraph {
  n: number;
  /** Symmetric adjacency lists: j in neighbours[i] iff i in neighbours[j]. */
  neighbours: Int32Array[];
}

/** Squared Euclidean distance. */
function distance2(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return sum;
}

/** Binary k-nearest-neighbour graph, symmetrised: an edge when either point is among the other's k nearest. */
export function knnGraph(points: readonly Float64Array[], k: number): KnnGraph {
  const n = points.length;
  const sets = Array.from({ length: n }, () => new Set<number>());
  const d = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) d[j] = i === j ? Infinity : distance2(points[i]!, points[j]!);
    for (let j = 0; j < n; j++) order[j] = j;
    order.sort((a, b) => d[a]! - d[b]!);
    for (let r = 0; r < Math.min(k, n - 1); r++) {
      sets[i]!.add(order[r]!);
      sets[order[r]!]!.add(i);
    }
  }
  return { n, neighbours: sets.map((s) => Int32Array.from([...s].sort((a, b) => a - b))) };
}

export interface Spectrum {
  /** Smallest eigenvalues of the normalised Laplacian, ascending (0 first for a connected graph). */
  values: number[];
  /** The matching eigenvectors of D^-1/2 W D^-1/2, each of length n. */
  vectors: Float64Array[];
}

/**
 * The m smallest eigenpairs of L = I - M, M = D^-1/2 W D^-1/2, found as the largest of
 * A = (M + I) / 2 (eigenvalues in [0, 1], so the wanted ones dominate) by subspace
 * iteration with Rayleigh-Ritz: M is applied through the graph, never formed.
 */
export function laplacianSpectrum(graph: KnnGraph, m: number, maxIterations = 3000): Spectrum {
  const { n, neighbours } = graph;
  const want = Math.min(m, n);
  const invSqrtDegree = Float64Array.from(neighbours, (list) => (list.length > 0 ? 1 / Math.sqrt(list.length) : 0));
  const apply = (x: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (const j of neighbours[i]!) sum += invSqrtDegree[j]! * x[j]!;
      out[i] = 0.5 * (x[i]! + invSqrtDegree[i]! * sum);
    }
  };
  const size = Math.min(n, want + 8);
  // A deterministic start, rich in every direction.
  let block = Array.from({ length: size }, (_, j) => Float64Array.from({ length: n }, (_, i) => Math.sin((i + 1) * (j + 1) * 1.3 + j)));
  orthonormalize(block);
  let previous = new Float64Array(want).fill(Infinity);
  let ritz = new Float64Array(size);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const next = block.map(() => new Float64Array(n));
    block.forEach((x, j) => apply(x, next[j]!));
    block = next;
    orthonormalize(block);
    if (iteration % 10 !== 0 && iteration !== maxIterations) continue;
    // Rayleigh-Ritz: the best approximations within the current subspace.
    const images = block.map(() => new Float64Array(n));
    block.forEach((x, j) => apply(x, images[j]!));
    const h = new Float64Array(size * size);
    for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) h[a * size + b] = dot(block[a]!, images[b]!);
    const eig = jacobiEigen(h, size);
    // Largest first.
    const columns = [...eig.vectors].reverse();
    ritz = Float64Array.from([...eig.values].reverse());
    block = columns.map((c) => {
      const x = new Float64Array(n);
      for (let a = 0; a < size; a++) {
        const w = c[a]!;
        const q = block[a]!;
        for (let i = 0; i < n; i++) x[i]! += w * q[i]!;
      }
      return x;
    });
    const change = Math.max(...Array.from({ length: want }, (_, i) => Math.abs(ritz[i]! - previous[i]!)));
    previous = ritz.slice(0, want);
    // Eigenvalues to 1e-9 tell gaps apart far better than the maps themselves are known.
    if (change < 1e-9) break;
  }
  return {
    // A's eigenvalue mu is (nu + 1) / 2 for M's nu, and L's is 1 - nu = 2 - 2 mu.
    values: Array.from({ length: want }, (_, i) => Math.max(0, 2 - 2 * ritz[i]!)),
    vectors: block.slice(0, want),
  };
}

/** Eigenvalues below this are zeros: one per connected component of the graph. */
const ZERO = 1e-9;

/**
 * The suggested number of clusters. A graph in several pieces has one zero eigenvalue
 * per piece, and the pieces are the clusters; otherwise the eigengap: argmax over k
 * of lambda_k - lambda_(k-1), k in [2, maxK].
 */
export function eigengapClusters(values: readonly number[], maxK: number): number {
  const components = values.filter((v) => v < ZERO).length;
  if (components >= 2) return Math.min(components, maxK);
  let best = 2;
  let bestGap = -Infinity;
  for (let k = 2; k <= Math.min(maxK, values.length - 1); k++) {
    const gap = values[k]! - values[k - 1]!;
    if (gap > bestGap) {
      bestGap = gap;
      best = k;
    }
  }
  return best;
}

/**
 * Lloyd's k-means from a deterministic farthest-point start (the point nearest the mean,
 * then each next the farthest from those chosen): the same data always gives the same clusters.
 */
export function kMeans(points: readonly Float64Array[], k: number, iterations = 100): Int32Array {
  const n = points.length;
  const dims = points[0]?.length ?? 0;
  const labels = new Int32Array(n);
  if (n === 0) return labels;
  const mean = new Float64Array(dims);
  for (const p of points) for (let d = 0; d < dims; d++) mean[d]! += p[d]! / n;
  const centres: Float64Array[] = [];
  let first = 0;
  for (let i = 1; i < n; i++) if (distance2(points[i]!, mean) < distance2(points[first]!, mean)) first = i;
  centres.push(Float64Array.from(points[first]!));
  while (centres.length < Math.min(k, n)) {
    let far = 0;
    let farDistance = -1;
    for (let i = 0; i < n; i++) {
      const nearest = Math.min(...centres.map((c) => distance2(points[i]!, c)));
      if (nearest > farDistance) {
        farDistance = nearest;
        far = i;
      }
    }
    centres.push(Float64Array.from(points[far]!));
  }
  for (let iteration = 0; iteration < iterations; iteration++) {
    let moved = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < centres.length; c++) if (distance2(points[i]!, centres[c]!) < distance2(points[i]!, centres[best]!)) best = c;
      if (labels[i] !== best) {
        labels[i] = best;
        moved = true;
      }
    }
    if (!moved && iteration > 0) break;
    for (let c = 0; c < centres.length; c++) {
      const members = points.filter((_, i) => labels[i] === c);
      if (members.length === 0) continue;
      const centre = new Float64Array(dims);
      for (const p of members) for (let d = 0; d < dims; d++) centre[d]! += p[d]! / members.length;
      centres[c] = centre;
    }
  }
  return labels;
}

/** Adjusted Rand index of two labelings (Hubert & Arabie 1985): 1 for the same partition, about 0 by chance. */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`adjustedRandIndex: lengths differ (${a.length} vs ${b.length})`);
  const n = a.length;
  const pairs = (x: number) => (x * (x - 1)) / 2;
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]}\n${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
  }
  const index = [...table.values()].reduce((s, x) => s + pairs(x), 0);
  const rowSum = [...rows.values()].reduce((s, x) => s + pairs(x), 0);
  const colSum = [...cols.values()].reduce((s, x) => s + pairs(x), 0);
  const expected = (rowSum * colSum) / pairs(n);
  const max = (rowSum + colSum) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}
