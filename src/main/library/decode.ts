/**
 * Decodes an image file with sharp into the RGB bytes a model takes: EXIF
 * orientation applied, alpha flattened on white, any colour space converted to
 * sRGB, 16-bit reduced to 8, resized to exactly the model's input size: with the
 * sidecar's `resize` as the model was trained (PIL's filters, torchvision's Resize and
 * CenterCrop, see resample.ts), without it as biascope always has (bilinear).
 */
import sharp from 'sharp';
import type { RgbImage } from '../engine/preprocess';
import type { ModelConfig } from '../../shared/model-config';
import { cropPlan } from '../../shared/map-frame';
import { cropRgb, resample } from './resample';
import { JS_RESIZE_MAX_FACTOR, resizeRgbBilinear } from './resize';
import { decoderFailure, type Failure, ImageDecodeError, tooLarge } from './decode-errors';
import { readImageFile } from './image-file';

export { type DecodeFailure, ImageDecodeError } from './decode-errors';

/** Larger images are refused: a guard against decompression bombs. */
export const MAX_INPUT_PIXELS = 100_000_000;

export interface DecodedImage {
  /** At the model's input size. */
  rgb: RgbImage;
  /** The original image as displayed (EXIF orientation applied), which region boxes are drawn on. */
  width: number;
  height: number;
}


/** The sidecar fields that decide how an image becomes the model's input. */
export type Resizing = Pick<ModelConfig['preprocess'], 'resize' | 'shorterSide' | 'centerCrop'>;

const failed = (file: string, failure: Failure): ImageDecodeError => new ImageDecodeError(file, failure.kind, failure.reason);

/**
 * The file is read once into memory and sharp works from the buffer: the header is
 * parsed first, without the pixel limit, so an oversized image is refused with its
 * size before anything is decoded.
 */
export async function decodeImage(file: string, inputSize: readonly [number, number], resizing: Resizing = {}): Promise<DecodedImage> {
  return decodeImageBytes(await readImageFile(file), file, inputSize, resizing);
}

/**
 * decodeImage on bytes already read (a queued audit's worker gets them in its job);
 * `file` names the image in errors. The same pixels as from the file, to the bit.
 */
export async function decodeImageBytes(bytes: Buffer, file: string, [height, width]: readonly [number, number], resizing: Resizing = {}): Promise<DecodedImage> {
  try {
    const header = await sharp(bytes, { pages: 1, limitInputPixels: false }).metadata();
    if (header.width * header.height > MAX_INPUT_PIXELS) throw failed(file, tooLarge(header.width, header.height, MAX_INPUT_PIXELS));
    const original = { width: header.autoOrient.width, height: header.autoOrient.height };
    const mode = resizing.resize;
    const nearModelSize = original.width <= width * JS_RESIZE_MAX_FACTOR && original.height <= height * JS_RESIZE_MAX_FACTOR;
    let pipeline = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', pages: 1 })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb');
    // Large images shrink in libvips (anti-aliased, and JPEGs shrink while decoding),
    // unless the sidecar names a trained resize: that one reads every source pixel.
    if (mode === undefined && !nearModelSize) pipeline = pipeline.resize(width, height, { fit: 'fill', kernel: 'linear' });
    const { data, info } = await pipeline.removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw failed(file, { kind: 'corrupt', reason: `decoded to ${info.channels} channels, expected 3` });
    const decoded = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    if (mode === undefined) return { rgb: resizeRgbBilinear(decoded, width, height), ...original };
    const crop = cropPlan(decoded, resizing);
    if (!crop) return { rgb: resample(decoded, width, height, mode), ...original };
    const resized = resample(decoded, crop.resized.width, crop.resized.height, mode);
    return { rgb: cropRgb(resized, crop.left, crop.top, crop.width, crop.height), ...original };
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    throw failed(file, decoderFailure(error, bytes, MAX_INPUT_PIXELS));
  }
}

/**
 * The image's own pixels, oriented, flattened and in sRGB as decodeImage reads them,
 * at their full size: what an edit (a region filled, a patch pasted) is made on before
 * the model's own resize and crop (modelInput) turn it into what the model takes.
 */
export async function decodeOriginal(file: string): Promise<RgbImage> {
  const bytes = await readImageFile(file);
  try {
    const header = await sharp(bytes, { pages: 1, limitInputPixels: false }).metadata();
    if (header.width * header.height > MAX_INPUT_PIXELS) throw failed(file, tooLarge(header.width, header.height, MAX_INPUT_PIXELS));
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', pages: 1 })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw failed(file, { kind: 'corrupt', reason: `decoded to ${info.channels} channels, expected 3` });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    throw failed(file, decoderFailure(error, bytes, MAX_INPUT_PIXELS));
  }
}

/**
 * Full-size pixels (decodeOriginal's, edited or not) to the model's input, the way
 * decodeImage resizes: the sidecar's trained resize and crop, else bilinear (in libvips
 * for images far larger than the input, as decodeImage does).
 */
export async function modelInput(original: RgbImage, [height, width]: readonly [number, number], resizing: Resizing = {}): Promise<RgbImage> {
  const mode = resizing.resize;
  if (mode === undefined) {
    const nearModelSize = original.width <= width * JS_RESIZE_MAX_FACTOR && original.height <= height * JS_RESIZE_MAX_FACTOR;
    if (nearModelSize) return resizeRgbBilinear(original, width, height);
    const data = await sharp(original.data, { raw: { width: original.width, height: original.height, channels: 3 } })
      .resize(width, height, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
  const crop = cropPlan(original, resizing);
  if (!crop) return resample(original, width, height, mode);
  const resized = resample(original, crop.resized.width, crop.resized.height, mode);
  return cropRgb(resized, crop.left, crop.top, crop.width, crop.height);
}

/** The model-sized pixels alone, for callers that need nothing else. */
export async function decodeRgb(file: string, inputSize: readonly [number, number], resizing: Resizing = {}): Promise<RgbImage> {
  return (await decodeImage(file, inputSize, resizing)).rgb;
}
