/**
 * Pixel-space methods.
 * Guided backpropagation: dy^c/dx with ReLUs passing only positive gradients where
 * their input was positive (gradients/guided-relu.ts). Guided Grad-CAM (Selvaraju et
 * al. 2017, sec. 3): guided backprop times the Grad-CAM map upsampled to the input,
 * pixel by pixel.
 */
import { tf } from '../tf';
import type { Tensor2D, Tensor3D, Tensor4D } from '../tf';
import type { Network } from '../model/network';
import { withGradients } from '../gradients/registry';
import { GUIDED_RELU_GRADIENTS } from '../gradients/guided-relu';

/**
 * Guided backprop for each image's target, [B, H, W, 3]. `targetsFor` sees the
 * logits of this very pass and returns one-hot target rows [B, classes], so a
 * caller needs no separate forward pass to pick the predicted class.
 */
export function guidedBackprop(network: Network, x: Tensor4D, targetsFor: (logits: Float32Array) => Tensor2D): Tensor4D {
  return withGradients(GUIDED_RELU_GRADIENTS, () =>
    tf.grad((input) => {
      const logits = network.logits(input as Tensor4D);
      return logits.mul(targetsFor(logits.dataSync() as Float32Array)).sum();
    })(x),
  ) as Tensor4D;
}

/** Bilinear upsampling of [B, h, w] maps to [B, H, W, 1] (half-pixel centres, like image resizing). */
export function upsample(maps: Tensor3D, height: number, width: number): Tensor4D {
  return tf.image.resizeBilinear(maps.expandDims(3) as Tensor4D, [height, width], false, true);
}

/** Guided Grad-CAM, [B, H, W, 3]: GB ⊙ upsampled Grad-CAM. */
export function guidedGradcam(guided: Tensor4D, gradcamMaps: Tensor3D): Tensor4D {
  const [, h, w] = guided.shape;
  return guided.mul(upsample(gradcamMaps, h, w));
}

/** A pixel-space map as reported: the sum over channels of absolute values, [B, H, W]. */
export function channelSummedMagnitude(pixels: Tensor4D): Tensor3D {
  return pixels.abs().sum(3);
}
