/**
 * Where ONNX Runtime runs a model. Apart from audit.ts, which loads zod (a tenth of a
 * second), so that the command line's help can list them without it.
 */
export const DEVICES = ['cpu', 'cuda', 'auto'] as const;
export type Device = (typeof DEVICES)[number];
