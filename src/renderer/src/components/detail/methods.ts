/** How each explanation method is named and qualified in the UI. */
import { GUIDED_METHODS, METHODS, type MethodName } from '../../../../shared/explain';

export const METHOD_LABELS: Record<MethodName, string> = {
  gradcam: 'Grad-CAM',
  counterfactual: 'Counterfactual',
  cam: 'CAM',
  'guided-backprop': 'Guided backprop',
  'guided-gradcam': 'Guided Grad-CAM',
  gradcampp: 'Grad-CAM++',
  hirescam: 'HiResCAM',
};

/** Methods in the order the selector offers them: the usual ones first. */
export const METHOD_ORDER: readonly MethodName[] = [
  'gradcam',
  'counterfactual',
  'guided-backprop',
  'guided-gradcam',
  ...METHODS.filter((method) => !['gradcam', 'counterfactual', 'guided-backprop', 'guided-gradcam'].includes(method)),
];

export function isGuided(method: MethodName): boolean {
  return GUIDED_METHODS.includes(method);
}

/**
 * Shown beside guided maps when the back end sent no note of its own (stored maps carry
 * none). Adebayo et al. 2018, "Sanity Checks for Saliency Maps": guided backprop barely
 * changes when the model's weights are randomised, so it shows edges more than evidence.
 */
export const GUIDED_CAVEAT =
  'Guided maps fail the model-randomisation sanity check (Adebayo et al. 2018): they look much the same for an untrained model, so read them as edges, not as evidence.';
