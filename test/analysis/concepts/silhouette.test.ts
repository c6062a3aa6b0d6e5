import { describe, expect, it } from 'vitest';
import { chooseK, silhouette, sphericalKMeans } from '../../../src/main/analysis/concepts';
import { clusteredPoints, seededRandom, randomDirection } from './synthetic';

/** The textbook definition, pairwise, mass-weighted: what the linear form must equal (to float32 rounding of the unit vectors). */
function pairwiseSilhouette(vectors: Float32Array[], weights: ArrayLike<number>, labels: ArrayLike<number>): number {
  const k = Math.max(...Array.from(labels)) + 1;
  let score = 0;
  let mass = 0;
  for (let i = 0; i < vectors.length; i++) {
    const sum = new Float64Array(k);
    const weight = new Float64Array(k);
    for (let j = 0; j < vectors.length; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let d = 0; d < vectors[i]!.length; d++) dot += vectors[i]![d]! * vectors[j]![d]!;
      sum[labels[j]!]! += weights[j]! * (1 - dot);
      weight[labels[j]!]! += weights[j]!;
    }
    mass += weights[i]!;
    const own = labels[i]!;
    if (weight[own] === 0) continue;
    const a = sum[own]! / weight[own]!;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && weight[c]! > 0) b = Math.min(b, sum[c]! / weight[c]!);
    score += (weights[i]! * (b - a)) / Math.max(a, b);
  }
  return score / mass;
}

describe('silhouette', () => {
  it('equals the pairwise definition', () => {
    const random = seededRandom(4);
    const vectors = Array.from({ length: 40 }, () => randomDirection(8, random));
    const weights = Float64Array.from(vectors, () => 0.1 + random());
    const labels = Int32Array.from(vectors, (_, i) => i % 3);
    expect(silhouette(vectors, weights, labels)).toBeCloseTo(pairwiseSilhouette(vectors, weights, labels), 8);
    // A singleton cluster scores 0 for its point.
    labels[0] = 3;
    expect(silhouette(vectors, weights, labels)).toBeCloseTo(pairwiseSilhouette(vectors, weights, labels), 8);
  });

  it('is near 1 on tight separated clusters and 0 with one cluster', () => {
    const data = clusteredPoints(3, 30, 32, 0.02, 8);
    expect(silhouette(data.vectors, data.weights, data.labels)).toBeGreaterThan(0.9);
    expect(silhouette(data.vectors, data.weights, new Int32Array(90))).toBe(0);
  });
});

describe('chooseK', () => {
  it('picks 3 on three clusters and 2 on two', () => {
    const three = clusteredPoints(3, 50, 64, 0.05, 21);
    const chosen3 = chooseK(three.vectors, three.weights, { seed: 2 });
    expect(chosen3.k).toBe(3);
    expect(chosen3.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6]);
    const two = clusteredPoints(2, 50, 64, 0.05, 22);
    expect(chooseK(two.vectors, two.weights, { seed: 2 }).k).toBe(2);
  });

  it('skips a k with fewer than 2k points, and ties go to the smaller k', () => {
    const data = clusteredPoints(3, 3, 16, 0.01, 5);
    // 9 points: k = 5 and 6 need 10 and 12.
    expect(chooseK(data.vectors, data.weights, { seed: 1 }).scores.map((s) => s.k)).toEqual([2, 3, 4]);
    // Two distinct directions: k = 3 and 4 can only fit the same two clusters, an exact tie.
    const a = Float32Array.from([1, 0]);
    const b = Float32Array.from([0, 1]);
    const chosen = chooseK([a, a, a, a, b, b, b, b], new Float64Array(8).fill(1), { seed: 1, min: 2, max: 4 });
    expect(chosen.k).toBe(2);
    expect(chosen.scores.map((s) => s.silhouette)).toEqual([1, 1, 1]);
  });

  it('is one concept when too few points for any k', () => {
    const data = clusteredPoints(1, 3, 8, 0.01, 5);
    const chosen = chooseK(data.vectors, data.weights, { seed: 1 });
    expect(chosen.k).toBe(1);
    expect(chosen.scores).toEqual([]);
    expect(chosen.fit).toEqual(sphericalKMeans(data.vectors, data.weights, 1, { seed: 1 }));
  });
});
