/**
 * Decodes a batch for the workers on the main thread: sharp runs on libuv's threads,
 * so the next batch decodes while the workers compute the current one.
 */
import path from 'node:path';
import { decodeImage, ImageDecodeError, type DecodedImage, type Resizing } from '../library/decode';
import type { ImageError } from '../store/types';
import { mapWithConcurrency } from '../util/concurrency';
import type { PlanItem } from './plan';
import type { TaskImage } from './worker-protocol';

const DECODE_CONCURRENCY = 4;

export interface DecodedBatch {
  images: TaskImage[];
  /** Paths of `images`, in order, for error reports. */
  paths: string[];
  failures: ImageError[];
}

/** Decodes one item; throws ImageDecodeError for an image that cannot be read or decoded. */
export type ItemDecoder<T extends PlanItem> = (item: T) => Promise<DecodedImage>;

export async function decodeBatch<T extends PlanItem>(
  root: string,
  items: readonly T[],
  inputSize: readonly [number, number],
  resizing: Resizing = {},
  // From the dataset's files by default; a queue worker decodes the bytes its job carries.
  decode: ItemDecoder<T> = (item) => decodeImage(path.join(root, item.path), inputSize, resizing),
): Promise<DecodedBatch> {
  type Outcome = { item: T; decoded: DecodedImage } | { item: T; error: string };
  const outcomes = await mapWithConcurrency(items, DECODE_CONCURRENCY, async (item): Promise<Outcome> => {
    try {
      return { item, decoded: await decode(item) };
    } catch (error) {
      if (!(error instanceof ImageDecodeError)) throw error;
      return { item, error: error.reason };
    }
  });
  const batch: DecodedBatch = { images: [], paths: [], failures: [] };
  for (const outcome of outcomes) {
    const { item } = outcome;
    if ('error' in outcome) {
      batch.failures.push({ path: item.path, contentId: item.contentId, stage: 'decode', reason: outcome.error });
      continue;
    }
    const { rgb, width, height } = outcome.decoded;
    batch.images.push({ contentId: item.contentId, rgb: rgb.data, width, height, regions: item.regions, extraTarget: item.labelIndex });
    batch.paths.push(item.path);
  }
  return batch;
}
