/**
 * Regions the user draws on one image and applies to every image of its class: for
 * aligned datasets (portraits, scans), one box marks the face on all of them. A drawn
 * region is kept as fractions of the image, so it fits pictures of any size and those
 * a later scan adds, and it counts in the attention statistics like an annotated one.
 * Pure: no Node, no DOM.
 */
import { z } from 'zod';

const Id = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();
const Fraction = z.number().min(0).max(1);

/** Shortest side a drawn box may have, as a share of the image: a click is not a region. */
export const MIN_DRAWN_SIDE = 0.01;
export const MAX_REGION_NAME = 64;

/**
 * A region name as statistics columns and CSV headers (`mass_<name>`) use it: no
 * comma, no surrounding spaces, so it reads back the same from regions.csv and exports.
 */
export const RegionNameSchema = z
  .string()
  .min(1, 'a region needs a name')
  .max(MAX_REGION_NAME, `a region name has at most ${MAX_REGION_NAME} characters`)
  .refine((name) => name.trim() === name, 'a region name cannot start or end with spaces')
  .refine((name) => !name.includes(','), 'a region name cannot contain a comma');

/** Fractions of the oriented image, x1 and y1 exclusive. */
export const DrawnBoxSchema = z
  .object({ x0: Fraction, y0: Fraction, x1: Fraction, y1: Fraction })
  .refine((box) => box.x1 - box.x0 >= MIN_DRAWN_SIDE && box.y1 - box.y0 >= MIN_DRAWN_SIDE, {
    message: `a drawn box needs x0 < x1 and y0 < y1, each side at least ${MIN_DRAWN_SIDE * 100}% of the image`,
  });
export type DrawnBox = z.infer<typeof DrawnBoxSchema>;

export const DrawnRegionSchema = z.object({
  /** The class whose every image has this region. */
  label: z.string().min(1),
  name: RegionNameSchema,
  box: DrawnBoxSchema,
  /** ISO 8601, UTC. */
  createdAt: z.string(),
});
export type DrawnRegion = z.infer<typeof DrawnRegionSchema>;

export const DrawRegionRequestSchema = z.object({
  datasetId: Id,
  label: z.string().min(1),
  name: RegionNameSchema,
  box: DrawnBoxSchema,
});
export type DrawRegionRequest = z.infer<typeof DrawRegionRequestSchema>;

export const DrawRegionResultSchema = z.object({
  region: DrawnRegionSchema,
  /** Images of the class the region now applies to. */
  images: Count,
  /** Images of the class not decoded yet (size unknown): they get it when an audit in the app decodes them. */
  skipped: Count,
});
export type DrawRegionResult = z.infer<typeof DrawRegionResultSchema>;

export const DrawnRegionRefSchema = z.object({ datasetId: Id, label: z.string().min(1), name: z.string().min(1) });
export type DrawnRegionRef = z.infer<typeof DrawnRegionRefSchema>;

export const DeleteDrawnResultSchema = z.object({
  /** Images the region was removed from. */
  images: Count,
});
export type DeleteDrawnResult = z.infer<typeof DeleteDrawnResultSchema>;
