/**
 * How concentrated a map is: the fewest cells that together hold a share of its
 * mass, largest cells first. Sorting every cell of every map would cost more than
 * all the other statistics together, so a histogram of the values finds the one
 * bucket where the running sum crosses the share, and only that bucket's cells
 * are ordered, by a quickselect.
 */

/** Enough buckets that the crossing bucket of a smooth map holds a few dozen cells. */
const BUCKETS = 1024;

/**
 * The smallest k such that the k largest values sum to at least `share` of
 * `total` (the sum of `values`). Values must be non-negative; `largest` is their
 * maximum.
 */
export function fewestCellsHolding(values: Float32Array, total: number, largest: number, share: number): number {
  // The sums here run in a different order than the caller's total: a set that
  // reaches the share up to rounding (a billionth) counts as reaching it, so a
  // flat map of 2n cells needs n cells, not n + 1.
  let need = share * total * (1 - 1e-9);
  if (!(need > 0 && largest > 0)) return 0;
  const scale = BUCKETS / largest;
  const counts = new Int32Array(BUCKETS);
  const sums = new Float64Array(BUCKETS);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const bucket = Math.min(BUCKETS - 1, (v * scale) | 0);
    counts[bucket]++;
    sums[bucket] += v;
  }
  let taken = 0;
  let crossing = BUCKETS - 1;
  for (; crossing > 0 && sums[crossing]! < need; crossing--) {
    need -= sums[crossing]!;
    taken += counts[crossing]!;
  }
  // Within the crossing bucket the order matters: gather it (same bucket
  // expression, so the same cells) and select exactly.
  const inBucket = new Float32Array(counts[crossing]!);
  for (let i = 0, n = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Math.min(BUCKETS - 1, (v * scale) | 0) === crossing) inBucket[n++] = v;
  }
  return taken + fewestLargestReaching(inBucket, need);
}

/**
 * The smallest k such that the k largest values sum to at least `need` (or all
 * of them when they never do). Reorders `values` in place. Linear expected time.
 */
export function fewestLargestReaching(values: Float32Array, need: number): number {
  if (!(need > 0)) return 0;
  let lo = 0;
  let hi = values.length;
  let taken = 0;
  while (lo < hi) {
    const pivot = medianOfThree(values[lo]!, values[(lo + hi) >>> 1]!, values[hi - 1]!);
    // Three-way partition of [lo, hi): [lo, greaterEnd) > pivot, then == pivot,
    // then [lessStart, hi) < pivot. Equal runs are common (flat maps, zeros) and a
    // two-way partition would degrade to quadratic on them.
    let greaterEnd = lo;
    let lessStart = hi;
    let greaterSum = 0;
    for (let i = lo; i < lessStart; ) {
      const v = values[i]!;
      if (v > pivot) {
        values[i] = values[greaterEnd]!;
        values[greaterEnd] = v;
        greaterEnd++;
        i++;
        greaterSum += v;
      } else if (v < pivot) {
        lessStart--;
        values[i] = values[lessStart]!;
        values[lessStart] = v;
      } else {
        i++;
      }
    }
    if (greaterSum >= need) {
      hi = greaterEnd;
      continue;
    }
    const equalCount = lessStart - greaterEnd;
    if (greaterSum + equalCount * pivot >= need) {
      // pivot > 0 here: a zero pivot adds nothing, and greaterSum alone fell short.
      const fromEqual = Math.min(equalCount, Math.ceil((need - greaterSum) / pivot));
      return taken + (greaterEnd - lo) + fromEqual;
    }
    need -= greaterSum + equalCount * pivot;
    taken += lessStart - lo;
    lo = lessStart;
  }
  // Only reached when the values never reach `need` (rounding, or a bad total).
  return taken;
}

function medianOfThree(a: number, b: number, c: number): number {
  const low = Math.min(a, b);
  const high = Math.max(a, b);
  return Math.max(low, Math.min(high, c));
}
