/**
 * The geometry of a grid of square tiles with a caption strip under each: pure
 * math, so the DOM side (VirtualGrid) only reads and writes what this computes.
 * Tiles are `gap` apart; the grid has no outer margin (pad the container instead).
 */

export interface GridLayoutInput {
  /** Width available to tiles, in CSS pixels (the viewport's clientWidth). */
  width: number;
  count: number;
  minTileWidth: number;
  gap: number;
  captionHeight: number;
}

export interface GridLayout {
  count: number;
  gap: number;
  columns: number;
  /** Whole pixels, so transforms land on pixel boundaries and images stay sharp. */
  tileWidth: number;
  /** tileWidth (the square image) plus the caption. */
  tileHeight: number;
  /** tileHeight plus the gap below it. */
  rowHeight: number;
  rows: number;
  /** Height of the scrollable content: no gap after the last row. */
  totalHeight: number;
}

export function gridLayout({ width, count, minTileWidth, gap, captionHeight }: GridLayoutInput): GridLayout {
  const columns = Math.max(1, Math.floor((width + gap) / (minTileWidth + gap)));
  // At least one pixel wide so rowHeight is never 0 (it divides scroll offsets).
  const tileWidth = Math.max(1, Math.floor((width - gap * (columns - 1)) / columns));
  const tileHeight = tileWidth + captionHeight;
  const rowHeight = tileHeight + gap;
  const rows = Math.ceil(Math.max(0, count) / columns);
  const totalHeight = rows > 0 ? rows * rowHeight - gap : 0;
  return { count: Math.max(0, count), gap, columns, tileWidth, tileHeight, rowHeight, rows, totalHeight };
}

/** Rows and indices to render, inclusive; `lastIndex < firstIndex` when there is nothing. */
export interface VisibleRange {
  firstRow: number;
  lastRow: number;
  firstIndex: number;
  lastIndex: number;
}

export const EMPTY_RANGE: VisibleRange = { firstRow: 0, lastRow: -1, firstIndex: 0, lastIndex: -1 };

export interface VisibleRangeInput {
  scrollTop: number;
  viewportHeight: number;
  layout: GridLayout;
  /** Extra rows above and below, rendered ahead of the scroll. */
  overscanRows: number;
}

export function visibleRange({ scrollTop, viewportHeight, layout, overscanRows }: VisibleRangeInput): VisibleRange {
  const { rows, rowHeight, columns, count } = layout;
  if (count === 0) return EMPTY_RANGE;
  const top = Math.max(0, scrollTop);
  const bottom = top + Math.max(0, viewportHeight);
  const firstRow = clamp(Math.floor(top / rowHeight) - overscanRows, 0, rows - 1);
  const lastRow = clamp(Math.ceil(bottom / rowHeight) - 1 + overscanRows, firstRow, rows - 1);
  return {
    firstRow,
    lastRow,
    firstIndex: firstRow * columns,
    lastIndex: Math.min(count - 1, (lastRow + 1) * columns - 1),
  };
}

export interface TilePosition {
  row: number;
  column: number;
  /** Offset of the tile's top-left corner inside the scrolled content. */
  x: number;
  y: number;
}

export function positionOf(layout: GridLayout, index: number): TilePosition {
  const row = Math.floor(index / layout.columns);
  const column = index - row * layout.columns;
  return { row, column, x: column * (layout.tileWidth + layout.gap), y: row * layout.rowHeight };
}

/**
 * The index at a row and column, clamped into the grid: keyboard navigation moves
 * by (±1 row) or (±1 column) and lands on the nearest existing tile. -1 when empty.
 */
export function indexAt(layout: GridLayout, row: number, column: number): number {
  if (layout.count === 0) return -1;
  const r = clamp(row, 0, layout.rows - 1);
  const c = clamp(column, 0, layout.columns - 1);
  return Math.min(r * layout.columns + c, layout.count - 1);
}

export type ScrollAlign = 'nearest' | 'start';

export interface OffsetOfIndexInput {
  layout: GridLayout;
  index: number;
  scrollTop: number;
  viewportHeight: number;
  /** 'start' puts the row at the top; 'nearest' scrolls only as far as needed. */
  align: ScrollAlign;
}

/** The scrollTop that shows the tile at `index`, within the scrollable range. */
export function offsetOfIndex({ layout, index, scrollTop, viewportHeight, align }: OffsetOfIndexInput): number {
  const maxScroll = Math.max(0, layout.totalHeight - viewportHeight);
  if (layout.count === 0) return 0;
  const { y } = positionOf(layout, clamp(index, 0, layout.count - 1));
  let target = scrollTop;
  if (align === 'start' || y < scrollTop || layout.tileHeight > viewportHeight) target = y;
  else if (y + layout.tileHeight > scrollTop + viewportHeight) target = y + layout.tileHeight - viewportHeight;
  return clamp(target, 0, maxScroll);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
