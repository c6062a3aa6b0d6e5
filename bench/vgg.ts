/**
 * A VGG-style classifier at 224x224, the size of the models people audit: two 3x3
 * convolutions per block (32, 64, 128, 256 filters) each followed by 2x2 max
 * pooling, a last 3x3 convolution, global average pooling and a 10-way dense head.
 * Weights are seeded so every run measures the same network.
 */
import { tf } from '../src/main/engine/tf';
import type { LayersModel } from '../src/main/engine/tf';

export const VGG_SIZE = 224;
export const VGG_CLASSES = Array.from({ length: 10 }, (_, i) => `class_${i}`);
const BLOCKS = [32, 64, 128, 256];

export function buildVgg(): LayersModel {
  let seed = 1;
  const conv = (filters: number, name: string, extra: { inputShape?: number[] } = {}) =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      name,
      // He initialisation keeps ReLU activations from dying out through 9 layers.
      kernelInitializer: tf.initializers.heNormal({ seed: seed++ }),
      biasInitializer: 'zeros',
      ...extra,
    });
  const model = tf.sequential({ name: 'vgg_bench' });
  BLOCKS.forEach((filters, b) => {
    const first = b === 0 ? { inputShape: [VGG_SIZE, VGG_SIZE, 3] } : {};
    model.add(conv(filters, `block${b + 1}_conv1`, first));
    model.add(conv(filters, `block${b + 1}_conv2`));
    model.add(tf.layers.maxPooling2d({ poolSize: 2, name: `block${b + 1}_pool` }));
  });
  model.add(conv(256, 'conv_last'));
  model.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
  model.add(
    tf.layers.dense({
      units: VGG_CLASSES.length,
      name: 'logits',
      kernelInitializer: tf.initializers.glorotNormal({ seed: seed++ }),
    }),
  );
  return model;
}
