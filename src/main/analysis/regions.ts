/**
 * Attention per annotated region: how much of the map's mass falls on it, and how
 * well the map's own box matches it. Boxes sharing a name are one region (two
 * hands, a face drawn twice): their union, each cell counted once.
 */
import type { RegionBox } from '../library/types';
import type { MapStats } from '../store/types';
import { boxToCells, type CellRange, type GridSize } from './grid';

export type RegionStat = MapStats['regions'][number];

/** Region names of an image, distinct, in code-unit order (locale-independent, so stored rows agree everywhere). */
export function regionNames(regions: readonly RegionBox[]): string[] {
  return [...new Set(regions.map((region) => region.name))].sort();
}

/**
 * Mass and box IoU per region name, sorted by name.
 * @param values non-negative cell values on `grid`, summing to `total`
 * @param mapBox the weakly-supervised box in cells, or null when the map has none
 */
export function regionStats(
  values: Float32Array,
  total: number,
  grid: GridSize,
  image: GridSize,
  regions: readonly RegionBox[],
  mapBox: CellRange | null,
): RegionStat[] {
  const names = regionNames(regions);
  if (names.length === 0) return [];
  // owner[cell] = 1 + index of the last name that claimed it: a union mask per
  // name without clearing a buffer between names, since each name is finished
  // (mass, count, intersection) before the next one stamps.
  const owner = new Int32Array(values.length);
  return names.map((name, index) => {
    const stamp = index + 1;
    let inside = 0;
    let count = 0;
    for (const region of regions) {
      if (region.name !== name) continue;
      const { col0, col1, row0, row1 } = boxToCells(region, image, grid);
      for (let row = row0; row < row1; row++) {
        for (let cell = row * grid.width + col0, end = row * grid.width + col1; cell < end; cell++) {
          if (owner[cell] === stamp) continue;
          owner[cell] = stamp;
          inside += values[cell]!;
          count++;
        }
      }
    }
    return {
      name,
      mass: total > 0 ? inside / total : 0,
      boxIou: mapBox ? iou(owner, stamp, count, grid.width, mapBox) : 0,
    };
  });
}

/** IoU in cells between a rectangle and the cells stamped `stamp` (`count` of them). */
function iou(owner: Int32Array, stamp: number, count: number, width: number, box: CellRange): number {
  let intersection = 0;
  for (let row = box.row0; row < box.row1; row++) {
    for (let cell = row * width + box.col0, end = row * width + box.col1; cell < end; cell++) {
      if (owner[cell] === stamp) intersection++;
    }
  }
  const union = (box.col1 - box.col0) * (box.row1 - box.row0) + count - intersection;
  return union > 0 ? intersection / union : 0;
}
