/**
 * The image edits of the causal tests, on the image's own pixels (before the model's
 * resize and crop): a concept's region filled with the image's mean colour, and a
 * concept's region cut from one image and pasted into another. Map cells reach pixels
 * through the map frame (shared/map-frame.ts), so a model that centre-crops edits the
 * right place. Pure: RGB in, RGB out.
 */
import type { MapFrame, Size } from '../../../../shared/map-frame';
import type { RgbImage } from '../../../engine/preprocess';
import { resizeRgbBilinear } from '../../../library/resize';

/**
 * Regions grow by this many map cells each way before an edit: a map is coarse, and the
 * thing it points at spills over its cells (undilated masks undercounted flips about 3x).
 */
export const DILATION_CELLS = 1.5;

/** A pixel rectangle, [x0, x1) x [y0, y1). */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The map's grid. */
export interface Grid {
  width: number;
  height: number;
}

/** Pixels whose centre lies in [from, to), clamped to [0, size]. */
function pixelSpan(from: number, to: number, size: number): [number, number] {
  return [Math.max(0, Math.ceil(from - 0.5)), Math.min(size, Math.ceil(to - 0.5))];
}

/** The pixels of one cell grown by `dilation` cells each way, in the image. */
function cellBox(cell: number, grid: Grid, frame: MapFrame, image: Size, dilation: number): PixelBox {
  const cw = frame.width / grid.width;
  const ch = frame.height / grid.height;
  const row = Math.floor(cell / grid.width);
  const col = cell - row * grid.width;
  const [x0, x1] = pixelSpan(frame.x + (col - dilation) * cw, frame.x + (col + 1 + dilation) * cw, image.width);
  const [y0, y1] = pixelSpan(frame.y + (row - dilation) * ch, frame.y + (row + 1 + dilation) * ch, image.height);
  return { x0, y0, x1, y1 };
}

/** The pixels under map cells, each cell grown by `dilation` cells: 1 inside, 0 outside. */
export function regionMask(cells: readonly number[], grid: Grid, frame: MapFrame, image: Size, dilation = DILATION_CELLS): Uint8Array {
  const mask = new Uint8Array(image.width * image.height);
  for (const cell of cells) {
    const { x0, y0, x1, y1 } = cellBox(cell, grid, frame, image, dilation);
    for (let y = y0; y < y1; y++) mask.fill(1, y * image.width + x0, y * image.width + x1);
  }
  return mask;
}

/** The bounding box of map cells, grown by `dilation` cells, in image pixels; null for no cells. */
export function regionBox(cells: readonly number[], grid: Grid, frame: MapFrame, image: Size, dilation = DILATION_CELLS): PixelBox | null {
  let box: PixelBox | null = null;
  for (const cell of cells) {
    const b = cellBox(cell, grid, frame, image, dilation);
    box = box ? { x0: Math.min(box.x0, b.x0), y0: Math.min(box.y0, b.y0), x1: Math.max(box.x1, b.x1), y1: Math.max(box.y1, b.y1) } : b;
  }
  return box && box.x1 > box.x0 && box.y1 > box.y0 ? box : null;
}

/** The image's mean colour, rounded: a fill that adds no colour of its own. */
export function meanColour(image: RgbImage): [number, number, number] {
  const sum = [0, 0, 0];
  for (let i = 0; i < image.data.length; i += 3) {
    sum[0]! += image.data[i]!;
    sum[1]! += image.data[i + 1]!;
    sum[2]! += image.data[i + 2]!;
  }
  const n = Math.max(1, image.data.length / 3);
  return [Math.round(sum[0]! / n), Math.round(sum[1]! / n), Math.round(sum[2]! / n)];
}

/** A copy of the image with the masked pixels set to one colour. */
export function fillMask(image: RgbImage, mask: Uint8Array, colour: readonly [number, number, number]): RgbImage {
  const data = image.data.slice();
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    data[p * 3] = colour[0];
    data[p * 3 + 1] = colour[1];
    data[p * 3 + 2] = colour[2];
  }
  return { width: image.width, height: image.height, data };
}

/** Removal: the region under the cells (dilated) filled with the image's mean colour. */
export function removeRegion(image: RgbImage, cells: readonly number[], grid: Grid, frame: MapFrame): RgbImage {
  return fillMask(image, regionMask(cells, grid, frame, image), meanColour(image));
}

/** The pixels of a box. */
export function cropBox(image: RgbImage, box: PixelBox): RgbImage {
  const width = box.x1 - box.x0;
  const height = box.y1 - box.y0;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((box.y0 + y) * image.width + box.x0) * 3;
    data.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data };
}

/** A copy of `target` with `patch` over it, its top-left corner at (left, top); what falls outside is cut. */
export function paste(target: RgbImage, patch: RgbImage, left: number, top: number): RgbImage {
  const data = target.data.slice();
  const x0 = Math.max(0, left);
  const x1 = Math.min(target.width, left + patch.width);
  if (x1 <= x0) return { ...target, data };
  for (let y = Math.max(0, top); y < Math.min(target.height, top + patch.height); y++) {
    const from = ((y - top) * patch.width + (x0 - left)) * 3;
    data.set(patch.data.subarray(from, from + (x1 - x0) * 3), (y * target.width + x0) * 3);
  }
  return { width: target.width, height: target.height, data };
}

/** Share of the frame (what the model sees) a box covers, in [0, 1]. */
export function coverShare(box: PixelBox, frame: MapFrame): number {
  const w = Math.max(0, Math.min(box.x1, frame.x + frame.width) - Math.max(box.x0, frame.x));
  const h = Math.max(0, Math.min(box.y1, frame.y + frame.height) - Math.max(box.y0, frame.y));
  return frame.width > 0 && frame.height > 0 ? (w * h) / (frame.width * frame.height) : 0;
}

/** Where a patch lands in the target and at what size: the same normalised place in the frame, scaled as the frames are. */
export function transplantPlace(box: PixelBox, source: MapFrame, target: MapFrame): PixelBox {
  const sx = target.width / source.width;
  const sy = target.height / source.height;
  const width = Math.max(1, Math.round((box.x1 - box.x0) * sx));
  const height = Math.max(1, Math.round((box.y1 - box.y0) * sy));
  const cx = target.x + (((box.x0 + box.x1) / 2 - source.x) / source.width) * target.width;
  const cy = target.y + (((box.y0 + box.y1) / 2 - source.y) / source.height) * target.height;
  const x0 = Math.round(cx - width / 2);
  const y0 = Math.round(cy - height / 2);
  return { x0, y0, x1: x0 + width, y1: y0 + height };
}

/** Transplant: the source's box cut out, scaled by the ratio of the frames, pasted into the target at the same normalised centre. */
export function transplant(source: RgbImage, box: PixelBox, sourceFrame: MapFrame, target: RgbImage, targetFrame: MapFrame): RgbImage {
  const place = transplantPlace(box, sourceFrame, targetFrame);
  const patch = cropBox(source, box);
  const scaled = patch.width === place.x1 - place.x0 && patch.height === place.y1 - place.y0 ? patch : resizeRgbBilinear(patch, place.x1 - place.x0, place.y1 - place.y0);
  return paste(target, scaled, place.x0, place.y0);
}
