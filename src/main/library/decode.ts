/**
 * Decodes an image file with sharp into the RGB bytes a model takes: EXIF
 * orientation applied, alpha flattened on white, any colour space converted to
 * sRGB, 16-bit reduced to 8, resized (bilinear) to exactly the model's input size.
 */
import sharp from 'sharp';
import type { RgbImage } from '../engine/preprocess';

/** Larger images are refused: a guard against decompression bombs. */
export const MAX_INPUT_PIXELS = 100_000_000;

export class ImageDecodeError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ImageDecodeError';
  }
}

export async function decodeRgb(file: string, [height, width]: readonly [number, number]): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(file, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', pages: 1 })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .resize(width, height, { fit: 'fill', kernel: 'linear' })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    const message = (error as Error).message;
    throw new ImageDecodeError(file, message.replace(/^Input file /, ''));
  }
}
