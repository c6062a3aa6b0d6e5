/**
 * Class probabilities for a batch of images, with no map: what the causal tests of
 * concepts need after editing an image (remove a region, paste one in). Every format
 * through `Network`: a native runtime's forward pass where the model has one (ONNX),
 * else tfjs's logits. Softmax over the pre-softmax logits, as the audit's predictions.
 */
import { tf } from './tf';
import type { LoadedModel } from './model/load';
import { toInputTensor, type RgbImage } from './preprocess';
import { EngineError } from './errors';

/** One row of probabilities per image, in the model's class order. */
export async function predictBatch(model: LoadedModel, images: readonly RgbImage[]): Promise<Float32Array[]> {
  if (images.length === 0) return [];
  const fixed = model.network.fixedBatch ?? null;
  if (fixed !== null && images.length !== fixed) {
    // An export without a dynamic batch: whole batches, the last one padded with its own last image.
    const out: Float32Array[] = [];
    for (let start = 0; start < images.length; start += fixed) {
      const n = Math.min(fixed, images.length - start);
      const part = Array.from({ length: fixed }, (_, i) => images[start + Math.min(i, n - 1)]!);
      out.push(...(await predictBatch(model, part)).slice(0, n));
    }
    return out;
  }
  const x = toInputTensor(images, model.config);
  try {
    const fast = await (model.network.fastPass?.(x, null) ?? null);
    let values: Float32Array;
    try {
      values = tf.tidy(() => tf.softmax(fast ? fast.logits : model.network.logits(x)).dataSync() as Float32Array).slice();
    } finally {
      fast?.dispose();
    }
    const classes = values.length / images.length;
    if (!Number.isInteger(classes) || classes < 1) throw new EngineError('model-invalid', `the model returned ${values.length} values for ${images.length} images`);
    for (const v of values) if (!Number.isFinite(v)) throw new EngineError('model-invalid', 'the model returned a probability that is not a finite number');
    return Array.from({ length: images.length }, (_, i) => values.slice(i * classes, (i + 1) * classes));
  } finally {
    x.dispose();
  }
}

/** Index of the largest probability (the first on ties). */
export function argmax(probabilities: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[best]!) best = i;
  return best;
}
