/**
 * Repeated timing with warm-up, summarised by the median (robust to a stray GC
 * pause). Cases that are compared with each other run interleaved, one round of
 * each at a time, so a change in background load during the run affects every
 * case alike instead of skewing their ratios.
 */

export interface Timing {
  /** Median of the timed runs, in milliseconds. */
  medianMs: number;
  runsMs: number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function timeOnce(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export interface RepetitionPolicy {
  /** Untimed rounds first: the first call of a shape compiles kernels and allocates. */
  warmups: number;
  minReps: number;
  maxReps: number;
  /** Rounds stop adding up beyond this, so slow cases take fewer repetitions. */
  budgetMs: number;
}

/** Times every function in `cases` round by round; returns a Timing per key. */
export function measureInterleaved<K extends string>(cases: Record<K, () => void>, policy: RepetitionPolicy): Record<K, Timing> {
  const keys = Object.keys(cases) as K[];
  let roundMs = 0;
  for (let i = 0; i < policy.warmups; i++) roundMs = keys.reduce((sum, key) => sum + timeOnce(cases[key]), 0);
  const reps = Math.max(policy.minReps, Math.min(policy.maxReps, Math.floor(policy.budgetMs / Math.max(roundMs, 1))));
  const runs = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < reps; r++) for (const key of keys) runs[key].push(timeOnce(cases[key]));
  return Object.fromEntries(keys.map((key) => [key, { medianMs: median(runs[key]), runsMs: runs[key] }])) as Record<K, Timing>;
}
