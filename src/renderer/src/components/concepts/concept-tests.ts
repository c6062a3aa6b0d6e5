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

/**
 * Errors fixed, of the class's errors: "9 of 12"; "6 of 44 errors (6 contain it: ...)" when
 * only some contain the concept; "30 of 100 tried, 800 of 1000 errors contain it" when a
 * sample of those was tried. The rate in brackets is over the errors tried.
 */
export function errorsFixedText(test: Pick<ConceptTest, 'errorsFixed' | 'errors' | 'errorsContaining'>): string {
  const fixed = test.errorsFixed;
  if (!fixed) return test.errors === 0 ? 'no error to fix' : `none tested of ${test.errors} errors`;
  if (fixed.n === test.errors) return `${fixed.hits} of ${fixed.n} (${rateText(fixed)})`;
  if (fixed.n === test.errorsContaining) return `${fixed.hits} of ${test.errors} errors (${fixed.n} contain it: ${rateText(fixed)})`;
  return `${fixed.hits} of ${fixed.n} tried, ${test.errorsContaining} of ${test.errors} errors contain it (${rateText(fixed)})`;
}

/** Flagged concepts first, each group in the fit's order (the largest share first). */
export function flaggedFirst(concepts: readonly ConceptView[]): ConceptView[] {
  const flagged = (c: ConceptView) => (c.test?.shortcut ? 0 : 1);
  return [...concepts].sort((a, b) => flagged(a) - flagged(b) || a.index - b.index);
}
