import { describe, expect, it } from 'vitest';
import { gridLayout, indexAt, offsetOfIndex, positionOf, visibleRange } from '../../src/renderer/src/grid/layout';

// 1000 px wide, tiles at least 150 px, 10 px apart: 6 columns of 158 px
// (6*158 + 5*10 = 998), rows 158 + 24 caption + 10 gap = 192 px.
const base = { width: 1000, minTileWidth: 150, gap: 10, captionHeight: 24 };

describe('gridLayout', () => {
  it('fits as many columns as the minimum width allows and shares the rest', () => {
    const layout = gridLayout({ ...base, count: 100 });
    expect(layout).toMatchObject({ columns: 6, tileWidth: 158, tileHeight: 182, rowHeight: 192, rows: 17 });
    expect(layout.columns * layout.tileWidth + (layout.columns - 1) * layout.gap).toBeLessThanOrEqual(1000);
    expect(layout.totalHeight).toBe(17 * 192 - 10);
  });

  it('keeps one column, narrower than the minimum, when the width is too small', () => {
    const layout = gridLayout({ ...base, width: 100, count: 3 });
    expect(layout).toMatchObject({ columns: 1, tileWidth: 100, rows: 3 });
  });

  it('stays usable at zero width and zero count', () => {
    const layout = gridLayout({ ...base, width: 0, count: 0 });
    expect(layout.rows).toBe(0);
    expect(layout.totalHeight).toBe(0);
    expect(layout.rowHeight).toBeGreaterThan(0);
  });

  it('a column exactly at the minimum width fits', () => {
    expect(gridLayout({ ...base, width: 150 * 3 + 20, count: 1 }).columns).toBe(3);
    expect(gridLayout({ ...base, width: 150 * 3 + 19, count: 1 }).columns).toBe(2);
  });
});

describe('visibleRange', () => {
  const layout = gridLayout({ ...base, count: 100_000 });

  it('covers the rows in the viewport plus the overscan, as whole rows of indices', () => {
    // [1920, 2500) meets rows 10..13 (row 13 starts at 2496); two more each side.
    const range = visibleRange({ scrollTop: 1920, viewportHeight: 580, layout, overscanRows: 2 });
    expect(range).toEqual({ firstRow: 8, lastRow: 15, firstIndex: 48, lastIndex: 95 });
  });

  it('is clamped at the top and the bottom, and the last row may be partial', () => {
    expect(visibleRange({ scrollTop: -50, viewportHeight: 400, layout, overscanRows: 3 }).firstRow).toBe(0);
    const small = gridLayout({ ...base, count: 20 });
    const range = visibleRange({ scrollTop: 10_000, viewportHeight: 800, layout: small, overscanRows: 1 });
    expect(range.lastRow).toBe(3);
    expect(range.lastIndex).toBe(19);
    expect(range.firstRow).toBeLessThanOrEqual(range.lastRow);
  });

  it('is empty when there is nothing to show', () => {
    const empty = gridLayout({ ...base, count: 0 });
    const range = visibleRange({ scrollTop: 0, viewportHeight: 800, layout: empty, overscanRows: 2 });
    expect(range.lastIndex).toBeLessThan(range.firstIndex);
  });

  it('renders a bounded number of tiles anywhere in 100,000', () => {
    for (const scrollTop of [0, 1e5, 1e6, layout.totalHeight - 900]) {
      const range = visibleRange({ scrollTop, viewportHeight: 900, layout, overscanRows: 2 });
      expect(range.lastIndex - range.firstIndex + 1).toBeLessThanOrEqual((Math.ceil(900 / 192) + 1 + 4) * 6);
    }
  });
});

describe('navigation', () => {
  const layout = gridLayout({ ...base, count: 20 });

  it('positions an index by row and column', () => {
    expect(positionOf(layout, 13)).toEqual({ row: 2, column: 1, x: 168, y: 384 });
  });

  it('indexAt clamps moves past the edges onto the nearest tile', () => {
    expect(indexAt(layout, 1, 2)).toBe(8);
    expect(indexAt(layout, -1, 2)).toBe(2);
    expect(indexAt(layout, 1, 9)).toBe(11);
    // Row 3 holds 18 and 19 only: moving down from 16 lands on the last tile.
    expect(indexAt(layout, 3, 4)).toBe(19);
    expect(indexAt(gridLayout({ ...base, count: 0 }), 0, 0)).toBe(-1);
  });

  it("offsetOfIndex 'start' puts the row at the top, within the scroll range", () => {
    const big = gridLayout({ ...base, count: 600 });
    const start = (index: number) =>
      offsetOfIndex({ layout: big, index, scrollTop: 0, viewportHeight: 500, align: 'start' });
    expect(start(60)).toBe(1920);
    expect(start(599)).toBe(big.totalHeight - 500);
  });

  it("offsetOfIndex 'nearest' scrolls only as far as needed", () => {
    const big = gridLayout({ ...base, count: 600 });
    // Row 10 spans 1920..2102.
    const nearest = (scrollTop: number) =>
      offsetOfIndex({ layout: big, index: 60, scrollTop, viewportHeight: 500, align: 'nearest' });
    expect(nearest(1800)).toBe(1800);
    expect(nearest(1000)).toBe(2102 - 500);
    expect(nearest(2500)).toBe(1920);
  });
});
