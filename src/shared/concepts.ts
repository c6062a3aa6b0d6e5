/**
 * Region-free concepts as they cross process boundaries: what each class's maps look at
 * (analysis/concepts), the causal tests of each concept, and whether it is flagged as a
 * likely shortcut. One shape for the app's Concepts view, `serve`, the export and the
 * report.
 */
import { z } from 'zod';

/** The seed of a concept fit and of its tests' samples unless one is asked for: the app, the export and the report share it, and so their stored tests. */
export const DEFAULT_CONCEPT_SEED = 1;
import { RegionNameSchema } from './drawn-regions';
import { AuditKeySchema, TagsOfSchema } from './views';

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
  /** Those of the class's errors that contain the concept: removal is tried on (a sample of) these. */
  errorsContaining: z.number().int().min(0),
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

const Id = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();
const Fraction = z.number().min(0).max(1);

/** Typical crops shown per concept: its most typical images. */
export const CONCEPT_CROPS = 10;
/** Most concepts a class may be asked to split into (the silhouette chooses among 2..6). */
export const MAX_CONCEPT_K = 12;

export const ConceptsRequestSchema = z.object({
  key: AuditKeySchema,
  /** The class the maps explain (each image's predicted class, and its label where the audit has it). */
  label: z.string().min(1),
  /** Concepts wanted; absent, the silhouette's choice. */
  k: z.number().int().min(2).max(MAX_CONCEPT_K).optional(),
  /** The fit's seed; the same seed, the same concepts. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
});
export type ConceptsRequest = z.infer<typeof ConceptsRequestSchema>;

/** A box in fractions of the oriented image, x1 and y1 exclusive. */
export const ImageBoxSchema = z.object({ x0: Fraction, y0: Fraction, x1: Fraction, y1: Fraction });
export type ImageBox = z.infer<typeof ImageBoxSchema>;

/** One of a concept's typical images, with the box of its component there (cells through the model's frame). */
export const ConceptCropSchema = z.object({
  imageId: Id,
  contentId: Id,
  path: z.string(),
  box: ImageBoxSchema,
  /** Whether the model gets the image right. */
  correct: z.boolean(),
});
export type ConceptCrop = z.infer<typeof ConceptCropSchema>;

/** What a named concept is to the region roles: a region that should not decide the class, or one that should. */
export const CONCEPT_ROLES = ['spurious', 'evidence'] as const;
export type ConceptRole = (typeof CONCEPT_ROLES)[number];

export const ConceptViewSchema = z.object({
  /** 0 holds the largest share of the class's evidence. */
  index: Count,
  /** Its share of the class's evidence. */
  share: Fraction,
  /** Images with evidence on it, and those whose evidence it dominates. */
  images: Count,
  dominated: Count,
  /** Mass by 3x3 position of its components' centres, row-major from the top left. */
  location: z.array(z.number().min(0)).length(9),
  /** The position holding most of its mass, in words ("top-left"). */
  where: z.string(),
  /** Mean colour of its typical regions' pixels, 0..255; null when no typical image could be read. */
  meanColour: z.object({ r: z.number(), g: z.number(), b: z.number() }).nullable(),
  /** Accuracy of the images it dominates, and of the class's other images; null for none. */
  accuracyDominated: Fraction.nullable(),
  accuracyRest: Fraction.nullable(),
  typical: z.array(ConceptCropSchema).max(CONCEPT_CROPS),
  /** Every image it dominates: the grid's filter and the Tag button. */
  dominatedContentIds: z.array(Id),
  /** The region name given to it, and its role; null until named. */
  name: z.string().nullable(),
  role: z.enum(CONCEPT_ROLES).nullable(),
  /** The causal tests; null until they have run. */
  test: ConceptTestSchema.nullable(),
});
export type ConceptView = z.infer<typeof ConceptViewSchema>;

/** Most images each causal test edits, per concept: the samples are capped so a large audit stays cheap. */
export const CausalCapsSchema = z.object({ flips: Count, errors: Count, transplant: Count });
export type CausalCaps = z.infer<typeof CausalCapsSchema>;

export const ClassConceptsViewSchema = z.object({
  label: z.string(),
  /** Images whose map of the class has evidence components, and those components. */
  images: Count,
  components: Count,
  /** Silhouette per k tried (empty when k was asked for). */
  scores: z.array(z.object({ k: z.number().int(), silhouette: z.number() })),
  seed: z.number().int(),
  concepts: z.array(ConceptViewSchema),
  /** The caps the shown tests ran with (quick: the first look, wider intervals); null when no test has run on this fit. */
  tests: z.object({ caps: CausalCapsSchema, quick: z.boolean() }).nullable(),
  /** The caps `testConcepts` runs with, so the app can say what the tests cost before they run. */
  testCaps: z.object({ standard: CausalCapsSchema, quick: CausalCapsSchema }),
  /** Tags of the dominated images that have any, read at the call. */
  tagged: TagsOfSchema,
});
export type ClassConceptsView = z.infer<typeof ClassConceptsViewSchema>;

/**
 * Runs the causal tests of every concept of the audit (all classes: they are stored per
 * audit, fit and caps), or reuses the stored ones, and returns the class's view with them.
 */
export const TestConceptsRequestSchema = ConceptsRequestSchema.extend({
  /** The quick caps: a first look in a quarter of the time, intervals about twice as wide. */
  quick: z.boolean().optional(),
});
export type TestConceptsRequest = z.infer<typeof TestConceptsRequestSchema>;

/** Names a concept (a region of that name on every image containing it, with a role), renames it, or (name null) takes the name off. */
export const NameConceptRequestSchema = ConceptsRequestSchema.extend({
  /** The concept's index in the view of the same key, label, k and seed. */
  concept: z.number().int().min(0),
  name: RegionNameSchema.nullable(),
  role: z.enum(CONCEPT_ROLES),
});
export type NameConceptRequest = z.infer<typeof NameConceptRequestSchema>;

export const NameConceptResultSchema = z.object({
  name: z.string().nullable(),
  role: z.enum(CONCEPT_ROLES).nullable(),
  /** Images now carrying the region (those containing the concept whose size is known). */
  images: Count,
  /** The name the concept had before, if any: its regions and statistics are gone. */
  previous: z.string().nullable(),
});
export type NameConceptResult = z.infer<typeof NameConceptResultSchema>;
