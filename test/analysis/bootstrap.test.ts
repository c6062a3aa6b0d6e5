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
    const gap = gapInterval({ yes: 60, n: 60 }, { yes: 7, n: 60 });
    const referenceGap = arrayBootstrap(
      [
        { yes: 60, n: 60 },
        { yes: 7, n: 60 },
      ],
      ([a, b]) => a! - b!,
    );
    expect(gap.estimate).toBeCloseTo(1 - 7 / 60);
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

  it('gives a point interval at the ends of the scale and narrows with n', () => {
    expect(shareInterval(60, 60)).toMatchObject({ estimate: 1, low: 1, high: 1 });
    expect(shareInterval(0, 10)).toMatchObject({ low: 0, high: 0 });
    const small = shareInterval(10, 20);
    const large = shareInterval(500, 1000);
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 4);
  });

  it('refuses what is not a count, and interpolates quantiles', () => {
    expect(() => shareInterval(3, 0)).toThrow(/at least one outcome, got n = 0/);
    expect(() => shareInterval(4, 3)).toThrow(/4 successes out of 3 is not a count/);
    expect(() => shareInterval(1, 3, { level: 1 })).toThrow(/level must be between 0 and 1, got 1/);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5], 0.975)).toBe(5);
  });
});
