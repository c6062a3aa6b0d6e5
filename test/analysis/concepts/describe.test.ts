import { describe, expect, it } from 'vitest';
import { describeComponent, type FeatureGrid } from '../../../src/main/analysis/concepts';
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
