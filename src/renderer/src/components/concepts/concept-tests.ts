/** The causal tests as the Concepts view words and orders them. */
import type { CausalCaps, ConceptRate, ConceptTest, ConceptView } from '../../../../shared/concepts';

/** What the tests cost, in words a person can weigh before clicking: "300 images per concept". */
export function testCost(caps: CausalCaps): string {
  return `${caps.flips + caps.errors + caps.transplant} images per concept`;
}

const pct = (value: number) => `${Math.round(value * 100)}%`;

/** A rate with its 95 % interval: "71% [63–78%]". */
export function rateText(rate: ConceptRate): string {
  return `${pct(rate.rate)} [${pct(rate.low)}–${pct(rate.high)}]`;
}

/** Errors fixed: "9 of 12", and "of N errors" when fewer than all were tested. */
export function errorsFixedText(test: Pick<ConceptTest, 'errorsFixed' | 'errors'>): string {
  const fixed = test.errorsFixed;
  if (!fixed) return test.errors === 0 ? 'no error to fix' : `none tested of ${test.errors} errors`;
  const of = fixed.n < test.errors ? ` tested, of ${test.errors} errors` : '';
  return `${fixed.hits} of ${fixed.n}${of} (${rateText(fixed)})`;
}

/** Flagged concepts first, each group in the fit's order (the largest share first). */
export function flaggedFirst(concepts: readonly ConceptView[]): ConceptView[] {
  const flagged = (c: ConceptView) => (c.test?.shortcut ? 0 : 1);
  return [...concepts].sort((a, b) => flagged(a) - flagged(b) || a.index - b.index);
}
