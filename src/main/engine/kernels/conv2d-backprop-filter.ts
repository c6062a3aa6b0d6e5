/**
 * Conv2DBackpropFilter for the wasm backend, which has none. Explanations never need
 * a filter gradient, but tfjs's fused conv2d gradient (converted graph models run
 * linear convolutions as _FusedConv2D) computes it eagerly, and training the demo
 * model needs it. It runs as one forward convolution, so XNNPACK does the work:
 *   dW[p, q, ci, co] = sum_{b, y, x} Xpad[b, y + p, x + q, ci] * dY[b, y, x, co]
 * is a 'valid' convolution of X^T ([ci, H, W, batch]) with dY^T ([h, w, batch, co])
 * as the filter, giving [ci, kh, kw, co]. A stride s becomes a dilation s of that
 * filter (dY's rows sit s apart in X), and the output is cropped to kh x kw.
 */
import { tf } from '../tf';
import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

type Shape4 = [number, number, number, number];

interface FilterGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: Shape4;
}

interface DisposingBackend extends KernelBackend {
  disposeData(dataId: object): boolean;
}

function runWasmKernel(name: string, backend: KernelBackend, inputs: Record<string, TensorInfo>, attrs: object): TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`Conv2DBackpropFilter (wasm): kernel ${name} is missing`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as NamedAttrMap }) as TensorInfo;
}

const filterGradient: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as FilterGradAttrs;
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
  const wasm = backend as DisposingBackend;
  const { top, bottom, left, right } = info.padInfo;
  const xt = runWasmKernel('Transpose', wasm, { x }, { perm: [3, 1, 2, 0] });
  const dyt = runWasmKernel('Transpose', wasm, { x: dy }, { perm: [1, 2, 0, 3] });
  const pad = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
  const dilations = [info.strideHeight, info.strideWidth];
  const conv = runWasmKernel('Conv2D', wasm, { x: xt, filter: dyt }, { strides: 1, pad, dilations, dataFormat: 'NHWC' });
  const [kh, kw, inC, outC] = a.filterShape;
  const needsCrop = conv.shape[1] !== kh || conv.shape[2] !== kw;
  // With strides, positions past the last window are not part of the filter.
  const cropped = needsCrop ? runWasmKernel('Slice', wasm, { x: conv }, { begin: [0, 0, 0, 0], size: [inC, kh, kw, outC] }) : conv;
  const dw = runWasmKernel('Transpose', wasm, { x: cropped }, { perm: [1, 2, 0, 3] });
  for (const t of needsCrop ? [xt, dyt, conv, cropped] : [xt, dyt, conv]) wasm.disposeData(t.dataId);
  return dw;
};

export const wasmConv2DBackpropFilter: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: filterGradient,
};
