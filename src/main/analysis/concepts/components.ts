/**
 * Evidence components of one map: where the map is strong, split into the separate
 * places it points at. Each place is described later (describe.ts) and clustered by
 * what it looks like, which is why the pieces are kept apart instead of reduced to
 * the largest one (../components.ts does that, for a box).
 */
import type { MapData } from '../../../shared/explain';
import type { CellRange } from '../grid';

export interface EvidenceComponent {
  /** Its cells, row-major indices into the map, ascending. */
  cells: Int32Array;
  /** Sum of its cells' values. */
  mass: number;
  /** mass / the map's total positive mass (not only the thresholded part), in (0, 1]. */
  share: number;
  /** Mass-weighted mean of its cell centres, in [0, 1] of the map's width and height. */
  centroid: { x: number; y: number };
  bbox: CellRange;
}

export interface ComponentOptions {
  /** Cells at or above this share of the map's maximum belong to a component. */
  threshold?: number;
}

/** Half the maximum: measured flat between 0.4 and 0.7 on a planted-cue dataset. */
export const DEFAULT_COMPONENT_THRESHOLD = 0.5;

const NEIGHBOURS: readonly (readonly [number, number])[] = [
  [-1, -1], [0, -1], [1, -1],
  [-1, 0], [1, 0],
  [-1, 1], [0, 1], [1, 1],
];

/**
 * The 8-connected components of the cells >= threshold x max, largest mass first
 * (ties: the one whose first cell comes first in row-major order). Negative values
 * count as 0: a map that is all zero or negative has no components, and a cell has to
 * be positive to join one, so a threshold of 0 does not glue the whole map together.
 */
export function evidenceComponents(map: MapData, options: ComponentOptions = {}): EvidenceComponent[] {
  const { width, height, data } = map;
  if (data.length !== width * height) throw new Error(`evidenceComponents: ${data.length} values for a ${width}x${height} map`);
  const threshold = options.threshold ?? DEFAULT_COMPONENT_THRESHOLD;
  let max = 0;
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v > 0) {
      total += v;
      if (v > max) max = v;
    }
  }
  if (!(max > 0)) return [];
  const cut = threshold * max;

  // 0 = below, 1 = open, 2 = claimed
  const state = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) if (data[i]! > 0 && data[i]! >= cut) state[i] = 1;
  const stack = new Int32Array(data.length);
  const found: EvidenceComponent[] = [];
  for (let seed = 0; seed < data.length; seed++) {
    if (state[seed] !== 1) continue;
    state[seed] = 2;
    let top = 0;
    stack[top++] = seed;
    const cells: number[] = [];
    let mass = 0;
    let sx = 0;
    let sy = 0;
    let col0 = width;
    let col1 = 0;
    let row0 = height;
    let row1 = 0;
    while (top > 0) {
      const cell = stack[--top]!;
      cells.push(cell);
      const row = Math.floor(cell / width);
      const col = cell - row * width;
      const v = data[cell]!;
      mass += v;
      sx += v * (col + 0.5);
      sy += v * (row + 0.5);
      if (col < col0) col0 = col;
      if (col + 1 > col1) col1 = col + 1;
      if (row < row0) row0 = row;
      if (row + 1 > row1) row1 = row + 1;
      for (const [dx, dy] of NEIGHBOURS) {
        const c = col + dx;
        const r = row + dy;
        if (c < 0 || c >= width || r < 0 || r >= height) continue;
        const next = r * width + c;
        if (state[next] === 1) {
          state[next] = 2;
          stack[top++] = next;
        }
      }
    }
    found.push({
      cells: Int32Array.from(cells).sort(),
      mass,
      share: mass / total,
      centroid: { x: sx / mass / width, y: sy / mass / height },
      bbox: { col0, col1, row0, row1 },
    });
  }
  // Found in row-major order of first cells, so a stable sort keeps that order on ties.
  return found.sort((a, b) => b.mass - a.mass);
}
