/** Where a concept's crop looks: a square in pixels around the box, with context, inside the image. */
import { describe, expect, it } from 'vitest';
import { CROP_MARGIN, MIN_CROP_SIDE, cropView } from '../../src/renderer/src/components/concepts/crop-view';

describe('the crop window of a concept', () => {
  it('centres a square with a margin on the box, and keeps it inside the image', () => {
    const middle = cropView({ x0: 0.4, y0: 0.4, x1: 0.6, y1: 0.6 }, 1);
    expect(middle.width).toBeCloseTo(0.2 * CROP_MARGIN);
    expect(middle.x + middle.width / 2).toBeCloseTo(0.5);
    // A badge in the top-left corner: the window is pushed back into the image.
    expect(cropView({ x0: 0, y0: 0, x1: 0.15, y1: 0.15 }, 1)).toMatchObject({ x: 0, y: 0 });
  });

  it('is square in pixels on a wide image, never smaller than the floor, never larger than the image', () => {
    const wide = cropView({ x0: 0.45, y0: 0.45, x1: 0.55, y1: 0.55 }, 2);
    // 0.1 of a 2:1 image's width is 0.2 of its height: the window follows the longer side.
    expect(wide.height).toBeCloseTo(0.2 * CROP_MARGIN);
    expect(wide.width * 2).toBeCloseTo(wide.height);
    expect(cropView({ x0: 0.5, y0: 0.5, x1: 0.51, y1: 0.51 }, 1).width).toBeCloseTo(MIN_CROP_SIDE);
    expect(cropView({ x0: 0, y0: 0, x1: 1, y1: 1 }, 1)).toEqual({ x: 0, y: 0, width: 1, height: 1 });
  });
});
