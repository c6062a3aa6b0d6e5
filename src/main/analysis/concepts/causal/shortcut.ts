/**
 * When a concept is flagged as a likely shortcut: the one place the rule and its
 * thresholds live. The thresholds are judgement, chosen on our planted fixtures and the
 * demo (README, "Concepts"); the numbers are always shown beside the flag.
 *
 * Why not "transplant rate high" alone: an object concept legitimately changes the
 * prediction when pasted (paste a real ring beside a cross and a model with no shortcut
 * says ring: the control's ring concepts score 0.9-1.0). A shortcut is what *causes
 * errors*: removing it fixes the class's errors, or it turns other images into the class
 * AND the images it dominates are clearly less often right than the rest of the class.
 */
import type { ConceptRate } from '../../../../shared/concepts';
import type { Interval } from '../../bootstrap';

/** Removal must be tried on at least this many of the class's errors to count. */
export const MIN_ERRORS_TESTED = 5;
/** Share of the tested errors removal fixes (turns into their label) that flags. */
export const ERRORS_FIXED_RATE = 0.5;
/** The transplant's lower 95 % bound that, with an accuracy gap, flags. */
export const TRANSPLANT_LOW = 0.5;

export interface ShortcutEvidence {
  errorsFixed: ConceptRate | null;
  transplant: ConceptRate | null;
  /**
   * Among the images predicted as the class: the accuracy of those the concept does not
   * dominate minus that of those it dominates, with its 95 % interval; null when either
   * group is empty.
   */
  accuracyGap: Interval | null;
  /** The class's errors, tested or not. */
  errors: number;
}

const percent = (x: number) => `${Math.round(x * 100)} %`;

/** Flagged or not, and why in words (empty when not). */
export function shortcutVerdict(evidence: ShortcutEvidence): { shortcut: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const { errorsFixed, transplant, accuracyGap, errors } = evidence;
  if (errorsFixed && errorsFixed.n >= MIN_ERRORS_TESTED && errorsFixed.rate >= ERRORS_FIXED_RATE) {
    const tested = errorsFixed.n === errors ? '' : ` (${errorsFixed.n} tested)`;
    reasons.push(`removing it fixes ${errorsFixed.hits} of ${errors} errors${tested}`);
  }
  if (transplant && transplant.low >= TRANSPLANT_LOW && accuracyGap && accuracyGap.low > 0) {
    reasons.push(
      `pasting it turns ${percent(transplant.rate)} [${percent(transplant.low)}-${percent(transplant.high)}] of other classes' images into this class, ` +
        `and the images it dominates are ${percent(accuracyGap.estimate)} less often right than the rest`,
    );
  }
  return { shortcut: reasons.length > 0, reasons };
}
