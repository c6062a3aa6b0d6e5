/**
 * How well a clustering of images agrees with a known truth about them (e.g. "the map
 * sits on the cue" vs "on the object"): the measures region-free methods are judged by.
 * Homogeneity asks whether each cluster holds one truth only (splitting a truth into
 * several clusters costs nothing); the adjusted Rand index asks whether the two
 * partitions pair images the same way (0 is chance, 1 identical); the majority count is
 * the plain-words figure: images whose cluster's most common truth is their own.
 */
import { adjustedRandIndex } from './spray';

export { adjustedRandIndex };

export interface Agreement {
  images: number;
  clusters: number;
  homogeneity: number;
  ari: number;
  /** Images whose cluster's most common truth is their own. */
  majority: number;
}

function counts<T>(values: readonly T[]): Map<T, number> {
  const out = new Map<T, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}

function checkLengths(truth: readonly unknown[], clusters: readonly unknown[]): void {
  if (truth.length !== clusters.length) throw new Error(`cluster agreement: ${truth.length} truths for ${clusters.length} cluster labels`);
}

/** Truth per cluster: how many of each truth every cluster holds. */
function contingency<T>(truth: readonly T[], clusters: readonly number[]): Map<number, Map<T, number>> {
  const table = new Map<number, Map<T, number>>();
  truth.forEach((t, i) => {
    const row = table.get(clusters[i]!) ?? new Map<T, number>();
    row.set(t, (row.get(t) ?? 0) + 1);
    table.set(clusters[i]!, row);
  });
  return table;
}

/**
 * 1 - H(truth | cluster) / H(truth) (Rosenberg and Hirschberg's V-measure homogeneity).
 * A truth with one value leaves nothing to separate: 1 by convention, as scikit-learn.
 */
export function homogeneity<T>(truth: readonly T[], clusters: readonly number[]): number {
  checkLengths(truth, clusters);
  const n = truth.length;
  if (n === 0) return 1;
  let entropy = 0;
  for (const c of counts(truth).values()) entropy -= (c / n) * Math.log(c / n);
  if (entropy <= 0) return 1;
  let conditional = 0;
  for (const row of contingency(truth, clusters).values()) {
    const size = [...row.values()].reduce((a, b) => a + b, 0);
    for (const c of row.values()) conditional -= (c / n) * Math.log(c / size);
  }
  return Math.max(0, 1 - conditional / entropy);
}

/** Images whose cluster's most common truth is their own (ties: the truth seen first in the cluster). */
export function majorityAgreement<T>(truth: readonly T[], clusters: readonly number[]): number {
  checkLengths(truth, clusters);
  let agree = 0;
  for (const row of contingency(truth, clusters).values()) agree += Math.max(...row.values());
  return agree;
}

/** Homogeneity, adjusted Rand index and majority count of a clustering against a truth. */
export function clusterAgreement<T>(truth: readonly T[], clusters: readonly number[]): Agreement {
  checkLengths(truth, clusters);
  const ids = new Map<T, number>();
  const truthIds = truth.map((t) => {
    if (!ids.has(t)) ids.set(t, ids.size);
    return ids.get(t)!;
  });
  return {
    images: truth.length,
    clusters: new Set(clusters).size,
    homogeneity: homogeneity(truth, clusters),
    ari: truth.length < 2 ? 1 : adjustedRandIndex(truthIds, clusters),
    majority: majorityAgreement(truth, clusters),
  };
}
