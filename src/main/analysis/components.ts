/**
 * Connected components of the cells above a threshold, for the weakly-supervised
 * box of the Grad-CAM paper (Selvaraju et al., section 4.1): threshold the map,
 * keep the largest 8-connected segment, take its bounding box.
 */
import type { CellRange } from './grid';

export interface Component extends CellRange {
  /** Number of cells in the component. */
  cells: number;
  /** Sum of the values of its cells. */
  mass: number;
}

/**
 * The 8-connected component of cells with value >= threshold that has the most
 * cells; on a tie, the one with more mass, then the first met in row-major order.
 * Null when no cell reaches the threshold.
 */
export function largestComponent(
  values: Float32Array,
  width: number,
  height: number,
  threshold: number,
): Component | null {
  return new SpanFill(values, width, height, threshold).largest();
}

/**
 * A scanline flood fill: it claims whole runs of a row at once and scans the rows
 * above and below each run for the next ones. Cell by cell with eight neighbours
 * was twice as slow, its branches being unpredictable at every blob's edge.
 * Iterative with one preallocated stack: a recursive fill overflows on a large
 * flat map.
 */
class SpanFill {
  /** Cells live in a grid with a one-cell border that is never open, so no bounds checks. */
  private readonly stride: number;
  /** 1 = above the threshold and not yet claimed. */
  private readonly open: Uint8Array;
  /** Claimed runs whose neighbouring rows are still to scan, as (first, last) padded cells. */
  private readonly pending: Int32Array;
  private top = 0;
  private cells = 0;
  private mass = 0;
  private col0 = 0;
  private col1 = 0;
  private row0 = 0;
  private row1 = 0;

  constructor(
    private readonly values: Float32Array,
    private readonly width: number,
    height: number,
    threshold: number,
  ) {
    this.stride = width + 2;
    this.open = new Uint8Array(this.stride * (height + 2));
    for (let row = 0; row < height; row++) {
      for (let col = 0, cell = row * width, padded = (row + 1) * this.stride + 1; col < width; col++, cell++, padded++) {
        if (values[cell]! >= threshold) this.open[padded] = 1;
      }
    }
    // Each run is pushed once, and runs in a row are at least a cell apart.
    this.pending = new Int32Array(2 * Math.ceil(width / 2) * height);
  }

  largest(): Component | null {
    let best: Component | null = null;
    // Border cells are never open: scanning them too keeps the loop simple.
    for (let start = 0; start < this.open.length; start++) {
      if (!this.open[start]) continue;
      const component = this.componentAt(start);
      if (!best || component.cells > best.cells || (component.cells === best.cells && component.mass > best.mass)) {
        best = component;
      }
    }
    return best;
  }

  /** The component containing `start`, an open padded cell. */
  private componentAt(start: number): Component {
    const { open, pending, stride } = this;
    this.cells = 0;
    this.mass = 0;
    this.col0 = this.width;
    this.col1 = 0;
    this.row0 = Number.MAX_SAFE_INTEGER;
    this.row1 = 0;
    this.top = 0;
    this.claimRun(start);
    while (this.top > 0) {
      const last = pending[--this.top]!;
      const first = pending[--this.top]!;
      // 8-connected: the rows above and below touch this run one cell beyond either end.
      for (let side = -1; side <= 1; side += 2) {
        const offset = side * stride;
        for (let cell = first - 1 + offset, end = last + 1 + offset; cell <= end; cell++) {
          if (open[cell]) cell = this.claimRun(cell);
        }
      }
    }
    const { cells, mass, col0, col1, row0, row1 } = this;
    return { cells, mass, col0, col1, row0, row1 };
  }

  /** Claims the whole open run through `cell`, queues it, and returns its last cell. */
  private claimRun(cell: number): number {
    const { open, values, stride, width } = this;
    let first = cell;
    while (open[first - 1]) first--;
    let last = cell;
    while (open[last + 1]) last++;
    const row = ((cell / stride) | 0) - 1;
    // Padded cell p of this row is values[p - shift].
    const shift = (row + 1) * stride + 1 - row * width;
    let mass = 0;
    for (let p = first; p <= last; p++) {
      open[p] = 0;
      mass += values[p - shift]!;
    }
    this.mass += mass;
    this.cells += last - first + 1;
    const col0 = first - (row + 1) * stride - 1;
    const col1 = last - (row + 1) * stride;
    if (col0 < this.col0) this.col0 = col0;
    if (col1 > this.col1) this.col1 = col1;
    if (row < this.row0) this.row0 = row;
    if (row >= this.row1) this.row1 = row + 1;
    this.pending[this.top++] = first;
    this.pending[this.top++] = last;
    return last;
  }
}
