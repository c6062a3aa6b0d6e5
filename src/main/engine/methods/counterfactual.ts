/**
 * Counterfactual explanation (Selvaraju et al. 2017, sec. 3): Grad-CAM with the
 * gradients negated, alpha_k^c = 1/Z sum_ij -dy^c/dA^k_ij: the regions whose removal
 * would make the model more confident in class c, i.e. evidence against it.
 */
import type { CamMethod } from './cam-method';
import { requireGradients } from './cam-method';
import type { Tensor2D } from '../tf';

export const counterfactual: CamMethod = {
  name: 'counterfactual',
  needs: 'gradients',
  channelWeights: (inputs) => requireGradients(inputs, 'counterfactual').neg().mean([1, 2]) as Tensor2D,
};
