/**
 * Where a map component sits on the original image, as a pixel box to crop: the
 * bounding box of its cells on the map grid, mapped through the map frame (the whole
 * image, or the centred rectangle a Resize + CenterCrop model sees), padded by about a
 * map cell so the crop shows what surrounds the evidence, and never thinner than a
 * small minimum so a one-cell component still makes a picture. Pure arithmetic, no
 * Node, no DOM: the export writes crops with it and the app can draw the same box.
 */
import type { MapFrame, Size } from './map-frame';

/** A rectangle in whole pixels, inside the image. */
export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A box of map cells: columns [x0, x1) and rows [y0, y1). */
export interface CellBounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface CropBoxOptions {
  /** Map cells added on every side (default 1). */
  padCells?: number;
  /** Least width and height in image pixels, grown about the centre (default 32; the image's side when smaller). */
  minSide?: number;
}

export const CROP_PAD_CELLS = 1;
export const CROP_MIN_SIDE = 32;

/** The bounding box of row-major cell indices on a grid `gridWidth` cells wide; null for no cell. */
export function cellBounds(cells: readonly number[], gridWidth: number): CellBounds | null {
  if (cells.length === 0) return null;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const cell of cells) {
    const x = cell % gridWidth;
    const y = Math.floor(cell / gridWidth);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + 1);
    y1 = Math.max(y1, y + 1);
  }
  return { x0, y0, x1, y1 };
}

/** One axis: [start, end) in pixels grown to `least` about its centre, shifted back inside [0, limit). */
function span(start: number, end: number, least: number, limit: number): [number, number] {
  let lo = Math.max(0, Math.floor(start));
  let hi = Math.min(limit, Math.ceil(end));
  const want = Math.min(limit, least);
  if (hi - lo < want) {
    const centre = (start + end) / 2;
    lo = Math.round(centre - want / 2);
    lo = Math.max(0, Math.min(limit - want, lo));
    hi = lo + want;
  }
  return [lo, Math.max(hi, lo + 1)];
}

/**
 * The pixel box of the cells on the image: the frame split into the map's grid, the
 * cells' bounds padded by `padCells` cells, rounded outwards, at least `minSide` pixels
 * each way, clipped to the image. Null when there is no cell.
 */
export function cropBox(cells: readonly number[], grid: Size, frame: MapFrame, image: Size, options: CropBoxOptions = {}): PixelBox | null {
  const bounds = cellBounds(cells, grid.width);
  if (!bounds) return null;
  const pad = options.padCells ?? CROP_PAD_CELLS;
  const least = options.minSide ?? CROP_MIN_SIDE;
  const cellWidth = frame.width / grid.width;
  const cellHeight = frame.height / grid.height;
  const [left, right] = span(frame.x + (bounds.x0 - pad) * cellWidth, frame.x + (bounds.x1 + pad) * cellWidth, least, image.width);
  const [top, bottom] = span(frame.y + (bounds.y0 - pad) * cellHeight, frame.y + (bounds.y1 + pad) * cellHeight, least, image.height);
  return { left, top, width: right - left, height: bottom - top };
}

/** The cells' own box, unpadded and without a minimum: the pixels the evidence covers, for their colour. */
export function regionBox(cells: readonly number[], grid: Size, frame: MapFrame, image: Size): PixelBox | null {
  return cropBox(cells, grid, frame, image, { padCells: 0, minSide: 1 });
}
