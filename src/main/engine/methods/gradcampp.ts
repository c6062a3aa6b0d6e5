/**
 * Grad-CAM++ (Chattopadhay et al. 2018, eq. 19, with the exponential output so the
 * higher derivatives are powers of the first, g = dy^c/dA):
 *   a_ij^kc  = g^2 / (2 g^2 + sum_ab A^k_ab g^3)
 *   alpha_k^c = sum_ij a_ij^kc ReLU(g_ij)
 */
import { tf } from '../tf';
import type { Tensor2D } from '../tf';
import type { CamMethod } from './cam-method';
import { requireGradients } from './cam-method';

export const gradcampp: CamMethod = {
  name: 'gradcampp',
  needs: 'gradients',
  channelWeights: (inputs) => {
    const given = requireGradients(inputs, 'gradcampp');
    // Its sums run over positions: a gradient constant over space is spread out first.
    const g = given.shape[1] === inputs.activation.shape[1] && given.shape[2] === inputs.activation.shape[2] ? given : given.add(tf.zerosLike(inputs.activation));
    const g2 = g.square();
    const g3 = g2.mul(g);
    const activationSum = inputs.activation.sum([1, 2], true);
    const denominator = g2.mul(2).add(activationSum.mul(g3));
    const safe = tf.where(denominator.equal(0), tf.onesLike(denominator), denominator);
    const a = tf.where(g.equal(0), tf.zerosLike(g), g2.div(safe));
    return a.mul(tf.relu(g)).sum([1, 2]) as Tensor2D;
  },
};
