import { describe, expect, it } from 'vitest';
import { largestComponent, type Component } from '../../src/main/analysis/components';
import { seededRandom } from './helpers';

/** The plain way: label every 8-connected component cell by cell, keep the largest (then heaviest, then first). */
function reference(values: Float32Array, width: number, height: number, threshold: number): Component | null {
  const seen = new Uint8Array(values.length);
  let best: Component | null = null;
  for (let start = 0; start < values.length; start++) {
    if (seen[start] || values[start]! < threshold) continue;
    seen[start] = 1;
    const queue = [start];
    const found: Component = { cells: 0, mass: 0, col0: width, col1: 0, row0: height, row1: 0 };
    while (queue.length > 0) {
      const cell = queue.pop()!;
      const row = Math.floor(cell / width);
      const col = cell % width;
      found.cells++;
      found.mass += values[cell]!;
      found.col0 = Math.min(found.col0, col);
      found.col1 = Math.max(found.col1, col + 1);
      found.row0 = Math.min(found.row0, row);
      found.row1 = Math.max(found.row1, row + 1);
      for (let r = row - 1; r <= row + 1; r++) {
        for (let c = col - 1; c <= col + 1; c++) {
          const next = r * width + c;
          if (r < 0 || r >= height || c < 0 || c >= width || seen[next] || values[next]! < threshold) continue;
          seen[next] = 1;
          queue.push(next);
        }
      }
    }
    if (!best || found.cells > best.cells || (found.cells === best.cells && found.mass > best.mass)) best = found;
  }
  return best;
}

function grid(rows: string[]): { values: Float32Array; width: number; height: number } {
  const width = rows[0]!.length;
  const values = Float32Array.from(rows.join(''), (char) => (char === '#' ? 1 : 0));
  return { values, width, height: rows.length };
}

describe('largestComponent', () => {
  it('follows a spiral that turns back on itself through every row', () => {
    const rows = [
      '#########',
      '........#',
      '#######.#',
      '#.....#.#',
      '#.###.#.#',
      '#.#...#.#',
      '#.#####.#',
      '#.......#',
      '#########',
    ];
    const { values, width, height } = grid(rows);
    const found = largestComponent(values, width, height, 0.5);
    expect(found).toEqual(reference(values, width, height, 0.5));
    // One component: every '#' of the drawing.
    const cells = rows.join('').split('').filter((char) => char === '#').length;
    expect(found).toMatchObject({ cells, col0: 0, col1: 9, row0: 0, row1: 9 });
  });

  it('joins cells that touch only at corners, at the grid edges too', () => {
    const { values, width, height } = grid(['#...#', '.#.#.', '..#..', '.....', '#...#']);
    expect(largestComponent(values, width, height, 0.5)).toMatchObject({ cells: 5, col0: 0, col1: 5, row0: 0, row1: 3 });
  });

  it('is null when nothing reaches the threshold', () => {
    expect(largestComponent(new Float32Array(12), 4, 3, 0.5)).toBeNull();
  });

  it('agrees with a cell-by-cell fill on random maps of every shape', () => {
    const random = seededRandom(42);
    for (const [width, height] of [
      [1, 1],
      [1, 17],
      [17, 1],
      [13, 9],
      [40, 40],
      [160, 80],
    ] as const) {
      for (let trial = 0; trial < 20; trial++) {
        // Around 0.4 of cells open: near percolation, where shapes are most tangled.
        const values = Float32Array.from({ length: width * height }, () => random());
        const threshold = 0.5 + 0.2 * random();
        const found = largestComponent(values, width, height, threshold);
        const expected = reference(values, width, height, threshold);
        if (!expected) {
          expect(found).toBeNull();
          continue;
        }
        expect(found).toEqual({ ...expected, mass: expect.closeTo(expected.mass, 9) });
      }
    }
  });
});
