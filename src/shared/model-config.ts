/**
 * The sidecar `biascope.json` beside a model.json: what tfjs cannot say about a model.
 * Pure schema and helpers, no Node, no DOM: the UI shows and edits the same shape.
 */
import { z } from 'zod';

export const SCALE_PRESETS = ['0..1', '-1..1'] as const;

const rgbTriple = z.tuple([z.number(), z.number(), z.number()]);

export const ScaleSchema = z.union([
  z.enum(SCALE_PRESETS),
  z
    .object({ mean: rgbTriple, std: rgbTriple })
    .strict()
    .refine((s) => s.std.every((v) => v > 0), { message: 'std values must be > 0' }),
]);

export const ModelConfigSchema = z
  .object({
    /** Class names, index i naming output unit i. */
    classes: z.array(z.string().min(1)).min(1),
    /** [height, width] the model takes, in pixels. */
    inputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    preprocess: z
      .object({
        /** Applied to 0..255 pixels: "0..1", "-1..1", or mean/std after 0..1 scaling. */
        scale: ScaleSchema,
        /** Channel order the model was trained with. */
        channels: z.enum(['rgb', 'bgr']).default('rgb'),
      })
      .strict(),
    /** Default target layer; the engine finds one when absent. */
    layer: z.string().min(1).optional(),
  })
  .strict();

export type Scale = z.infer<typeof ScaleSchema>;
export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type ModelConfigInput = z.input<typeof ModelConfigSchema>;

/** Formats a zod error as "field.path: message" lines, so a user sees which field is wrong. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
