/**
 * The grid attention statistics are measured on: the original image's shape,
 * shrunk so its longer side is at most `maxSide`. Statistics are shares of mass,
 * so a coarser grid changes them by little while a 12-megapixel photo would cost
 * a thousand times more than a 160-pixel one.
 */

export interface GridSize {
  width: number;
  height: number;
}

export interface CellRange {
  /** First column inside. */
  col0: number;
  /** One past the last column inside. */
  col1: number;
  row0: number;
  row1: number;
}

export function statsGridSize(image: GridSize, maxSide: number): GridSize {
  const longer = Math.max(image.width, image.height);
  const scale = longer > maxSide ? maxSide / longer : 1;
  // At least one cell each way: a 1000x2 strip still has a row.
  return {
    width: Math.max(1, Math.round(image.width * scale)),
    height: Math.max(1, Math.round(image.height * scale)),
  };
}

/**
 * The cells whose centre lies inside a box given in image pixels (x1, y1
 * exclusive). Without scaling this is exactly the pixels x0 <= x < x1, which is
 * what `massInBox` counts on a full-resolution map.
 */
export function boxToCells(
  box: { x0: number; y0: number; x1: number; y1: number },
  image: GridSize,
  grid: GridSize,
): CellRange {
  const sx = grid.width / image.width;
  const sy = grid.height / image.height;
  // Centre c + 0.5 >= a  <=>  c >= ceil(a - 0.5); centre c + 0.5 < b  <=>  c < ceil(b - 0.5).
  const first = (edge: number, scale: number, cells: number) => clamp(Math.ceil(edge * scale - 0.5), 0, cells);
  const col0 = first(box.x0, sx, grid.width);
  const row0 = first(box.y0, sy, grid.height);
  // A box drawn backwards (x1 < x0) covers nothing rather than a negative area.
  const col1 = Math.max(col0, first(box.x1, sx, grid.width));
  const row1 = Math.max(row0, first(box.y1, sy, grid.height));
  return { col0, col1, row0, row1 };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
