import { describe, expect, it } from 'vitest';
import { evidenceComponents } from '../../../src/main/analysis/concepts';
import { mapOf } from '../helpers';

describe('evidenceComponents', () => {
  it('splits two blobs, with their masses, shares, centroids and boxes', () => {
    // 8 wide, 6 high: a 2x2 blob of 1 at the top left, a row of three 0.6 at the bottom
    // right, a weak background (kept in the total, below the cut) and negative cells.
    const map = mapOf(8, 6, (x, y) => {
      if (x < 2 && y < 2) return 1;
      if (y === 4 && x >= 5) return 0.6;
      if (y === 5) return -2;
      return 0.1;
    });
    const background = (8 * 6 - 4 - 3 - 8) * 0.1;
    const total = 4 + 1.8 + background;
    const found = evidenceComponents(map);
    expect(found).toHaveLength(2);
    const [a, b] = found;
    expect([...a!.cells]).toEqual([0, 1, 8, 9]);
    expect(a!.mass).toBeCloseTo(4, 6);
    expect(a!.share).toBeCloseTo(4 / total, 6);
    expect(a!.centroid.x).toBeCloseTo(1 / 8, 6);
    expect(a!.centroid.y).toBeCloseTo(1 / 6, 6);
    expect(a!.bbox).toEqual({ col0: 0, col1: 2, row0: 0, row1: 2 });
    expect([...b!.cells]).toEqual([37, 38, 39]);
    expect(b!.mass).toBeCloseTo(1.8, 5);
    expect(b!.share).toBeCloseTo(1.8 / total, 6);
    expect(b!.centroid.x).toBeCloseTo(6.5 / 8, 6);
    expect(b!.centroid.y).toBeCloseTo(4.5 / 6, 6);
    expect(b!.bbox).toEqual({ col0: 5, col1: 8, row0: 4, row1: 5 });
  });

  it('weights the centroid by mass', () => {
    const map = mapOf(4, 1, (x) => [0, 1, 3, 0][x]!);
    const [only] = evidenceComponents(map, { threshold: 0.3 });
    expect(only!.centroid.x).toBeCloseTo((1 * 1.5 + 3 * 2.5) / 4 / 4, 6);
    expect(only!.centroid.y).toBeCloseTo(0.5, 6);
    expect(only!.share).toBe(1);
  });

  it('joins diagonal neighbours (8-connectivity) but not cells a gap apart', () => {
    const diagonal = mapOf(4, 4, (x, y) => (x === y ? 1 : 0));
    expect(evidenceComponents(diagonal)).toHaveLength(1);
    expect([...evidenceComponents(diagonal)[0]!.cells]).toEqual([0, 5, 10, 15]);
    const antiDiagonal = mapOf(3, 3, (x, y) => (x + y === 2 ? 1 : 0));
    expect(evidenceComponents(antiDiagonal)).toHaveLength(1);
    const gap = mapOf(3, 1, (x) => (x === 1 ? 0 : 1));
    expect(evidenceComponents(gap)).toHaveLength(2);
  });

  it('finds nothing in a map that is all zero or negative', () => {
    expect(evidenceComponents(mapOf(5, 5, () => 0))).toEqual([]);
    expect(evidenceComponents(mapOf(5, 5, (x, y) => -1 - x - y))).toEqual([]);
  });

  it('cuts at the threshold share of the maximum', () => {
    const map = mapOf(5, 1, (x) => [1, 0, 0.6, 0, 0.3][x]!);
    expect(evidenceComponents(map)).toHaveLength(2);
    expect(evidenceComponents(map, { threshold: 0.7 })).toHaveLength(1);
    expect(evidenceComponents(map, { threshold: 0.3 })).toHaveLength(3);
    // A cut at 0 still needs positive cells: zeros do not glue the map into one piece.
    expect(evidenceComponents(map, { threshold: 0 })).toHaveLength(3);
  });

  it('orders by mass, ties in row-major order of the first cell', () => {
    const map = mapOf(5, 1, (x) => [0.5, 0, 1, 0, 0.5][x]!);
    expect(evidenceComponents(map).map((c) => c.cells[0])).toEqual([2, 0, 4]);
  });
});
