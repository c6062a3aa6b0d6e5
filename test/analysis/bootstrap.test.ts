import { describe, expect, it } from 'vitest';
import { gapInterval, quantile, shareInterval } from '../../src/main/analysis/bootstrap';
import { arrayBootstrap } from './array-bootstrap';

describe('bootstrap intervals', () => {
  it('agree with an array-resampling bootstrap on the same seed', () => {
    const share = shareInterval(7, 60);
    expect(share.estimate).toBeCloseTo(7 / 60);
    const reference = arrayBootstrap([{ yes: 7, n: 60 }], ([p]) => p!);
    expect(share.low).toBeCloseTo(reference.low, 10);
    expect(share.high).toBeCloseTo(reference.high, 10);
    const gap = gapInterval({ yes: 50, n: 60 }, { yes: 7, n: 60 });
    const referenceGap = arrayBootstrap(
      [
        { yes: 50, n: 60 },
        { yes: 7, n: 60 },
      ],
      ([a, b]) => a! - b!,
    );
    expect(gap.estimate).toBeCloseTo(43 / 60);
    expect(gap.low).toBeCloseTo(referenceGap.low, 10);
    expect(gap.high).toBeCloseTo(referenceGap.high, 10);
  });

  it('covers about what a Wilson interval covers, and is the same on every run', () => {
    // Wilson score interval for 7/60: 5.8 % to 22.2 %.
    const share = shareInterval(7, 60);
    expect(share.low).toBeGreaterThan(0.03);
    expect(share.low).toBeLessThan(0.07);
    expect(share.high).toBeGreaterThan(0.19);
    expect(share.high).toBeLessThan(0.24);
    expect(shareInterval(7, 60)).toEqual(share);
  });

  it('takes the exact bound at the ends of the scale, and narrows with n', () => {
    // Nothing to resample: the exact binomial bound at the degenerate end (Clopper-Pearson).
    expect(shareInterval(60, 60)).toMatchObject({ estimate: 1, high: 1 });
    expect(shareInterval(60, 60).low).toBeCloseTo(0.9404, 4);
    expect(shareInterval(0, 10)).toMatchObject({ low: 0 });
    expect(shareInterval(0, 10).high).toBeCloseTo(1 - 0.025 ** 0.1, 10);
    const sure = gapInterval({ yes: 60, n: 60 }, { yes: 0, n: 60 });
    expect(sure.high).toBe(1);
    // Both groups at an end: the worst case of both exact bounds, 94.0 % right against 6.0 %.
    expect(sure.low).toBeCloseTo(2 * 0.025 ** (1 / 60) - 1, 10);
    const small = shareInterval(10, 20);
    const large = shareInterval(500, 1000);
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 4);
  });

  it('draws large groups from the binomial distribution of their count: the normal interval, in milliseconds', () => {
    for (const [yes, n] of [
      [50_000, 100_000],
      [1_100, 1_200],
      [30, 100_000],
    ] as const) {
      const started = performance.now();
      const i = shareInterval(yes, n);
      expect(performance.now() - started).toBeLessThan(500);
      const p = yes / n;
      const half = 1.96 * Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(i.low - (p - half))).toBeLessThan(half * 0.1);
      expect(Math.abs(i.high - (p + half))).toBeLessThan(half * 0.1);
    }
    const gap = gapInterval({ yes: 9_000, n: 10_000 }, { yes: 8_000, n: 10_000 });
    const half = 1.96 * Math.sqrt((0.9 * 0.1) / 10_000 + (0.8 * 0.2) / 10_000);
    expect(gap.low).toBeCloseTo(0.1 - half, 2);
    expect(gap.high).toBeCloseTo(0.1 + half, 2);
  });

  it('refuses what is not a count, and interpolates quantiles', () => {
    expect(() => shareInterval(3, 0)).toThrow(/at least one outcome, got n = 0/);
    expect(() => shareInterval(4, 3)).toThrow(/4 successes out of 3 is not a count/);
    expect(() => shareInterval(1, 3, { level: 1 })).toThrow(/level must be between 0 and 1, got 1/);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5], 0.975)).toBe(5);
  });
});
