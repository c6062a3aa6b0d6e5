/**
 * What the UI reads: datasets, models, grid tiles, image details, class summaries.
 * Schemas (zod) so every transport checks them at runtime; types derive from them.
 * Pure: no Node, no DOM.
 */
import { z } from 'zod';
import { METHODS } from './explain';

const Id = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();
const Fraction = z.number().min(0).max(1);

// ---------------------------------------------------------------- datasets and models

export const DatasetViewSchema = z.object({
  id: Id,
  /** Absolute root folder. */
  root: z.string().min(1),
  name: z.string(),
  /** Images present on disk at the last scan. */
  images: Count,
  /** True labels with their image counts, sorted by name. */
  classes: z.array(z.object({ name: z.string(), images: Count })),
  /** Manifest columns besides path and label, with their values. */
  attributes: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
  /** Region names from regions.csv or COCO annotations. */
  regions: z.array(z.string()),
  /** Files the scan or decoder could not use. */
  problems: Count,
});
export type DatasetView = z.infer<typeof DatasetViewSchema>;

export const LayerViewSchema = z.object({
  name: z.string(),
  className: z.string(),
  shape: z.array(z.number().int()).nullable(),
  /** Whether a CAM method can read it (a 4-D output). */
  candidate: z.boolean(),
});
export type LayerView = z.infer<typeof LayerViewSchema>;

export const ModelViewSchema = z.object({
  id: Id,
  /** model.json (or its folder), absolute. */
  path: z.string().min(1),
  hash: z.string(),
  kind: z.enum(['layers', 'graph', 'onnx']),
  classes: z.array(z.string()),
  /** Every layer, when the model has been loaded; empty when only its stored record is known. */
  layers: z.array(LayerViewSchema),
  defaultLayer: z.string().nullable(),
});
export type ModelView = z.infer<typeof ModelViewSchema>;

export const MethodSchema = z.enum(METHODS);

/** One audit's results as the grid reads them: a dataset explained by a model at a layer with a method. */
export const AuditKeySchema = z.object({
  datasetId: Id,
  modelId: Id,
  layer: z.string().min(1),
  method: MethodSchema,
});
export type AuditKey = z.infer<typeof AuditKeySchema>;

/** An audit already stored for a dataset, so it can be reviewed without running anything. */
export const StoredAuditSchema = AuditKeySchema.extend({
  modelPath: z.string(),
  results: Count,
});
export type StoredAudit = z.infer<typeof StoredAuditSchema>;

/** A dataset the database holds, and its audit run last (what exports default to). */
export const StoredDatasetSchema = z.object({
  id: Id,
  root: z.string().min(1),
  name: z.string(),
  latest: AuditKeySchema.nullable(),
});
export type StoredDataset = z.infer<typeof StoredDatasetSchema>;

export const RecentDatasetSchema = z.object({ root: z.string().min(1), name: z.string(), openedAt: z.string() });
export type RecentDataset = z.infer<typeof RecentDatasetSchema>;

// ---------------------------------------------------------------- maps on the wire

/** A stored low-resolution map: shared/map-codec's uint16 bytes, base64. */
export const WireMapSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  max: z.number().nonnegative(),
  data: z.string(),
});
export type WireMap = z.infer<typeof WireMapSchema>;

// ---------------------------------------------------------------- grid

export const CORRECTNESS = ['correct', 'wrong'] as const;

/** Every filter narrows; absent fields do not filter. */
/** Most images a filter by content ids may name: a call stays well under the HTTP transport's 1 MB. */
export const MAX_FILTER_IMAGES = 100_000;

export const GridFilterSchema = z.object({
  label: z.string().optional(),
  predicted: z.string().optional(),
  correctness: z.enum(CORRECTNESS).optional(),
  /** A tag, or UNTAGGED for images with no tag. */
  tag: z.string().optional(),
  attribute: z.object({ name: z.string(), value: z.string() }).optional(),
  /** Images whose map puts at least `min` of its mass on the region. */
  focus: z.object({ region: z.string(), min: Fraction }).optional(),
  /** Only these images (content ids), under the name the filter shows: e.g. the images a concept dominates. */
  images: z.object({ name: z.string().min(1), contentIds: z.array(Id).max(MAX_FILTER_IMAGES) }).optional(),
});
export type GridFilter = z.infer<typeof GridFilterSchema>;

