/**
 * Conv2DBackpropFilter for the wasm backend, which has none. Explanations never need
 * a filter gradient, but tfjs's fused conv2d gradient (converted graph models run
 * linear convolutions as _FusedConv2D) computes it eagerly, so without this kernel
 * any gradient through such a node fails on wasm. A direct loop, exact and
 * unhurried: it only runs on that path.
 *   dW[p, q, ci, co] = sum_{b, y, x} X[b, y*s - pad + p, x*s - pad + q, ci] * dY[b, y, x, co]
 */
import { tf } from '../tf';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

interface FilterGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export const wasmConv2DBackpropFilter: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as FilterGradAttrs;
    if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported');
    const wasm = backend as unknown as WasmBackendLike;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const xs = wasm.typedArrayFromHeap(x);
    const dys = wasm.typedArrayFromHeap(dy);
    const [kh, kw, inC, outC] = filterShape;
    const { batchSize, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
    const { top, left } = info.padInfo;
    const grad = new Float32Array(kh * kw * inC * outC);
    for (let b = 0; b < batchSize; b++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          const dyBase = ((b * outHeight + oy) * outWidth + ox) * outC;
          for (let p = 0; p < kh; p++) {
            const iy = oy * strideHeight - top + p;
            if (iy < 0 || iy >= inHeight) continue;
            for (let q = 0; q < kw; q++) {
              const ix = ox * strideWidth - left + q;
              if (ix < 0 || ix >= inWidth) continue;
              const xBase = ((b * inHeight + iy) * inWidth + ix) * inC;
              const wBase = (p * kw + q) * inC * outC;
              for (let ci = 0; ci < inC; ci++) {
                const xv = xs[xBase + ci]!;
                if (xv === 0) continue;
                const row = wBase + ci * outC;
                for (let co = 0; co < outC; co++) grad[row + co]! += xv * dys[dyBase + co]!;
              }
            }
          }
        }
      }
    }
    const out = wasm.makeOutput(filterShape, 'float32');
    wasm.typedArrayFromHeap(out).set(grad);
    return out;
  },
};
