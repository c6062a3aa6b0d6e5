/**
 * Which images the trust checks run on, chosen from the store. Apart from the checks
 * (trust-check.ts), which load the model: choosing needs no TensorFlow.js.
 */
import type { Store } from '../store';

/** The images checked: an even sample of the dataset's usable images, as absolute files. */
export interface TrustSample {
  model: string;
  root: string;
  /** Paths relative to the root. */
  images: string[];
}

/** Chooses the sample from the store; the checks themselves need no store (they run on a worker in the app). */
export function trustSample(store: Store, options: { datasetId: number; modelId: number; sample?: number }): TrustSample {
  const modelRow = store.model(options.modelId);
  const dataset = store.dataset(options.datasetId);
  if (!modelRow || !dataset) throw new Error(`no model ${options.modelId} or dataset ${options.datasetId} in the database`);
  const errors = new Set(store.errors(options.datasetId).map((e) => e.path));
  const usable = store.listImages(options.datasetId).filter((image) => !errors.has(image.path));
  if (usable.length === 0) throw new Error('the dataset has no image to check');
  const size = Math.min(options.sample ?? 8, usable.length);
  const step = usable.length / size;
  const chosen = Array.from({ length: size }, (_, i) => usable[Math.floor(i * step)]!);
  return { model: modelRow.path, root: dataset.root, images: chosen.map((image) => image.path) };
}
