/**
 * Two audits of one dataset side by side (say the model before and after retraining
 * on rebalanced data): per class, and per class and attribute value, what changed in
 * accuracy, in the share of spurious focus and in the map's mass on each region.
 * Pure: no Node, no DOM.
 */
import { z } from 'zod';
import { SpuriousRulesSchema, type SpuriousRules } from './suggestions';
import { AuditKeySchema, MethodSchema } from './views';

const Count = z.number().int().nonnegative();
const Fraction = z.number().min(0).max(1);
/** A change of a fraction: B minus A. */
const Delta = z.number().min(-1).max(1);

export const CompareRequestSchema = z.object({
  /** The audit compared against (before). */
  a: AuditKeySchema,
  /** The audit compared (after). Deltas are B minus A. */
  b: AuditKeySchema,
  /** A manifest attribute to split each class by, or null for whole classes only. */
  groupBy: z.string().min(1).nullable(),
});
export type CompareRequest = z.infer<typeof CompareRequestSchema>;

/** What one audit found in one cell. */
export const CompareSideSchema = z.object({
  /** Images of the cell this audit explained (a map of the predicted class is stored). */
  audited: Count,
  /** Share of audited images predicted as their label; null when none is audited. */
  accuracy: Fraction.nullable(),
  /** Share of audited images whose map the spurious-focus rule suggests; null without spurious regions. */
  spurious: Fraction.nullable(),
  /** Mean share of the predicted class's map on each region (an image without the region counts 0). */
  mass: z.array(z.object({ region: z.string(), mean: Fraction })),
});
export type CompareSide = z.infer<typeof CompareSideSchema>;

export const CompareRowSchema = z.object({
  label: z.string(),
  /** The attribute's value; null for the row of the whole class. */
  group: z.string().nullable(),
  /** Images of the cell in the dataset. */
  images: Count,
  a: CompareSideSchema,
  b: CompareSideSchema,
  /** B minus A; null where either side is null. */
  delta: z.object({
    accuracy: Delta.nullable(),
    spurious: Delta.nullable(),
    mass: z.array(z.object({ region: z.string(), delta: Delta })),
  }),
  /** Over images both audits explained: wrong in A and right in B (fixed), and the reverse (broken). */
  fixed: Count,
  broken: Count,
});
export type CompareRow = z.infer<typeof CompareRowSchema>;

export const AuditDescriptionSchema = z.object({
  key: AuditKeySchema,
  /** model.json (or its folder), absolute. */
  modelPath: z.string(),
  layer: z.string(),
  method: MethodSchema,
  /** Images of the dataset this audit explained. */
  audited: Count,
});
export type AuditDescription = z.infer<typeof AuditDescriptionSchema>;

export const CompareViewSchema = z.object({
  a: AuditDescriptionSchema,
  b: AuditDescriptionSchema,
  groupBy: z.string().nullable(),
  /** The dataset's region names, in the order of every row's `mass`. */
  regions: z.array(z.string()),
  /** The dataset's spurious-focus rules: every spurious share is null while none of its regions is spurious. */
  rules: SpuriousRulesSchema,
  /** Per class, the whole-class row first, then its groups. */
  rows: z.array(CompareRowSchema),
  /** Images explained by both audits, by A only, by B only: a comparison over different images says less. */
  both: Count,
  onlyA: Count,
  onlyB: Count,
});
export type CompareView = z.infer<typeof CompareViewSchema>;

/** How a row is named in tables and files. */
export const WHOLE_CLASS = '(all)';

/**
 * Whether a change is good news: accuracy up, spurious focus down, mass moving off
 * spurious regions and onto evidence. Null when the change has no direction to judge
 * (a region with no role) or is too small to matter.
 */
export function changeIsBetter(
  kind: 'accuracy' | 'spurious' | { region: string; rules: SpuriousRules },
  delta: number | null,
  epsilon = 0.005,
): boolean | null {
  if (delta === null || Math.abs(delta) < epsilon) return null;
  if (kind === 'accuracy') return delta > 0;
  if (kind === 'spurious') return delta < 0;
  if (kind.rules.spurious.includes(kind.region)) return delta < 0;
  if (kind.rules.evidence.includes(kind.region)) return delta > 0;
  return null;
}
