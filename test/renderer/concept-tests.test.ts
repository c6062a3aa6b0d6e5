/** How the Concepts view words the causal tests and orders flagged concepts first. */
import { describe, expect, it } from 'vitest';
import { errorsFixedText, flaggedFirst, rateText, testCost } from '../../src/renderer/src/components/concepts/concept-tests';
import type { ConceptTest, ConceptView } from '../../src/shared/concepts';

const rate = (hits: number, n: number, low: number, high: number) => ({ hits, n, rate: hits / n, low, high });

describe('the causal tests in words', () => {
  it('says the cost, a rate with its interval, and errors fixed of all the errors when fewer were tested', () => {
    expect(testCost({ flips: 100, errors: 100, transplant: 100 })).toBe('300 images per concept');
    expect(rateText(rate(71, 100, 0.625, 0.78))).toBe('71% [63%–78%]');
    expect(errorsFixedText({ errorsFixed: rate(36, 48, 0.6, 0.87), errors: 48, errorsContaining: 48 })).toBe('36 of 48 (75% [60%–87%])');
    expect(errorsFixedText({ errorsFixed: rate(6, 6, 0.61, 1), errors: 44, errorsContaining: 6 })).toBe('6 of 44 errors (6 contain it: 100% [61%–100%])');
    expect(errorsFixedText({ errorsFixed: rate(30, 100, 0.21, 0.39), errors: 250, errorsContaining: 200 })).toBe('30 of 100 tried, 200 of 250 errors contain it (30% [21%–39%])');
    expect(errorsFixedText({ errorsFixed: null, errors: 0, errorsContaining: 0 })).toBe('no error to fix');
    expect(errorsFixedText({ errorsFixed: null, errors: 7, errorsContaining: 0 })).toBe('none tested of 7 errors');
  });

  it('puts flagged concepts first, each group in the fit order', () => {
    const test = (shortcut: boolean): ConceptTest => ({ flips: null, errorsFixed: null, errors: 0, errorsContaining: 0, transplant: null, notes: [], shortcut, reasons: [] });
    const concept = (index: number, t: ConceptTest | null) => ({ index, test: t }) as ConceptView;
    const order = flaggedFirst([concept(0, test(false)), concept(1, null), concept(2, test(true)), concept(3, test(true))]).map((c) => c.index);
    expect(order).toEqual([2, 3, 0, 1]);
  });
});
