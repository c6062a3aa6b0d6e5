import { describe, expect, it } from 'vitest';
import { sphericalKMeans } from '../../../src/main/analysis/concepts';
import { adjustedRandIndex } from '../../../src/main/analysis/spray';
import { clusteredPoints, cosine, normalise } from './synthetic';

describe('sphericalKMeans', () => {
  // Noise of 0.05 per channel in 64 dimensions: each point is ~0.4 away from its direction.
  const data = clusteredPoints(3, 60, 64, 0.05, 11);

  it('recovers three separated directions exactly', () => {
    const fit = sphericalKMeans(data.vectors, data.weights, 3, { seed: 1 });
    expect(fit.centroids).toHaveLength(3);
    expect(adjustedRandIndex(fit.assignment, data.labels)).toBe(1);
    for (const direction of data.directions) expect(Math.max(...fit.centroids.map((c) => cosine(c, direction)))).toBeGreaterThan(0.99);
    for (const c of fit.centroids) expect(Math.hypot(...c)).toBeCloseTo(1, 5);
    let objective = 0;
    data.vectors.forEach((v, i) => (objective += data.weights[i]! * cosine(v, fit.centroids[fit.assignment[i]!]!)));
    expect(fit.objective).toBeCloseTo(objective, 4);
  });

  it('is deterministic for a seed, and seeds agree on separated data', () => {
    const a = sphericalKMeans(data.vectors, data.weights, 3, { seed: 5 });
    const again = sphericalKMeans(data.vectors, data.weights, 3, { seed: 5 });
    expect([...again.assignment]).toEqual([...a.assignment]);
    expect(again.centroids.map((c) => [...c])).toEqual(a.centroids.map((c) => [...c]));
    expect(again.objective).toBe(a.objective);
    for (const seed of [6, 7, 1234]) {
      const other = sphericalKMeans(data.vectors, data.weights, 3, { seed });
      expect(adjustedRandIndex(other.assignment, a.assignment)).toBe(1);
      expect(other.objective).toBeCloseTo(a.objective, 6);
    }
  });

  it('pulls the centroid toward the heavier points', () => {
    const a = Float32Array.from([1, 0]);
    const b = Float32Array.from([0, 1]);
    const fit = sphericalKMeans([a, b], [3, 1], 1, { seed: 0 });
    const expected = normalise(Float32Array.from([3, 1]));
    expect(fit.centroids[0]![0]).toBeCloseTo(expected[0]!, 6);
    expect(fit.centroids[0]![1]).toBeCloseTo(expected[1]!, 6);
  });

  it('gives fewer centroids than k when there are fewer distinct directions', () => {
    const a = Float32Array.from([1, 0, 0]);
    const b = Float32Array.from([0, 0, 1]);
    const fit = sphericalKMeans([a, b, a, b, a], [1, 1, 1, 1, 1], 4, { seed: 3 });
    expect(fit.centroids).toHaveLength(2);
    expect(fit.assignment[0]).toBe(fit.assignment[2]);
    expect(fit.assignment[1]).toBe(fit.assignment[3]);
    expect(fit.assignment[0]).not.toBe(fit.assignment[1]);
    expect(fit.objective).toBeCloseTo(5, 9);
  });

  it('leaves zero vectors unassigned and out of the centroids', () => {
    const vectors = [...data.vectors, new Float32Array(64), new Float32Array(64)];
    const weights = [...data.weights, 100, 100];
    const fit = sphericalKMeans(vectors, weights, 3, { seed: 1 });
    expect(fit.assignment[180]).toBe(-1);
    expect(fit.assignment[181]).toBe(-1);
    expect(adjustedRandIndex(fit.assignment.subarray(0, 180), data.labels)).toBe(1);
    expect(sphericalKMeans([new Float32Array(3)], [1], 2)).toEqual({ centroids: [], assignment: Int32Array.from([-1]), objective: 0 });
  });
});
