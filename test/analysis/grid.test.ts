import { describe, expect, it } from 'vitest';
import { boxToCells, statsGridSize } from '../../src/main/analysis/grid';

describe('statsGridSize', () => {
  it('keeps small images as they are and shrinks large ones to the cap, aspect ratio kept', () => {
    expect(statsGridSize({ width: 120, height: 90 }, 160)).toEqual({ width: 120, height: 90 });
    expect(statsGridSize({ width: 1000, height: 500 }, 160)).toEqual({ width: 160, height: 80 });
    expect(statsGridSize({ width: 3000, height: 4000 }, 160)).toEqual({ width: 120, height: 160 });
    expect(statsGridSize({ width: 4000, height: 3 }, 160)).toEqual({ width: 160, height: 1 });
  });
});

describe('boxToCells', () => {
  it('is the pixels themselves at full resolution', () => {
    const image = { width: 50, height: 40 };
    expect(boxToCells({ x0: 3, y0: 4, x1: 10, y1: 40 }, image, image)).toEqual({ col0: 3, col1: 10, row0: 4, row1: 40 });
  });

  it('takes the cells whose centre lies inside the scaled box', () => {
    // Scale 1/4: the box spans 1.5..3.25 cells, so cells 1 (centre 1.5) and 2 (centre 2.5).
    const cells = boxToCells({ x0: 6, y0: 6, x1: 13, y1: 13 }, { width: 40, height: 40 }, { width: 10, height: 10 });
    expect(cells).toEqual({ col0: 1, col1: 3, row0: 1, row1: 3 });
  });

  it('clips to the grid and empties a box drawn backwards', () => {
    const image = { width: 10, height: 10 };
    expect(boxToCells({ x0: -5, y0: 8, x1: 30, y1: 30 }, image, image)).toEqual({ col0: 0, col1: 10, row0: 8, row1: 10 });
    const backwards = boxToCells({ x0: 6, y0: 2, x1: 3, y1: 5 }, image, image);
    expect(backwards.col1 - backwards.col0).toBe(0);
  });
});
