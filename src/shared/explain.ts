/**
 * Explanation results as they cross process boundaries (CLI JSON, IPC, HTTP).
 * Pure types and constants: no Node, no DOM.
 */

export const METHODS = [
  'gradcam',
  'counterfactual',
  'cam',
  'guided-backprop',
  'guided-gradcam',
  'gradcampp',
  'hirescam',
] as const;
export type MethodName = (typeof METHODS)[number];

/** Methods whose map is at input resolution (pixel-space gradients). */
export const GUIDED_METHODS: readonly MethodName[] = ['guided-backprop', 'guided-gradcam'];

export function isMethodName(value: string): value is MethodName {
  return (METHODS as readonly string[]).includes(value);
}

export interface ClassRef {
  index: number;
  name: string;
}

export interface Prediction extends ClassRef {
  /** The class score before softmax. */
  logit: number;
  prob: number;
}

/** A raw map, row-major, at the resolution the method produced. */
export interface MapData {
  width: number;
  height: number;
  data: Float32Array;
}

/** What to explain: the predicted class, the true label, every class, or one class. */
export type TargetSpec =
  | { kind: 'predicted' }
  | { kind: 'all' }
  | { kind: 'class'; index: number }
  /**
   * The predicted class, then one more class per image (an audit's true label);
   * -1 where an image has none, which repeats the predicted class.
   */
  | { kind: 'predicted-and'; classes: readonly number[] };
