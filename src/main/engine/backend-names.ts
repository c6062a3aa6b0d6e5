/**
 * The backends' names alone, without TensorFlow.js: the command line's help and
 * argument checks list them, and must not load tfjs to do it.
 */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
