import { describe, expect, it } from 'vitest';
import { fewestCellsHolding, fewestLargestReaching } from '../../src/main/analysis/half-mass';
import { seededRandom } from './helpers';

/** The plain way: sort, largest first, count until the share is reached. */
function bySorting(values: Float32Array, share: number): number {
  const sorted = Array.from(values).sort((a, b) => b - a);
  const need = share * sorted.reduce((sum, v) => sum + v, 0);
  let cells = 0;
  for (let sum = 0; sum < need && cells < sorted.length; cells++) sum += sorted[cells]!;
  return cells;
}

const sum = (values: Float32Array) => values.reduce((total, v) => total + v, 0);
const max = (values: Float32Array) => values.reduce((largest, v) => Math.max(largest, v), 0);

describe('fewestCellsHolding', () => {
  it('agrees with sorting on smooth, skewed, tied and sparse values', () => {
    const random = seededRandom(9);
    const kinds: ((i: number) => number)[] = [
      () => random(),
      () => random() ** 8,
      () => Math.floor(random() * 3),
      () => (random() < 0.02 ? random() : 0),
      (i) => Math.exp(-(((i % 160) - 80) ** 2 + (Math.floor(i / 160) - 60) ** 2) / 400),
    ];
    for (const kind of kinds) {
      for (const length of [1, 2, 7, 1000, 25600]) {
        const values = Float32Array.from({ length }, (_, i) => kind(i));
        // Not a share of 1: cells under a billionth of the total are left out by design.
        for (const share of [0.1, 0.5, 0.9, 0.999]) {
          expect(fewestCellsHolding(values, sum(values), max(values), share)).toBe(bySorting(values, share));
        }
      }
    }
  });

  it('a flat map of 2n cells needs exactly n, rounding notwithstanding', () => {
    const values = new Float32Array(25600).fill(0.1);
    expect(fewestCellsHolding(values, sum(values), 0.1, 0.5)).toBe(12800);
  });

  it('needs no cells when there is no mass', () => {
    expect(fewestCellsHolding(new Float32Array(10), 0, 0, 0.5)).toBe(0);
  });

  it('leaves its input in place', () => {
    const values = Float32Array.from([3, 1, 2]);
    fewestCellsHolding(values, 6, 3, 0.5);
    expect(Array.from(values)).toEqual([3, 1, 2]);
  });
});

describe('fewestLargestReaching', () => {
  it('counts every value when they never reach the need', () => {
    expect(fewestLargestReaching(Float32Array.from([1, 2, 3]), 10)).toBe(3);
  });

  it('takes as few of many equal values as it must', () => {
    expect(fewestLargestReaching(Float32Array.from([5, 1, 1, 1, 1, 1]), 7)).toBe(3);
  });
});
