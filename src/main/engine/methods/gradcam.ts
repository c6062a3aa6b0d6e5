/**
 * Grad-CAM (Selvaraju et al. 2017, eq. 1):
 *   alpha_k^c = 1/Z sum_i sum_j  dy^c / dA^k_ij
 */
import type { CamMethod } from './cam-method';
import { requireGradients } from './cam-method';
import type { Tensor2D } from '../tf';

export const gradcam: CamMethod = {
  name: 'gradcam',
  needs: 'gradients',
  channelWeights: (inputs) => requireGradients(inputs, 'gradcam').mean([1, 2]) as Tensor2D,
};
