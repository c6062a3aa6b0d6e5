/** The crop geometry: map cells to a pixel box through the map frame, padded, at least a minimum, inside the image. */
import { describe, expect, it } from 'vitest';
import { cellBounds, cropBox, regionBox } from '../../src/shared/crop-box';
import { mapFrame } from '../../src/shared/map-frame';

describe('cellBounds', () => {
  it('spans the cells, end exclusive, and is null for none', () => {
    // Cells 13 and 26 on a 12-wide grid: (1, 1) and (2, 2).
    expect(cellBounds([13, 26], 12)).toEqual({ x0: 1, y0: 1, x1: 3, y1: 3 });
    expect(cellBounds([0], 7)).toEqual({ x0: 0, y0: 0, x1: 1, y1: 1 });
    expect(cellBounds([], 12)).toBeNull();
  });
});

describe('cropBox', () => {
  const grid = { width: 10, height: 10 };

  it('maps cells on a whole-image frame, padded by a cell', () => {
    const image = { width: 200, height: 100 };
    const frame = mapFrame(image, null);
    // Cells (4..5, 4..5): pixels x 80..120, y 40..60; one cell of padding is 20 x 10 px.
    const cells = [44, 45, 54, 55];
    expect(regionBox(cells, grid, frame, image)).toEqual({ left: 80, top: 40, width: 40, height: 20 });
    expect(cropBox(cells, grid, frame, image, { minSide: 0 })).toEqual({ left: 60, top: 30, width: 80, height: 40 });
  });

  it('maps through a centre-crop frame: the map covers only the centred rectangle', () => {
    // 300 x 200 resized to shorter side 100 (150 x 100), centre crop 100 x 100: the frame is x 50..250 of the original.
    const image = { width: 300, height: 200 };
    const frame = mapFrame(image, { shorterSide: 100, centerCrop: [100, 100] });
    expect(frame).toEqual({ x: 50, y: 0, width: 200, height: 200 });
    // The top-left cell is the frame's corner, not the image's: 20 x 20 px at (50, 0).
    expect(regionBox([0], grid, frame, image)).toEqual({ left: 50, top: 0, width: 20, height: 20 });
    // Padded by a cell each way, clipped at the image's top; 60 px wide, inside the image's left part the map never saw.
    expect(cropBox([0], grid, frame, image)).toEqual({ left: 30, top: 0, width: 60, height: 40 });
    // The bottom-right cell ends at the frame's right edge (250), not the image's (300).
    expect(regionBox([99], grid, frame, image)).toEqual({ left: 230, top: 180, width: 20, height: 20 });
  });

  it('grows a tiny box to the minimum about its centre, and keeps it inside the image', () => {
    const image = { width: 64, height: 64 };
    const frame = mapFrame(image, null);
    const tiny = { width: 32, height: 32 };
    // One 2 x 2 px cell at (30, 30): grown to 32 px centred on 31.
    expect(cropBox([15 * 32 + 15], tiny, frame, image, { padCells: 0 })).toEqual({ left: 15, top: 15, width: 32, height: 32 });
    // In the corner: shifted back inside.
    expect(cropBox([0], tiny, frame, image, { padCells: 0 })).toEqual({ left: 0, top: 0, width: 32, height: 32 });
    // An image smaller than the minimum: all of it.
    const small = { width: 20, height: 10 };
    expect(cropBox([0], grid, mapFrame(small, null), small)).toEqual({ left: 0, top: 0, width: 20, height: 10 });
    expect(cropBox([], grid, frame, image)).toBeNull();
  });
});
