/** Turns decoded RGB pixels into the tensor a model takes, as its sidecar says. */
import { tf } from './tf';
import type { Tensor4D } from './tf';
import type { ModelConfig } from '../../shared/model-config';
import { EngineError } from './errors';

/** One image: interleaved RGB bytes, height x width x 3, at the model's input size. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export function toInputTensor(images: readonly RgbImage[], config: ModelConfig): Tensor4D {
  const [h, w] = config.inputSize;
  if (images.length === 0) throw new EngineError('input-invalid', 'no images to explain');
  const size = h * w * 3;
  const batch = new Float32Array(images.length * size);
  images.forEach((image, i) => {
    if (image.width !== w || image.height !== h || image.data.length !== size) {
      throw new EngineError(
        'input-invalid',
        `image ${i} is ${image.width}x${image.height} with ${image.data.length} bytes; the model takes ${w}x${h} RGB (${size} bytes)`,
      );
    }
    batch.set(image.data, i * size);
  });
  return tf.tidy(() => {
    let x: Tensor4D = tf.tensor4d(batch, [images.length, h, w, 3]);
    if (config.preprocess.channels === 'bgr') x = x.reverse(3);
    const scale = config.preprocess.scale;
    if (scale === '0..1') return x.div(255);
    if (scale === '-1..1') return x.div(127.5).sub(1);
    return x.div(255).sub(tf.tensor1d(scale.mean)).div(tf.tensor1d(scale.std));
  });
}