export const UNTAGGED = '(untagged)';

export const SORT_KEYS = ['path', 'confidence', 'max', 'entropy', 'spread', 'peakX', 'peakY', 'mass', 'iou'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
/** Sort keys that need a region name. */
export const REGION_SORT_KEYS: readonly SortKey[] = ['mass', 'iou'];

export const GridSortSchema = z.object({
  by: z.enum(SORT_KEYS),
  region: z.string().optional(),
  dir: z.enum(['asc', 'desc']),
});
export type GridSort = z.infer<typeof GridSortSchema>;

export const GridQuerySchema = z.object({
  key: AuditKeySchema,
  filter: GridFilterSchema,
  sort: GridSortSchema,
  /** Only the first ids (a first screen, fast); the total is counted all the same. */
  limit: z.number().int().positive().optional(),
});
export type GridQuery = z.infer<typeof GridQuerySchema>;

export const GridIndexSchema = z.object({
  /** Image ids in display order (the first `limit` when limited). Images not explained yet come last. */
  ids: z.array(Id),
  /** Images the filter keeps. */
  total: Count,
  /** Whether `ids` holds every one of them. */
  complete: z.boolean(),
});
export type GridIndex = z.infer<typeof GridIndexSchema>;

/** Ids asked for first: a screen or two of tiles, which SQLite sorts as a top-N rather than in full. */
export const FIRST_SCREEN = 360;

/** What the grid shows when a dataset opens: its first class, least confident first. */
export function defaultView(dataset: { classes: readonly { name: string }[] }): { filter: GridFilter; sort: GridSort } {
  const first = dataset.classes[0]?.name;
  return { filter: first === undefined ? {} : { label: first }, sort: { by: 'confidence', dir: 'asc' } };
}

/**
 * The rectangle of the image a map covers, in the image's pixels (src/shared/map-frame.ts),
 * for models that see a centre crop. Absent or null: the map covers the whole image.
 */
export const FrameViewSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number().positive(),
  height: z.number().positive(),
  imageWidth: z.number().int().positive(),
  imageHeight: z.number().int().positive(),
});

export const TileSchema = z.object({
  id: Id,
  contentId: Id,
  path: z.string(),
  label: z.string(),
  predicted: z.string().nullable(),
  confidence: Fraction.nullable(),
  /** Null until the image is explained. */
  correct: z.boolean().nullable(),
  tags: z.array(z.string()),
  /** The map of the predicted class, null until explained. */
  map: WireMapSchema.nullable(),
  /** Why the file could not be used, as "stage: reason", when it could not. */
  problem: z.string().nullable(),
  /** Where `map` sits on the image, when not on all of it. */
  frame: FrameViewSchema.nullish(),
});
export type Tile = z.infer<typeof TileSchema>;

// ---------------------------------------------------------------- classes

/** A map focuses on a region when at least this share of its mass lies in it. */
export const FOCUS_THRESHOLD = 0.5;

/** Tags that do not count as flagging a problem. */
export const OK_TAGS: readonly string[] = ['ok'];

/** The tag the `f` key sets. */
export const FLAG_TAG = 'flagged';

/** Tags offered before a dataset has any of its own. */
export const DEFAULT_TAGS: readonly string[] = ['spurious:face', 'mislabeled', 'ok', 'duplicate', FLAG_TAG];

export const ClassSummarySchema = z.object({
  name: z.string(),
  /** Images whose true label is this class. */
  images: Count,
  /** Of those, how many are explained. */
  audited: Count,
  /** Share of audited images predicted as their label; null when none is audited. */
  accuracy: Fraction.nullable(),
  /** Images with a tag other than OK_TAGS. */
  flagged: Count,
  /** Per region name: audited images whose map puts at least FOCUS_THRESHOLD of its mass on it. */
  focus: z.array(z.object({ region: z.string(), images: Count })),
  /**
   * Shared colour scales (shared/map-scale) of the shown maps: over the whole audit, and
   * over the maps explaining this class; null when no such map has any evidence.
   */
  mapScale: z.object({ dataset: z.number().positive().nullable(), class: z.number().positive().nullable() }),
});
export type ClassSummary = z.infer<typeof ClassSummarySchema>;

