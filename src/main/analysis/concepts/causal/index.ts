/**
 * The causal tests of concepts (run.ts), the image edits they make (edits.ts) and the
 * rule that flags a likely shortcut (shortcut.ts).
 */
import type { ClassConcepts } from '../audit-concepts';
import type { CausalCaps, ClassConceptTests } from './run';

export { testConcepts, DEFAULT_CAUSAL_CAPS, QUICK_CAUSAL_CAPS, TRANSPLANT_PROTOTYPES, MAX_PROTOTYPE_COVER, type CausalCaps, type CausalContext, type CausalOptions, type ClassConceptTests } from './run';
export { shortcutVerdict, MIN_ERRORS_TESTED, ERRORS_FIXED_RATE, TRANSPLANT_LOW, type ShortcutEvidence } from './shortcut';
export { DILATION_CELLS } from './edits';

/** What the concepts export asks for. */
export interface ConceptFindingsRequest {
  seed: number;
  /** Concepts per class instead of the silhouette's choice. */
  k?: number;
  /** The causal tests' caps; null: no tests. */
  tests: CausalCaps | null;
}

/** An audit's concepts, and their causal tests when asked for. */
export interface ConceptFindings {
  descriptorLayer: string;
  classes: ClassConcepts[];
  /** Per class (in `classes`' order), per concept; null when not asked for. */
  tests: ClassConceptTests[] | null;
  /** The tests were read from the store, not run again. */
  testsStored: boolean;
}
