import { describe, expect, it } from 'vitest';
import { describeComponent, poolToGrid, type FeatureGrid } from '../../../src/main/analysis/concepts';
import { mapOf } from '../helpers';

function grid(width: number, height: number, channels: number, value: (x: number, y: number, c: number) => number): FeatureGrid {
  const data = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = value(x, y, c);
  return { width, height, channels, data };
}

describe('describeComponent', () => {
  it('is the map-weighted mean of the channel vectors, at unit length', () => {
    const map = mapOf(2, 2, (x, y) => [1, 5, -4, 3][y * 2 + x]!);
    const features = grid(2, 2, 3, (x, y, c) => [[1, 0, 2], [9, 9, 9], [7, 7, 7], [0, 4, 1]][y * 2 + x]![c]!);
    // Cells 0 (weight 1) and 3 (weight 3); cell 2 is in the component but its map value is negative.
    const vector = describeComponent({ cells: Int32Array.from([0, 2, 3]) }, map, features);
    const mean = [(1 * 1 + 3 * 0) / 4, (1 * 0 + 3 * 4) / 4, (1 * 2 + 3 * 1) / 4];
    const norm = Math.hypot(...mean);
    mean.forEach((v, c) => expect(vector[c]).toBeCloseTo(v / norm, 6));
    expect(Math.hypot(...vector)).toBeCloseTo(1, 6);
  });

  it('keeps a zero vector zero', () => {
    const map = mapOf(2, 1, () => 1);
    const vector = describeComponent({ cells: Int32Array.from([0, 1]) }, map, grid(2, 1, 4, () => 0));
    expect([...vector]).toEqual([0, 0, 0, 0]);
  });

  it('refuses a descriptor on another grid', () => {
    expect(() => describeComponent({ cells: Int32Array.from([0]) }, mapOf(2, 2, () => 1), grid(4, 4, 1, () => 1))).toThrow(/pool it first/);
  });
});

describe('poolToGrid', () => {
  it('averages whole blocks when the ratio is an integer', () => {
    const fine = grid(4, 4, 2, (x, y, c) => (c === 0 ? y * 4 + x : 1));
    const pooled = poolToGrid(fine, 2, 2);
    expect(pooled).toMatchObject({ width: 2, height: 2, channels: 2 });
    // Block means of 0..15 laid out 4x4: (0+1+4+5)/4 and so on.
    expect([...pooled.data]).toEqual([2.5, 1, 4.5, 1, 10.5, 1, 12.5, 1]);
  });

  it('splits boundary cells by overlap when it is not', () => {
    // 3 cells onto 2: output 0 covers [0, 1.5) = cell 0 and half of cell 1.
    const pooled = poolToGrid(grid(3, 1, 1, (x) => [3, 6, 9][x]!), 2, 1);
    expect(pooled.data[0]).toBeCloseTo((3 + 0.5 * 6) / 1.5, 6);
    expect(pooled.data[1]).toBeCloseTo((0.5 * 6 + 9) / 1.5, 6);
  });

  it('keeps the mean of the grid at any ratio, and a constant constant', () => {
    const fine = grid(7, 5, 3, (x, y, c) => Math.sin(x * 1.7 + y * 0.9 + c));
    const mean = (g: FeatureGrid, c: number) => {
      let sum = 0;
      for (let i = c; i < g.data.length; i += g.channels) sum += g.data[i]!;
      return sum / (g.width * g.height);
    };
    for (const [w, h] of [[3, 2], [4, 4], [10, 6]] as const) {
      const pooled = poolToGrid(fine, w, h);
      for (let c = 0; c < 3; c++) expect(mean(pooled, c)).toBeCloseTo(mean(fine, c), 5);
      expect([...poolToGrid(grid(7, 5, 1, () => 2), w, h).data].every((v) => Math.abs(v - 2) < 1e-6)).toBe(true);
    }
  });
});
