/**
 * The sidecar `biascope.json` beside a model.json: what tfjs cannot say about a model.
 * Pure schema and helpers, no Node, no DOM: the UI shows and edits the same shape.
 */
import { z } from 'zod';

/** The largest side of a model's input: classifiers take 224-600; 4000x4000 aborts the wasm backend. */
export const MAX_INPUT_SIDE = 2048;
const inputSide = z
  .number()
  .int()
  .positive()
  .max(MAX_INPUT_SIDE, { message: `at most ${MAX_INPUT_SIDE} pixels a side (image classifiers take 224 to 600; larger inputs exhaust the backend's memory)` });

export const SCALE_PRESETS = ['0..1', '-1..1'] as const;

/**
 * How an image is brought to the model's size, named after what it reproduces byte for
 * byte: "bilinear-antialias", "bicubic", "lanczos3" and "nearest" are PIL's
 * `Image.resize` filters (BILINEAR, BICUBIC, LANCZOS, NEAREST; torchvision's Resize on
 * a PIL image); "bilinear" samples without anti-aliasing, half-pixel centres
 * (torchvision `antialias=False` on a tensor, tf.image.resize).
 */
export const RESIZE_MODES = ['bilinear', 'bilinear-antialias', 'bicubic', 'nearest', 'lanczos3'] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];

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
    // Past a few thousand pixels a side the wasm backend runs out of memory with no message.
    inputSize: z.tuple([inputSide, inputSide]),
    preprocess: z
      .object({
        /** Applied to 0..255 pixels: "0..1", "-1..1", or mean/std after 0..1 scaling. */
        scale: ScaleSchema,
        /** Channel order the model was trained with. */
        channels: z.enum(['rgb', 'bgr']).default('rgb'),
        /**
         * Resampling filter. Absent: the historical resize (libvips linear above twice the
         * input size, plain bilinear below), kept so existing caches stay valid.
         */
        resize: z.enum(RESIZE_MODES).optional(),
        /** torchvision `Resize(n)`: the shorter side to n first, the longer in proportion. */
        shorterSide: z.number().int().positive().optional(),
        /** torchvision `CenterCrop((h, w))` after `shorterSide`; must equal inputSize. */
        centerCrop: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
      })
      .strict(),
    /** Default target layer; the engine finds one when absent. */
    layer: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const { resize, shorterSide, centerCrop } = config.preprocess;
    const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: ['preprocess', field], message });
    if ((shorterSide === undefined) !== (centerCrop === undefined)) {
      const missing = shorterSide === undefined ? 'shorterSide' : 'centerCrop';
      issue(missing, `missing: shorterSide and centerCrop come together (torchvision Resize(n) + CenterCrop((h, w)))`);
      return;
    }
    if (shorterSide === undefined || centerCrop === undefined) return;
    if (resize === undefined) issue('resize', 'shorterSide needs a resize filter, e.g. "bilinear-antialias" (torchvision Resize on a PIL image)');
    const [h, w] = config.inputSize;
    if (centerCrop[0] !== h || centerCrop[1] !== w) {
      issue('centerCrop', `the crop [${centerCrop.join(', ')}] must equal inputSize [${h}, ${w}]: the crop is what the model takes`);
    }
    if (Math.max(...centerCrop) > shorterSide) {
      issue('centerCrop', `the crop [${centerCrop.join(', ')}] is larger than shorterSide ${shorterSide}: it would crop past the resized image`);
    }
  });

export type Scale = z.infer<typeof ScaleSchema>;
export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type ModelConfigInput = z.input<typeof ModelConfigSchema>;

/** Formats a zod error as "field.path: message" lines, so a user sees which field is wrong. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
