/**
 * Guided backpropagation (Springenberg et al. 2015, eq. 4): at a ReLU, pass a
 * gradient only where the forward input was positive AND the gradient itself is
 * positive:  R_i = (f_i > 0) * (R_{i+1} > 0) * R_{i+1}.
 */
import { tf } from '../tf';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';

const guidedRelu: GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [x] = saved as [Tensor];
    return { x: () => tf.mul(tf.relu(dy as Tensor), tf.step(x)) };
  },
};

// ReLU6 passes gradient only where 0 < x < 6; guidance adds the positive-gradient gate.
const guidedRelu6: GradConfig = {
  kernelName: 'Relu6',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [x] = saved as [Tensor];
    return {
      x: () => {
        const open = tf.logicalAnd(tf.greater(x, 0), tf.less(x, 6)).cast('float32');
        return tf.mul(tf.relu(dy as Tensor), open);
      },
    };
  },
};

export const GUIDED_RELU_GRADIENTS: readonly GradConfig[] = [guidedRelu, guidedRelu6];
