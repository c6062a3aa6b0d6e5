/**
 * Deletion and insertion curves (Petsiuk et al. 2018, "RISE"): pixels are removed from
 * the image (deletion) or revealed on a blank one (insertion) in order of the map's
 * importance, a fixed share per step, and the explained class's probability is read
 * at every step. A faithful map makes the probability fall fast when deleting and
 * rise fast when inserting: a small deletion area, a large insertion area, both
 * better than the same curves for a random order of the pixels.
 */
import type { MapData } from '../../shared/explain';
import { upsampleBilinear } from '../../shared/heatmap';
import { tf } from './tf';
import type { LoadedModel } from './model/load';
import { toInputTensor, type RgbImage } from './preprocess';

export interface FaithfulnessOptions {
  /** Steps from none of the pixels to all of them. */
  steps?: number;
  /** 'map' orders pixels by the map, most important first; 'random' is the baseline. */
  order?: 'map' | 'random';
  seed?: number;
}

export interface FaithfulnessCurves {
  /** Share of pixels removed or revealed at each point, 0..1. */
  shares: number[];
  deletion: number[];
  insertion: number[];
  /** Areas under the curves (trapezoid rule over shares 0..1). */
  deletionArea: number;
  insertionArea: number;
}

/** Pixel indices, most important first, or shuffled (deterministically, by seed). */
function pixelOrder(map: MapData, width: number, height: number, options: FaithfulnessOptions): Int32Array {
  const count = width * height;
  const order = Int32Array.from({ length: count }, (_, i) => i);
  if (options.order === 'random') {
    let state = (options.seed ?? 7) >>> 0;
    const next = () => {
      // mulberry32: small, fast and good enough to shuffle pixels.
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }
  const values = upsampleBilinear(map, width, height).data;
  return order.sort((a, b) => values[b]! - values[a]!);
}

function area(shares: readonly number[], values: readonly number[]): number {
  let sum = 0;
  for (let i = 1; i < shares.length; i++) sum += ((values[i]! + values[i - 1]!) / 2) * (shares[i]! - shares[i - 1]!);
  return sum;
}

/** Probability of `target` for each image of the batch. */
function probabilities(model: LoadedModel, images: readonly RgbImage[], target: number): number[] {
  return tf.tidy(() => {
    const probs = tf.softmax(model.network.logits(toInputTensor(images, model.config)));
    return Array.from(probs.slice([0, target], [images.length, 1]).dataSync());
  });
}

/**
 * Both curves for one image (at the model's input size) and one map of `target`. The
 * blank image is the image's mean colour, so deleting adds no edges of its own.
 */
export function faithfulnessCurves(model: LoadedModel, image: RgbImage, map: MapData, target: number, options: FaithfulnessOptions = {}): FaithfulnessCurves {
  const steps = options.steps ?? 16;
  const { width, height, data } = image;
  const pixels = width * height;
  const order = pixelOrder(map, width, height, options);
  const mean = [0, 1, 2].map((c) => {
    let sum = 0;
    for (let i = 0; i < pixels; i++) sum += data[i * 3 + c]!;
    return Math.round(sum / pixels);
  });
  const shares = Array.from({ length: steps + 1 }, (_, s) => s / steps);
  const deleted: RgbImage[] = [];
  const inserted: RgbImage[] = [];
  for (const share of shares) {
    const k = Math.round(share * pixels);
    const del = Uint8Array.from(data);
    const ins = new Uint8Array(pixels * 3);
    for (let i = 0; i < pixels; i++) for (let c = 0; c < 3; c++) ins[i * 3 + c] = mean[c]!;
    for (let r = 0; r < k; r++) {
      const p = order[r]!;
      for (let c = 0; c < 3; c++) {
        del[p * 3 + c] = mean[c]!;
        ins[p * 3 + c] = data[p * 3 + c]!;
      }
    }
    deleted.push({ width, height, data: del });
    inserted.push({ width, height, data: ins });
  }
  const deletion = probabilities(model, deleted, target);
  const insertion = probabilities(model, inserted, target);
  return { shares, deletion, insertion, deletionArea: area(shares, deletion), insertionArea: area(shares, insertion) };
}
