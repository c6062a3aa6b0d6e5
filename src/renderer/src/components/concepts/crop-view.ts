/**
 * Where a concept's crop looks on its image: a square (in pixels) around the
 * component's box, with a margin of context, kept inside the image. Pure arithmetic.
 */
import type { ImageBox } from '../../../../shared/concepts';

export interface CropWindow {
  /** Top-left corner and size, in fractions of the image. */
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Context around the box: the window's side is this many times the box's longer side. */
export const CROP_MARGIN = 1.8;
/** The window never shows less than this share of the image's shorter side: a one-cell box still has context. */
export const MIN_CROP_SIDE = 0.3;

/** `aspect` is the image's width / height. */
export function cropView(box: ImageBox, aspect: number): CropWindow {
  // In units of the image's height: x fractions times aspect.
  const boxWidth = (box.x1 - box.x0) * aspect;
  const boxHeight = box.y1 - box.y0;
  // A square in pixels can be at most the image's shorter side.
  const shorter = Math.min(aspect, 1);
  const side = Math.min(Math.max(Math.max(boxWidth, boxHeight) * CROP_MARGIN, MIN_CROP_SIDE * shorter), shorter);
  const width = Math.min(1, side / aspect);
  const height = Math.min(1, side);
  const centreX = (box.x0 + box.x1) / 2;
  const centreY = (box.y0 + box.y1) / 2;
  const clamp = (start: number, size: number) => Math.min(Math.max(start, 0), 1 - size);
  return { x: clamp(centreX - width / 2, width), y: clamp(centreY - height / 2, height), width, height };
}
