/**
 * Region-free concepts as they cross process boundaries: what each class's maps look at
 * (analysis/concepts), the causal tests of each concept, and whether it is flagged as a
 * likely shortcut. One shape for the app's Concepts view, `serve`, the export and the
 * report.
 */
import { z } from 'zod';

/** A rate with its 95 % interval (seeded percentile bootstrap; exact binomial bounds at 0 and n). */
export const ConceptRateSchema = z.object({
  hits: z.number().int().min(0),
  n: z.number().int().min(0),
  rate: z.number().min(0).max(1),
  low: z.number().min(0).max(1),
  high: z.number().min(0).max(1),
});
export type ConceptRate = z.infer<typeof ConceptRateSchema>;

/**
 * The causal tests of one concept, on the model's own preprocessing:
 * - removal: the concept's region (its map region around the component, dilated about
 *   1.5 map cells in image pixels) filled with the image's mean colour;
 * - transplant: the concept's most typical regions pasted into images predicted as other
 *   classes at the same normalised position.
 */
export const ConceptTestSchema = z.object({
  /** Images dominated by the concept whose prediction changes when it is removed; null: none tested. */
  flips: ConceptRateSchema.nullable(),
  /** The class's errors (predicted here, labelled otherwise) containing the concept that removal turns into their label. */
  errorsFixed: ConceptRateSchema.nullable(),
  /** All the class's errors, tested or not: the "of N errors" of a sentence. */
  errors: z.number().int().min(0),
  /** Images of other classes turned into this class by the transplant; null: not tested (the note says why). */
  transplant: ConceptRateSchema.nullable(),
  /** Why a test did not run, in words (e.g. the concept covers more than a quarter of the image). */
  notes: z.array(z.string()),
  /** Flagged as a likely shortcut by the rule (judgement, the numbers are shown beside it). */
  shortcut: z.boolean(),
  /** Which parts of the rule it met, in words; empty when not flagged. */
  reasons: z.array(z.string()),
});
export type ConceptTest = z.infer<typeof ConceptTestSchema>;
