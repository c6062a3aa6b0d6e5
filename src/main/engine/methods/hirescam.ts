/**
 * HiResCAM (Draelos & Carin 2020, eq. 4): the gradient weights each position
 * instead of being averaged first, M_c = ReLU( sum_k  dy^c/dA^k  ⊙  A^k ), which
 * provably reflects the locations the model used for a GAP -> dense head.
 */
import type { Tensor3D } from '../tf';
import type { CamMethod } from './cam-method';
import { requireGradients } from './cam-method';

export const hirescam: CamMethod = {
  name: 'hirescam',
  needs: 'gradients',
  weightedSum: (inputs) => requireGradients(inputs, 'hirescam').mul(inputs.activation).sum(3) as Tensor3D,
};
