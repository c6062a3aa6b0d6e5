/**
 * The colour of a region of an image: the summed RGB of its pixels, on a small
 * stretched copy of the oriented image. A colour is a cue a person recognises at once
 * ("the red squares"), and a few thousand pixels say it as well as millions.
 */
import sharp from 'sharp';
import { MAX_INPUT_PIXELS } from './decode';
import { readImageFile } from './image-file';

/** Side of the stretched copy the region is read on: 4x4 pixels a cell of a 40x40 map. */
export const COLOUR_RASTER = 160;

export interface ColourSum {
  r: number;
  g: number;
  b: number;
  /** Pixels summed. */
  pixels: number;
}

/**
 * Sums the RGB of the pixels whose centres `inside` keeps, given as fractions of the
 * oriented image (0..1 from the top left). Alpha is flattened on white, as the model
 * sees it. Throws when the file cannot be read or decoded.
 */
export async function regionColourSum(file: string, inside: (fx: number, fy: number) => boolean): Promise<ColourSum> {
  // The library's reader: regular files only, capped (a FIFO would block a thread for good).
  const bytes = await readImageFile(file);
  const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', pages: 1 })
    .rotate()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .resize(COLOUR_RASTER, COLOUR_RASTER, { fit: 'fill' })
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const sum: ColourSum = { r: 0, g: 0, b: 0, pixels: 0 };
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      if (!inside((x + 0.5) / info.width, (y + 0.5) / info.height)) continue;
      const at = (y * info.width + x) * info.channels;
      sum.r += data[at]!;
      sum.g += data[at + 1]!;
      sum.b += data[at + 2]!;
      sum.pixels++;
    }
  }
  return sum;
}
