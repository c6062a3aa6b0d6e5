/**
 * Gradient overrides, registered in one place. tfjs looks a kernel's gradient up
 * when the forward op is recorded on the tape, so an override must be in force
 * while the forward pass runs inside tf.grad, and is restored afterwards.
 */
import { tf } from '../tf';
import type { GradConfig } from '@tensorflow/tfjs';

export type GradientSet = readonly GradConfig[];

/** Registers `overrides`, returning a function that puts the previous ones back. */
export function installGradients(overrides: GradientSet): () => void {
  const previous = overrides.map((config) => ({
    kernelName: config.kernelName,
    config: tf.getGradient(config.kernelName),
  }));
  for (const config of overrides) tf.registerGradient(config);
  return () => {
    for (const { kernelName, config } of previous) {
      tf.unregisterGradient(kernelName);
      if (config) tf.registerGradient(config);
    }
  };
}

/** Runs `fn` with `overrides` in force. */
export function withGradients<T>(overrides: GradientSet, fn: () => T): T {
  const restore = installGradients(overrides);
  try {
    return fn();
  } finally {
    restore();
  }
}
