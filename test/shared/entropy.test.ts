import { describe, expect, it } from 'vitest';
import { float32Log, normalisedEntropy } from '../../src/shared/entropy';
import { seededRandom } from '../analysis/helpers';

function logOf(value: number): number {
  const single = Float32Array.of(value);
  return float32Log(single[0]!, new Int32Array(single.buffer)[0]!);
}

describe('float32Log', () => {
  it('matches Math.log to 1e-12 across the float32 range, subnormals and mantissa edges included', () => {
    const random = seededRandom(1);
    const values = [1e-45, 1e-40, 1.1754942e-38, 1.17549435e-38, 0.5, 1, Math.SQRT2, Math.fround(Math.SQRT2), 2, 3.4e38];
    for (let i = 0; i < 10_000; i++) values.push(Math.exp((random() - 0.5) * 170));
    for (const value of values) {
      const single = Math.fround(value);
      expect(Math.abs(logOf(single) - Math.log(single))).toBeLessThan(1e-12 * Math.max(1, Math.abs(Math.log(single))));
    }
  });
});

describe('normalisedEntropy', () => {
  it('is 0 for one hot cell, 1 for a flat map, 1/2 for two cells of four', () => {
    expect(normalisedEntropy(Float32Array.from([0, 3, 0, 0]), 3)).toBe(0);
    expect(normalisedEntropy(new Float32Array(100).fill(0.3), 0.3 * 100)).toBeCloseTo(1, 12);
    expect(normalisedEntropy(Float32Array.from([2, 0, 2, 0]), 4)).toBeCloseTo(0.5, 12);
  });

  it('is 0 for a single cell or no mass', () => {
    expect(normalisedEntropy(Float32Array.of(1), 1)).toBe(0);
    expect(normalisedEntropy(new Float32Array(4), 0)).toBe(0);
  });
});
