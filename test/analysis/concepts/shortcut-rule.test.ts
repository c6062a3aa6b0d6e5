/** The shortcut rule: each arm on its own, the thresholds' edges, and reasons in words. */
import { describe, expect, it } from 'vitest';
import { ERRORS_FIXED_RATE, MIN_ERRORS_TESTED, shortcutVerdict, TRANSPLANT_LOW } from '../../../src/main/analysis/concepts/causal';

const rate = (hits: number, n: number, low = hits / n, high = hits / n) => ({ hits, n, rate: hits / n, low, high });
const gap = (estimate: number, low: number, high: number) => ({ estimate, low, high, n: 100 });

describe('shortcutVerdict', () => {
  it("flags a concept whose removal fixes at least half of the class's errors, tried on 5 or more", () => {
    const none = { transplant: null, accuracyGap: null };
    expect(shortcutVerdict({ ...none, errorsFixed: rate(23, 38), errors: 38, errorsContaining: 38 })).toEqual({ shortcut: true, reasons: ['removing it fixes 23 of 38 errors'] });
    // Every error containing it fixed, but those are few of the class's errors: an object
    // in a few errors (the patch fixture's ring: 6 of 6, of 44).
    expect(shortcutVerdict({ ...none, errorsFixed: rate(6, 6), errors: 44, errorsContaining: 6 }).shortcut).toBe(false);
    expect(shortcutVerdict({ ...none, errorsFixed: rate(38, 38), errors: 44, errorsContaining: 38 }).reasons).toEqual(['removing it fixes 38 of 44 errors']);
    // A sample of the errors containing it: an estimate of the class's share.
    expect(shortcutVerdict({ ...none, errorsFixed: rate(90, 100), errors: 1000, errorsContaining: 800 }).reasons).toEqual([
      "removing it fixes an estimated 72 % of the class's 1000 errors (90 of 100 tried)",
    ]);
    // Too few errors tried, or too few fixed.
    expect(shortcutVerdict({ ...none, errorsFixed: rate(MIN_ERRORS_TESTED - 1, MIN_ERRORS_TESTED - 1), errors: 4, errorsContaining: 4 }).shortcut).toBe(false);
    expect(shortcutVerdict({ ...none, errorsFixed: rate(4, 10), errors: 10, errorsContaining: 10 }).shortcut).toBe(false);
    expect(shortcutVerdict({ ...none, errorsFixed: rate(ERRORS_FIXED_RATE * 10, 10), errors: 10, errorsContaining: 10 }).shortcut).toBe(true);
  });

  it('flags a strong transplant only with an accuracy gap: an object concept turns images too', () => {
    const strong = rate(95, 100, 0.9, 0.99);
    expect(shortcutVerdict({ errorsFixed: null, transplant: strong, accuracyGap: gap(0.01, -0.02, 0.05), errors: 0, errorsContaining: 0 }).shortcut).toBe(false);
    expect(shortcutVerdict({ errorsFixed: null, transplant: strong, accuracyGap: null, errors: 0, errorsContaining: 0 }).shortcut).toBe(false);
    const flagged = shortcutVerdict({ errorsFixed: null, transplant: strong, accuracyGap: gap(0.3, 0.1, 0.5), errors: 0, errorsContaining: 0 });
    expect(flagged.shortcut).toBe(true);
    expect(flagged.reasons[0]).toBe("pasting it turns 95 % [90 %-99 %] of other classes' images into this class, and the images it dominates are 30 % less often right than the rest");
    // The lower bound decides, not the rate.
    expect(shortcutVerdict({ errorsFixed: null, transplant: rate(70, 100, TRANSPLANT_LOW - 0.01, 0.8), accuracyGap: gap(0.3, 0.1, 0.5), errors: 0, errorsContaining: 0 }).shortcut).toBe(false);
  });

  it('gives both reasons when both arms hold, and none when neither does', () => {
    const both = shortcutVerdict({ errorsFixed: rate(8, 10), transplant: rate(9, 10, 0.7, 1), accuracyGap: gap(0.2, 0.05, 0.4), errors: 12, errorsContaining: 10 });
    expect(both.reasons).toHaveLength(2);
    expect(shortcutVerdict({ errorsFixed: null, transplant: null, accuracyGap: null, errors: 0, errorsContaining: 0 })).toEqual({ shortcut: false, reasons: [] });
  });
});
