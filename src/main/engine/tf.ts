/**
 * The one place the engine imports TensorFlow.js from, so every module shares the
 * same tfjs instance (and the same kernel and gradient registries).
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Rank } from '@tensorflow/tfjs';
export type { LayersModel, GraphModel } from '@tensorflow/tfjs';
