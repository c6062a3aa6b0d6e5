/**
 * Can the maps of an audit be trusted? Two checks on an even sample of its images:
 * - sanity (Adebayo et al. 2018): randomise the model's weights layer by layer from
 *   the output down and follow the Spearman rank correlation of each map with the
 *   original. Maps that explain the model fall apart as it is destroyed; maps that
 *   stay alike show the image, not the model, and cannot be trusted.
 * - faithfulness (Petsiuk et al. 2018): deletion and insertion curves in the map's
 *   order of the pixels against a random order (see engine/faithfulness.ts).
 */
import path from 'node:path';
import type { MethodName } from '../../shared/explain';
import { faithfulnessCurves, initBackend, loadModel, randomizationSanityCheck, type BackendName } from '../engine';
import { explainBatch } from '../engine/explain';
import { decodeRgb } from '../library/decode';
import type { Store } from '../store';

import { SANITY_THRESHOLD } from './sanity-threshold';
import { trustSample, type TrustSample } from './trust-sample';

export { SANITY_THRESHOLD, trustSample, type TrustSample };

export interface TrustReport {
  model: string;
  layer: string;
  method: MethodName;
  images: string[];
  sanity: {
    /** Mean Spearman correlation with the original maps after each cumulative randomisation step. */
    steps: { layer: string; mean: number }[];
    /** The first layer whose randomisation took the correlation under SANITY_THRESHOLD, if any. */
    fellAt: string | null;
    passed: boolean;
  };
  faithfulness: {
    deletionArea: number;
    randomDeletionArea: number;
    insertionArea: number;
    randomInsertionArea: number;
    passed: boolean;
  };
}

export interface TrustOptions {
  datasetId: number;
  modelId: number;
  layer: string;
  method: MethodName;
  /** Images in the sample. */
  sample?: number;
  backend?: BackendName;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;


export async function checkTrust(store: Store, options: TrustOptions): Promise<TrustReport> {
  return trustOfSample(trustSample(store, options), options);
}

/** Runs both checks on a sample with a model of its own (the sanity check overwrites its weights). */
export async function trustOfSample(sample: TrustSample, options: Pick<TrustOptions, 'layer' | 'method' | 'backend'>): Promise<TrustReport> {
  await initBackend(options.backend);
  const model = await loadModel(sample.model);
  try {
    const images = await Promise.all(sample.images.map((image) => decodeRgb(path.join(sample.root, image), model.config.inputSize, model.config.preprocess)));
    const sanity = await randomizationSanityCheck(model, images, { method: options.method, layer: options.layer });
    const steps = sanity.steps.map((s) => ({ layer: s.layer, mean: s.mean }));
    const fell = steps.find((s) => s.mean < SANITY_THRESHOLD);
    const explained = await explainBatch(model, images, { methods: [options.method], layer: options.layer });
    const curves = images.map((image, i) => {
      const { map, target } = explained[i]!.maps[0]!;
      return {
        byMap: faithfulnessCurves(model, image, map, target.index),
        byChance: faithfulnessCurves(model, image, map, target.index, { order: 'random', seed: 17 + i }),
      };
    });
    const faithfulness = {
      deletionArea: mean(curves.map((c) => c.byMap.deletionArea)),
      randomDeletionArea: mean(curves.map((c) => c.byChance.deletionArea)),
      insertionArea: mean(curves.map((c) => c.byMap.insertionArea)),
      randomInsertionArea: mean(curves.map((c) => c.byChance.insertionArea)),
    };
    return {
      model: sample.model,
      layer: options.layer,
      method: options.method,
      images: sample.images,
      sanity: { steps, fellAt: fell?.layer ?? null, passed: (steps.at(-1)?.mean ?? 1) < SANITY_THRESHOLD },
      faithfulness: {
        ...faithfulness,
        passed: faithfulness.deletionArea < faithfulness.randomDeletionArea && faithfulness.insertionArea > faithfulness.randomInsertionArea,
      },
    };
  } finally {
    model.network.dispose();
  }
}
