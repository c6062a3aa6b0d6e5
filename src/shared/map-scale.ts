/**
 * How a map's values become colours, honestly. Raw Grad-CAM values compare across a
 * dataset: a map coloured by its own maximum turns a map with almost no evidence (a
 * peak of 0.004 where others reach 0.5) into the same red wash as a confident one. So
 * maps are coloured against a shared scale by default, and maps that point nowhere
 * are called flat and painted as nothing.
 * Pure: the renderer, the workspace and the report use the same rules.
 */
import { normalisedEntropy } from './entropy';

/** `dataset`: one scale for every map of the audit; `class`: one per explained class; `image`: each map its own maximum. */
export const SCALE_MODES = ['dataset', 'class', 'image'] as const;
export type ScaleMode = (typeof SCALE_MODES)[number];

/**
 * The shared scale is this quantile of the maps' maxima, not their largest: one
 * outlier map would otherwise fade every other map; above it, colours clamp to the top.
 */
export const SCALE_QUANTILE = 0.99;

/** A map whose smallest cell is at least this share of its largest has no place it points to. */
export const FLAT_SHARE = 0.8;

/**
 * Nor has a map whose mass is spread this evenly: the normalised entropy of its cells
 * (1 = uniform). On the demo the maps of the class the model has no evidence for sit at
 * 0.996 (their cells vary, 0.25 to 1 of the peak, but everywhere at once), while maps
 * that point at something stay under 0.91, even for a class the image is not.
 */
export const FLAT_ENTROPY = 0.99;

/** Flat: nothing positive, every cell within FLAT_SHARE of the largest, or mass spread evenly (FLAT_ENTROPY). */
export function isFlatMap(values: ArrayLike<number>): boolean {
  const cells = Float32Array.from(values, (v) => Math.max(v, 0));
  let min = Infinity;
  let max = 0;
  let total = 0;
  for (const v of cells) {
    if (v < min) min = v;
    if (v > max) max = v;
    total += v;
  }
  if (!(max > 0) || min >= FLAT_SHARE * max) return true;
  return normalisedEntropy(cells, total) >= FLAT_ENTROPY;
}

/** The SCALE_QUANTILE of ascending maxima (nearest rank), or null when none is positive. */
export function scaleOfSortedMaxima(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const value = sorted[Math.min(sorted.length - 1, Math.floor(SCALE_QUANTILE * (sorted.length - 1)))]!;
  return value > 0 ? value : null;
}

/** The scales of one audit's shown maps: one for all, and one per explained class (by name). */
export interface MapScales {
  dataset: number | null;
  byClass: Readonly<Record<string, number | null>>;
}

/** The value painted at the top colour for a map explaining `target`; null means the map's own maximum. */
export function scaleFor(mode: ScaleMode, scales: MapScales | null, target: string | null): number | null {
  if (mode === 'image' || !scales) return null;
  if (mode === 'class' && target !== null) return scales.byClass[target] ?? scales.dataset;
  return scales.dataset;
}
