/**
 * Normalised Shannon entropy of a map: how spread its mass is, 0 for one hot
 * cell and 1 for a flat map whatever the number of cells.
 *
 * It takes one logarithm per cell, and Math.log made up a third of the attention
 * statistics' time; the cells are float32, so their exponent is read from the
 * bits and only the mantissa's logarithm is computed, by a short series, in
 * about half the time.
 */

const LN2 = Math.LN2;
const MANTISSA_SCALE = 2 ** -23;

/** Entropy of values / total (values non-negative, summing to total) divided by log(cells). */
export function normalisedEntropy(values: Float32Array, total: number): number {
  // One cell is as concentrated as it is flat; call it concentrated rather than 0/0.
  if (values.length < 2 || !(total > 0)) return 0;
  const bits = new Int32Array(values.buffer, values.byteOffset, values.length);
  // -sum p log p with p = v / total is log(total) - sum(v log v) / total.
  let weighted = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0) weighted += v * float32Log(v, bits[i]!);
  }
  const entropy = Math.log(total) - weighted / total;
  // Rounding can push a flat map a hair past 1 or a single hot cell below 0.
  return Math.min(1, Math.max(0, entropy / Math.log(values.length)));
}

/**
 * Natural logarithm of a positive float32 `value` whose IEEE bits are `bits`,
 * within 1e-12: exponent * ln 2 plus the logarithm of the mantissa, itself
 * brought into [sqrt(1/2), sqrt(2)) where the atanh series converges fast.
 */
export function float32Log(value: number, bits: number): number {
  const biased = (bits >>> 23) & 0xff;
  // Subnormals have no implicit leading 1: rare enough to take the slow road.
  if (biased === 0) return Math.log(value);
  const fraction = bits & 0x7fffff;
  // 1 when the mantissa is at least sqrt(2) (fraction bits 0x3504f3), else 0. Arithmetic
  // rather than a branch: on real maps that comparison is a coin toss the CPU mispredicts.
  const halve = (fraction + (0x800000 - 0x3504f3)) >>> 23;
  const exponent = biased - 127 + halve;
  const mantissa = (1 + fraction * MANTISSA_SCALE) * (1 - 0.5 * halve);
  // log m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), s = (m - 1) / (m + 1), |s| < 0.172.
  const s = (mantissa - 1) / (mantissa + 1);
  const s2 = s * s;
  const series = 1 + s2 * (1 / 3 + s2 * (1 / 5 + s2 * (1 / 7 + s2 * (1 / 9 + s2 * (1 / 11 + s2 / 13)))));
  return exponent * LN2 + 2 * s * series;
}
