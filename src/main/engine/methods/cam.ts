/**
 * CAM (Zhou et al. 2016, eq. 2): for a head A -> global average pooling -> dense,
 * M_c = sum_k w_k^c A^k with w^c the dense weights of class c. Since
 * dy^c/dA^k_ij = w_k^c / Z there, Grad-CAM equals CAM divided by Z = h*w.
 */
import type { CamMethod } from './cam-method';

export const cam: CamMethod = {
  name: 'cam',
  needs: 'dense-weights',
  channelWeights: (inputs) => {
    if (!inputs.denseWeights) throw new Error('cam: dense weights were not provided');
    return inputs.denseWeights;
  },
};
