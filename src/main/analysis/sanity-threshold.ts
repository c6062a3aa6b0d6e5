/**
 * Once every layer is randomised, a trustworthy method's maps correlate less than this
 * with the originals. Apart from trust-check.ts, which loads the engine, so that the
 * report can print it without loading TensorFlow.js.
 */
export const SANITY_THRESHOLD = 0.5;
