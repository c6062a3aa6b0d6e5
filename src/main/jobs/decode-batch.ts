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

export async function decodeBatch(
  root: string,
  items: readonly PlanItem[],
  inputSize: readonly [number, number],
  resizing: Resizing = {},
): Promise<DecodedBatch> {
  type Outcome = { item: PlanItem; decoded: DecodedImage } | { item: PlanItem; error: string };
  const outcomes = await mapWithConcurrency(items, DECODE_CONCURRENCY, async (item): Promise<Outcome> => {
    try {
      const decoded = await decodeImage(path.join(root, item.path), inputSize, resizing);
      return { item, decoded };
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
