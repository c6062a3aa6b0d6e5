/**
 * The gradients tfjs registers for convolutions, captured before the engine's
 * backend setup replaces them (gradients/fast-conv.ts on wasm), so a run can put
 * them back for a while and show what the replacement buys.
 */
import { tf } from '../src/main/engine/tf';
import type { GradConfig } from '@tensorflow/tfjs';
import { withGradients } from '../src/main/engine/gradients/registry';

const CONV_KERNELS = ['Conv2D', 'DepthwiseConv2dNative'];

export interface StockConvGradients {
  /** Runs `fn` with tfjs's own convolution gradients in force. */
  run<T>(fn: () => T): T;
}

/** Call before initBackend: afterwards the registry holds the engine's overrides. */
export function captureStockConvGradients(): StockConvGradients {
  const stock = CONV_KERNELS.map((name) => tf.getGradient(name)).filter((g): g is GradConfig => g !== undefined);
  return { run: (fn) => withGradients(stock, fn) };
}
