/** --threads and --device: how ONNX Runtime runs an ONNX model (ignored for TensorFlow.js models). */
import { DEVICES, type Device } from '../../shared/devices';
import type { RuntimeOptions } from '../engine/onnx/runtime';
import { parseChoice, parseInteger } from './args';

export { RUNTIME_USAGE } from './usage/runtime';

export const RUNTIME_OPTIONS = {
  threads: { type: 'string' },
  device: { type: 'string' },
} as const;

export function parseRuntime(values: { threads?: string; device?: string }): RuntimeOptions {
  return {
    ...(values.threads === undefined ? {} : { threads: parseInteger(values.threads, '--threads', 1, 256) }),
    ...(values.device === undefined ? {} : { device: parseChoice<Device>(values.device, '--device', DEVICES) }),
  };
}
