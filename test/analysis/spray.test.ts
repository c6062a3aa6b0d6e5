import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, spray } from '../../src/main/analysis/spray';
import { eigengapClusters, kMeans, knnGraph, laplacianSpectrum } from '../../src/main/analysis/spray/spectral';
import { jacobiEigen } from '../../src/main/analysis/spray/linear';
import type { MapData } from '../../src/shared/explain';

/** A 12x12 map with a Gaussian blob at (x, y), plus a little structured noise. */
function blob(x: number, y: number, seed: number): MapData {
  const data = new Float32Array(144);
  for (let r = 0; r < 12; r++) for (let c = 0; c < 12; c++) data[r * 12 + c] = Math.exp(-((c - x) ** 2 + (r - y) ** 2) / 3) + 0.02 * Math.abs(Math.sin(seed * 7.1 + r * 3.3 + c));
  return { width: 12, height: 12, data };
}

describe('linear algebra', () => {
  it('jacobiEigen recovers the eigenpairs of a symmetric matrix', () => {
    const m = Float64Array.from([4, 1, 2, 1, 3, 0, 2, 0, 5]);
    const { values, vectors } = jacobiEigen(m, 3);
    for (let k = 0; k < 3; k++) {
      const v = vectors[k]!;
      for (let i = 0; i < 3; i++) {
        const mv = m[i * 3]! * v[0]! + m[i * 3 + 1]! * v[1]! + m[i * 3 + 2]! * v[2]!;
        expect(mv).toBeCloseTo(values[k]! * v[i]!, 10);
      }
    }
    expect([...values]).toEqual([...values].sort((a, b) => a - b));
  });

  it('the Laplacian of two disconnected cliques has two zero eigenvalues, then a gap', () => {
    const points = [...Array.from({ length: 6 }, (_, i) => Float64Array.from([i * 0.01, 0])), ...Array.from({ length: 6 }, (_, i) => Float64Array.from([10 + i * 0.01, 0]))];
    const spectrum = laplacianSpectrum(knnGraph(points, 3), 4);
    expect(spectrum.values[0]).toBeCloseTo(0, 8);
    expect(spectrum.values[1]).toBeCloseTo(0, 8);
    expect(spectrum.values[2]).toBeGreaterThan(0.3);
    expect(eigengapClusters(spectrum.values, 3)).toBe(2);
  });

  it('kMeans separates two clouds, and the adjusted Rand index scores partitions', () => {
    const points = [...Array.from({ length: 5 }, (_, i) => Float64Array.from([i * 0.1, 0])), ...Array.from({ length: 5 }, (_, i) => Float64Array.from([5 + i * 0.1, 1]))];
    const labels = kMeans(points, 2);
    const truth = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    expect(adjustedRandIndex(labels, truth)).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    expect(adjustedRandIndex([0, 1, 0, 1, 0, 1, 0, 1], [0, 0, 0, 0, 1, 1, 1, 1])).toBeLessThan(0);
  });
});

describe('spray', () => {
  it('finds the strategies of a class: three places the maps look at, chosen by the eigengap', () => {
    const maps: MapData[] = [];
    const truth: number[] = [];
    const places = [[2, 2], [9, 3], [5, 9]] as const;
    const sizes = [30, 18, 12];
    places.forEach(([x, y], p) => {
      for (let i = 0; i < sizes[p]!; i++) {
        maps.push(blob(x + Math.sin(i) * 0.3, y + Math.cos(i * 1.7) * 0.3, i + 100 * p));
        truth.push(p);
      }
    });
    const result = spray(maps);
    expect(result.suggested).toBe(3);
    expect(adjustedRandIndex(result.assignments, truth)).toBeGreaterThan(0.95);
    // Clusters are numbered by size; their mean maps peak where their maps do.
    expect([...result.assignments].filter((c) => c === 0)).toHaveLength(30);
    const peak = (m: Float64Array) => m.indexOf(Math.max(...m));
    expect(peak(result.meanMaps[2]!)).toBe(9 * 12 + 5);
    // The rarest strategy is the most unusual for the class.
    const mean = (p: number) => truth.reduce((s, t, i) => s + (t === p ? result.unusual[i]! : 0), 0) / sizes[p]!;
    expect(mean(2)).toBeGreaterThan(mean(0));
    expect(result.embedding).toHaveLength(maps.length);
    expect(result.eigenvalues[0]).toBeCloseTo(0, 6);
  });

  it('takes the number of clusters when given one', () => {
    const maps = Array.from({ length: 20 }, (_, i) => blob(i % 2 === 0 ? 2 : 9, 5, i));
    expect(spray(maps, { clusters: 4 }).meanMaps).toHaveLength(4);
    expect(spray(maps.slice(0, 2)).clusters).toBe(1);
  });
});
