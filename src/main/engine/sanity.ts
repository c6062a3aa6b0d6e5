/**
 * Model-randomisation sanity check (Adebayo et al. 2018, "Sanity Checks for
 * Saliency Maps"): re-initialise the weights layer by layer from the output down,
 * cumulatively, and measure how similar each map stays to the original. A method
 * that explains the model must change as the model is destroyed; one that stays
 * the same is an edge detector.
 */
import type { MethodName } from '../../shared/explain';
import { spearman } from '../../shared/stats';
import type { LoadedModel } from './model/load';
import type { RgbImage } from './preprocess';
import { explainBatch } from './explain';

export interface RandomizationStep {
  /** The layer randomised at this step (all layers above it stay randomised). */
  layer: string;
  /** Spearman rank correlation with the original map, per image. */
  spearman: number[];
  mean: number;
}

export interface SanityCheckResult {
  method: MethodName;
  layer: string;
  steps: RandomizationStep[];
}

export interface SanityCheckOptions {
  method?: MethodName;
  layer?: string;
  /** How many weighted layers to randomise, output side first; all when absent. */
  depth?: number;
  seed?: number;
}

export async function randomizationSanityCheck(
  model: LoadedModel,
  images: readonly RgbImage[],
  options: SanityCheckOptions = {},
): Promise<SanityCheckResult> {
  const method = options.method ?? 'gradcam';
  const layer = options.layer ?? model.defaultLayer;
  const original = await explainBatch(model, images, { methods: [method], layer });
  // Explain the originally predicted class throughout, so only the weights change.
  const classesPerImage = original.map((e) => [e.maps[0]!.target.index]);
  const layers = model.network.weightedLayers().slice(0, options.depth);
  const restores: (() => void)[] = [];
  const steps: RandomizationStep[] = [];
  try {
    for (const [i, name] of layers.entries()) {
      restores.push(model.network.randomizeLayer(name, (options.seed ?? 1234) + 101 * i));
      const randomized = await explainBatch(model, images, { methods: [method], layer, classesPerImage });
      const rho = randomized.map((e, b) => spearman(original[b]!.maps[0]!.map.data, e.maps[0]!.map.data));
      steps.push({ layer: name, spearman: rho, mean: rho.reduce((s, v) => s + v, 0) / rho.length });
    }
  } finally {
    for (const restore of restores.reverse()) restore();
  }
  return { method, layer, steps };
}
