/**
 * Spurious-focus suggestions: the user names regions as spurious (the face, the scrub
 * colour) or as evidence (the stethoscope); images whose map sits on the spurious ones
 * are suggested for review. Suggestions are not tags: each is accepted or rejected,
 * and the decision is remembered per audit.
 * Pure: no Node, no DOM.
 */
import { z } from 'zod';
import { AuditKeySchema, FOCUS_THRESHOLD } from './views';

const Id = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();
const Share = z.number().min(0).max(1);

export const REGION_ROLES = ['spurious', 'evidence'] as const;
export type RegionRole = (typeof REGION_ROLES)[number];

export const SpuriousRulesSchema = z
  .object({
    /** Region names that should not decide the class. */
    spurious: z.array(z.string().min(1)),
    /** Region names that should. */
    evidence: z.array(z.string().min(1)),
    /** An image is suggested when at least this share of its map lies on spurious regions. */
    threshold: Share,
  })
  .refine((rules) => !rules.spurious.some((name) => rules.evidence.includes(name)), {
    message: 'a region cannot be both spurious and evidence',
  });
export type SpuriousRules = z.infer<typeof SpuriousRulesSchema>;

export const DEFAULT_RULES: SpuriousRules = { spurious: [], evidence: [], threshold: FOCUS_THRESHOLD };

/**
 * Why an image is suggested:
 * - threshold: the spurious regions hold at least the threshold of the map;
 * - over-evidence: the marked regions together hold at least the threshold, and the
 *   spurious ones more of it than the evidence.
 */
export const SUGGESTION_REASONS = ['threshold', 'over-evidence'] as const;
export type SuggestionReason = (typeof SUGGESTION_REASONS)[number];

export const DECISIONS = ['accepted', 'rejected'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Accepting a suggestion tags the image with this prefix and its main spurious region. */
export const SPURIOUS_TAG_PREFIX = 'spurious:';

export function spuriousTag(region: string): string {
  return `${SPURIOUS_TAG_PREFIX}${region}`;
}

export const SuggestionSchema = z.object({
  imageId: Id,
  contentId: Id,
  path: z.string(),
  label: z.string(),
  predicted: z.string().nullable(),
  /** Share of the predicted class's map on the spurious regions, and on the evidence. */
  spuriousMass: Share,
  evidenceMass: Share,
  /** The spurious region holding most of the map. */
  region: z.string(),
  reason: z.enum(SUGGESTION_REASONS),
  decision: z.enum(DECISIONS).nullable(),
});
export type Suggestion = z.infer<typeof SuggestionSchema>;

/** Suggestions sent at once: a large dataset can have tens of thousands. */
export const SUGGESTION_PAGE = 500;

export const SuggestionsRequestSchema = z.object({
  key: AuditKeySchema,
  /** How many of the first suggestions to send (default SUGGESTION_PAGE). */
  limit: z.number().int().positive().max(1_000_000).optional(),
});
export type SuggestionsRequest = z.infer<typeof SuggestionsRequestSchema>;

export const SuggestionListSchema = z.object({
  rules: SpuriousRulesSchema,
  /** The first `limit` suggestions: undecided first, then by spurious mass, highest first. */
  items: z.array(SuggestionSchema),
  /** Suggestions in all; the counts below are over all of them. */
  total: Count,
  /** Audited images the rules were applied to. */
  audited: Count,
  pending: Count,
  accepted: Count,
  rejected: Count,
});
export type SuggestionList = z.infer<typeof SuggestionListSchema>;

export const DecisionChangeSchema = z.object({
  key: AuditKeySchema,
  contentIds: z.array(Id).min(1).max(10_000),
  /** Null forgets the decision, so the image is suggested afresh. */
  decision: z.enum(DECISIONS).nullable(),
});
export type DecisionChange = z.infer<typeof DecisionChangeSchema>;
