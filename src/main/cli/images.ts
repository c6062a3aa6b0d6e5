/**
 * Reads the images of one command: each decoded and resized to the model's input,
 * or the reason it could not be, so one bad file never stops the others.
 */
import { decodeImage, ImageDecodeError, type Resizing } from '../library/decode';
import type { RgbImage } from '../engine/preprocess';
import { mapWithConcurrency } from '../util/concurrency';

/** Decodes in flight at once: sharp works on libuv's threads (4 by default). */
export const DECODE_CONCURRENCY = 4;

export interface DecodedImage {
  path: string;
  rgb: RgbImage;
}
export interface UnreadableImage {
  path: string;
  /** Why, in a few words: "file not found", "permission denied", "not an image, ...". */
  error: string;
}
export type ReadImage = DecodedImage | UnreadableImage;

export const isDecoded = (image: ReadImage): image is DecodedImage => 'rgb' in image;

export async function readImage(file: string, inputSize: readonly [number, number], resizing: Resizing = {}): Promise<ReadImage> {
  try {
    return { path: file, rgb: (await decodeImage(file, inputSize, resizing)).rgb };
  } catch (error) {
    if (error instanceof ImageDecodeError) return { path: file, error: error.reason };
    throw error;
  }
}

export function readImages(files: readonly string[], inputSize: readonly [number, number], resizing: Resizing = {}): Promise<ReadImage[]> {
  return mapWithConcurrency(files, DECODE_CONCURRENCY, (file) => readImage(file, inputSize, resizing));
}
