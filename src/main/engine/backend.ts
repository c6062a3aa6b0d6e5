/**
 * Backend choice, best first: tfjs-node (native TensorFlow, an optional dependency),
 * then wasm (SIMD), then cpu. Backends that need it get the gradient overrides that
 * make the engine correct and fast on them.
 */
import { tf } from './tf';
import { EngineError } from './errors';
import { installGradients } from './gradients/registry';
import { fastConvGradients } from './gradients/fast-conv';
import { firstMaxPoolGradient } from './gradients/max-pool';
import { wasmConv2DBackpropFilter } from './kernels/conv2d-backprop-filter';

import { BACKENDS, type BackendName } from '../../shared/devices';

export { BACKENDS, type BackendName };

/**
 * The cpu backend greets Node users once, on its first tensor, suggesting tfjs-node. Who
 * chose (or fell back to) cpu gains nothing from it, and on stderr it breaks what tools
 * read there (`biascope audit --json-progress`).
 */
export const TFJS_NODE_HINT = /looks like you are running TensorFlow\.js in Node\.js/;

export function isTfjsNodeHint(args: readonly unknown[]): boolean {
  return args.some((arg) => typeof arg === 'string' && TFJS_NODE_HINT.test(arg));
}

export interface BackendInfo {
  name: BackendName;
  /** wasm only: whether SIMD instructions are in use. */
  simd?: boolean;
  /** Backends tried before this one, with why they were passed over. */
  skipped: { name: BackendName; reason: string }[];
}

let restoreGradients: (() => void) | null = null;
let current: BackendInfo | null = null;

async function registerBackend(name: BackendName): Promise<void> {
  if (name === 'tensorflow') {
    // Optional dependency: present only where its native library could be installed.
    const moduleName = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ moduleName);
  } else if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.registerKernel(wasmConv2DBackpropFilter);
  }
}

async function activate(name: BackendName): Promise<void> {
  await registerBackend(name);
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
}

/** Overrides that the chosen backend needs; stock gradients everywhere else. */
function gradientsFor(name: BackendName) {
  return name === 'wasm' ? [...fastConvGradients(), firstMaxPoolGradient()] : [];
}

/**
 * Selects a backend. With `prefer`, only that backend is tried (an error if it
 * cannot start); without it, the best available one.
 */
export async function initBackend(prefer?: BackendName): Promise<BackendInfo> {
  const order: readonly BackendName[] = prefer ? [prefer] : BACKENDS;
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    try {
      await activate(name);
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
      continue;
    }
    restoreGradients?.();
    restoreGradients = installGradients(gradientsFor(name));
    current = { name, skipped };
    if (name === 'wasm') current.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    return current;
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new EngineError('backend-unavailable', `no TensorFlow.js backend could start (${reasons})`);
}

/** The active backend; starts the best one on first use. */
export async function ensureBackend(): Promise<BackendInfo> {
  return current ?? initBackend();
}

export function describeBackend(info: BackendInfo): string {
  const simd = info.name === 'wasm' ? (info.simd ? ' (SIMD)' : ' (no SIMD)') : '';
  return `${info.name}${simd}`;
}
