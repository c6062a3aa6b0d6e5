/**
 * Reads the images of one command: each decoded and resized to the model's input,
 * or the reason it could not be, so one bad file never stops the others.
 */
import { stat } from 'node:fs/promises';
import { decodeRgb, ImageDecodeError } from '../library/decode';
import type { RgbImage } from '../engine/preprocess';
import { mapWithConcurrency } from './concurrency';

/** Decodes in flight at once: sharp works on libuv's threads (4 by default). */
export const DECODE_CONCURRENCY = 4;

export interface DecodedImage {
  path: string;
  rgb: RgbImage;
}
export interface UnreadableImage {
  path: string;
  /** Why, in a few words: "file not found", "not an image, ...". */
  error: string;
}
export type ReadImage = DecodedImage | UnreadableImage;

export const isDecoded = (image: ReadImage): image is DecodedImage => 'rgb' in image;

/** Why a path is not a readable file, or null if it is. */
async function fileProblem(file: string): Promise<string | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? null : 'not a file';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'file not found';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    return `cannot read the file (${code ?? (error as Error).message})`;
  }
}

function decodeProblem(error: ImageDecodeError, file: string): string {
  const prefix = `${file}: `;
  const reason = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  if (/unsupported image format/.test(reason)) return 'not an image, or in a format that cannot be decoded';
  return `cannot decode the image: ${reason}`;
}

export async function readImage(file: string, inputSize: readonly [number, number]): Promise<ReadImage> {
  const problem = await fileProblem(file);
  if (problem) return { path: file, error: problem };
  try {
    return { path: file, rgb: await decodeRgb(file, inputSize) };
  } catch (error) {
    if (error instanceof ImageDecodeError) return { path: file, error: decodeProblem(error, file) };
    throw error;
  }
}

export function readImages(files: readonly string[], inputSize: readonly [number, number]): Promise<ReadImage[]> {
  return mapWithConcurrency(files, DECODE_CONCURRENCY, (file) => readImage(file, inputSize));
}
