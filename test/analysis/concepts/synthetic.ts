/** Seeded vectors for the concept tests: directions, and noisy copies of them. */
import { seededRandom } from '../../../src/shared/random';

export { seededRandom };

export function gaussian(random: () => number): number {
  // Box-Muller; 1 - u keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return norm > 0 ? v.map((x) => x / norm) : v;
}

export function randomDirection(dim: number, random: () => number): Float32Array {
  return normalise(Float32Array.from({ length: dim }, () => gaussian(random)));
}

/** direction + sigma x standard normal noise per channel, at unit length. */
export function noisy(direction: Float32Array, sigma: number, random: () => number): Float32Array {
  return normalise(direction.map((x) => x + sigma * gaussian(random)));
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

/** `perCluster` noisy points around each of `clusters` random directions, with their true labels. */
export function clusteredPoints(clusters: number, perCluster: number, dim: number, sigma: number, seed: number): { vectors: Float32Array[]; labels: Int32Array; weights: Float64Array; directions: Float32Array[] } {
  const random = seededRandom(seed);
  const directions = Array.from({ length: clusters }, () => randomDirection(dim, random));
  const vectors: Float32Array[] = [];
  const labels: number[] = [];
  for (let c = 0; c < clusters; c++) {
    for (let i = 0; i < perCluster; i++) {
      vectors.push(noisy(directions[c]!, sigma, random));
      labels.push(c);
    }
  }
  const weights = Float64Array.from(vectors, () => 0.2 + random());
  return { vectors, labels: Int32Array.from(labels), weights, directions };
}