// ---------------------------------------------------------------- one image

export const RegionViewSchema = z.object({
  name: z.string(),
  /** Pixels of the oriented image; x1, y1 exclusive. */
  x0: z.number(),
  y0: z.number(),
  x1: z.number(),
  y1: z.number(),
});

export const BoxSchema = z.object({ x0: Fraction, y0: Fraction, x1: Fraction, y1: Fraction });

export const StatsViewSchema = z.object({
  max: z.number(),
  entropy: z.number(),
  peakX: z.number(),
  peakY: z.number(),
  spread: z.number(),
  /** Weakly-supervised box, fractions of the image. */
  box: BoxSchema.nullable(),
  regions: z.array(z.object({ name: z.string(), mass: z.number(), boxIou: z.number() })),
});
export type StatsView = z.infer<typeof StatsViewSchema>;

export const ScoredClassSchema = z.object({ name: z.string(), index: Count, prob: Fraction, logit: z.number() });

export const ImageDetailSchema = z.object({
  id: Id,
  contentId: Id,
  path: z.string(),
  label: z.string(),
  /** Oriented size, when decoded. */
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  attributes: z.record(z.string(), z.string()),
  regions: z.array(RegionViewSchema),
  tags: z.array(z.string()),
  /** Top-k classes, best first; empty until explained. */
  top: z.array(ScoredClassSchema),
  /** Statistics of the predicted class's map. */
  stats: StatsViewSchema.nullable(),
  /** Stored maps of this audit, one per explained class. */
  maps: z.array(z.object({ target: z.string(), map: WireMapSchema })),
  /** Why the image could not be used, when it could not. */
  problem: z.object({ stage: z.string(), reason: z.string() }).nullable(),
  /** Where every map of the image sits on it, when not on all of it. */
  frame: FrameViewSchema.nullish(),
});
export type ImageDetail = z.infer<typeof ImageDetailSchema>;

export const ExplanationSchema = z.object({
  method: MethodSchema,
  target: z.string(),
  map: WireMapSchema,
  layer: z.string(),
  backend: z.string(),
  /** A caveat to show beside the map (guided methods fail model-randomisation checks). */
  note: z.string().nullable(),
});
export type Explanation = z.infer<typeof ExplanationSchema>;

// ---------------------------------------------------------------- tags

export const TagCountSchema = z.object({ tag: z.string(), images: Count });
export type TagCount = z.infer<typeof TagCountSchema>;

export const TagChangeSchema = z.object({
  datasetId: Id,
  contentIds: z.array(Id).min(1),
  add: z.array(z.string()),
  remove: z.array(z.string()),
});
export type TagChange = z.infer<typeof TagChangeSchema>;

export const TagsOfSchema = z.array(z.object({ contentId: Id, tags: z.array(z.string()) }));
export type TagsOf = z.infer<typeof TagsOfSchema>;

// ---------------------------------------------------------------- subgroups

/** Group by each image's SpRAy cluster within its class instead of an attribute. */
export const CLUSTER_GROUP = '(cluster)';

export const SubgroupRowSchema = z.object({
  label: z.string(),
  group: z.string(),
  count: Count,
  /** Share of the class. */
  share: Fraction,
  audited: Count,
  accuracy: Fraction.nullable(),
  meanConfidence: Fraction.nullable(),
  /** Share of the group's images with a tag other than OK_TAGS. */
  flagged: Fraction,
  /** Mean share of the predicted class's map on each region. */
  mass: z.array(z.object({ region: z.string(), mean: z.number().min(0).max(1) })),
});
export type SubgroupRow = z.infer<typeof SubgroupRowSchema>;
