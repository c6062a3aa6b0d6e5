import type { MethodName } from '../../../shared/explain';
import type { CamMethod } from './cam-method';
import { cam } from './cam';
import { counterfactual } from './counterfactual';
import { gradcam } from './gradcam';
import { gradcampp } from './gradcampp';
import { hirescam } from './hirescam';

/** Methods that work on the target layer's activation (the rest are pixel-space). */
export const CAM_METHODS: Partial<Record<MethodName, CamMethod>> = {
  gradcam,
  counterfactual,
  cam,
  gradcampp,
  hirescam,
};

export type { CamMethod, CamInputs } from './cam-method';
export { camMap } from './cam-method';
