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
/**
 * Share of *the class's errors* removal fixes (turns into their label) that flags: the
 * rate on the errors tried times the share of the class's errors that contain the
 * concept. Not the rate on the errors tried alone: an object concept present in a few
 * errors can fix all of them (on the patch fixture, removing the ring fixed 6 of the 6
 * errors containing it, of the class's 44) without being what the errors come from.
 */
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
  /** Those of them that contain the concept (removal is tried on a sample of these). */
  errorsContaining: number;
}

/** The share of the class's errors removing the concept fixes, estimated from the errors tried. */
export function classErrorsFixed(evidence: Pick<ShortcutEvidence, 'errorsFixed' | 'errors' | 'errorsContaining'>): number {
  const { errorsFixed, errors, errorsContaining } = evidence;
  if (!errorsFixed || errorsFixed.n === 0 || errors === 0) return 0;
  return errorsFixed.rate * (errorsContaining / errors);
}

const percent = (x: number) => `${Math.round(x * 100)} %`;

/** Flagged or not, and why in words (empty when not). */
export function shortcutVerdict(evidence: ShortcutEvidence): { shortcut: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const { errorsFixed, transplant, accuracyGap, errors, errorsContaining } = evidence;
  if (errorsFixed && errorsFixed.n >= MIN_ERRORS_TESTED && classErrorsFixed(evidence) >= ERRORS_FIXED_RATE) {
    // All the errors containing it tried: a count; a sample of them: an estimate.
    reasons.push(
      errorsFixed.n === errorsContaining
        ? `removing it fixes ${errorsFixed.hits} of ${errors} errors`
        : `removing it fixes an estimated ${percent(classErrorsFixed(evidence))} of the class's ${errors} errors (${errorsFixed.hits} of ${errorsFixed.n} tried)`,
    );
  }
  if (transplant && transplant.low >= TRANSPLANT_LOW && accuracyGap && accuracyGap.low > 0) {
    reasons.push(
      `pasting it turns ${percent(transplant.rate)} [${percent(transplant.low)}-${percent(transplant.high)}] of other classes' images into this class, ` +
        `and the images it dominates are ${percent(accuracyGap.estimate)} less often right than the rest`,
    );
  }
  return { shortcut: reasons.length > 0, reasons };
}
