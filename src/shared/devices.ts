/**
 * Where a model runs: ONNX Runtime's device, TensorFlow.js's backend. Apart from
 * audit.ts, which loads zod (a tenth of a second), so that the command line's help can
 * list them without it.
 */
export const DEVICES = ['cpu', 'cuda', 'auto'] as const;
export type Device = (typeof DEVICES)[number];

/** TensorFlow.js backends, best first: native TensorFlow (tfjs-node), then wasm, then plain JavaScript. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
