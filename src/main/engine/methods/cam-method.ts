/**
 * The class-activation-map pipeline every CAM method shares:
 *   map = ReLU( sum_k  alpha_k^c  A^k )
 * where A is the target layer's activation [B, h, w, K]. A method supplies the
 * channel weights alpha [B, K] (Grad-CAM's one step), or overrides the weighted sum
 * itself when its weights vary by position (HiResCAM).
 */
import { tf } from '../tf';
import type { Tensor2D, Tensor3D, Tensor4D } from '../tf';
import type { MethodName } from '../../../shared/explain';

export interface CamInputs {
  /** A: the target layer's activation, [B, h, w, K]. */
  activation: Tensor4D;
  /**
   * dy^c / dA for each image's target class, [B, h, w, K], or [B, 1, 1, K] when it is
   * the same at every position (a global-average-pooling head); null if not computed.
   */
  gradients: Tensor4D | null;
  /** w^c: dense weights of each image's target class, [B, K]; null unless the head is GAP -> dense. */
  denseWeights: Tensor2D | null;
}

export interface CamMethod {
  name: MethodName;
  needs: 'gradients' | 'dense-weights';
  /** alpha_k^c, [B, K]. */
  channelWeights?(inputs: CamInputs): Tensor2D;
  /** The pre-ReLU map [B, h, w] for methods whose weights vary by position. */
  weightedSum?(inputs: CamInputs): Tensor3D;
}

/** sum_k alpha_k A^k, [B, h, w]. */
export function weightedChannelSum(activation: Tensor4D, alpha: Tensor2D): Tensor3D {
  const [b, , , k] = activation.shape;
  return activation.mul(alpha.reshape([b, 1, 1, k])).sum(3);
}

export function camMap(method: CamMethod, inputs: CamInputs): Tensor3D {
  return tf.tidy(() => {
    const pre = method.weightedSum
      ? method.weightedSum(inputs)
      : weightedChannelSum(inputs.activation, method.channelWeights!(inputs));
    return tf.relu(pre);
  });
}

export function requireGradients(inputs: CamInputs, method: MethodName): Tensor4D {
  if (!inputs.gradients) throw new Error(`${method}: gradients were not computed`);
  return inputs.gradients;
}
