/**
 * Whether the head after a layer is CAM's: global average pooling, then reshapes,
 * then one plain dense layer whose weight is in the file. Then dy_c/dA_ijk = w_ck / hw,
 * a closed form of the head's gradient, and CAM's kernel is that weight.
 */
import type { Constant, OnnxGraph, OnnxNode } from './graph';

/** Ops that only compute shapes for the head: no bearing on its function. */
const SHAPE_ONLY = new Set(['Shape', 'Gather', 'Unsqueeze', 'Concat', 'Constant', 'Cast', 'Slice', 'Squeeze']);
const RESHAPES = new Set(['Flatten', 'Reshape', 'Squeeze', 'Identity', 'Dropout']);

export interface DenseHead {
  /** The dense layer's weight as stored. */
  weightName: string;
  weight: Constant;
  /** Whether the stored weight is [classes, K] (Gemm transB = 1, PyTorch's Linear). */
  classesFirst: boolean;
}

function integerConstant(graph: OnnxGraph, name: string | undefined): number[] | null {
  const constant = name ? graph.initializers.get(name) : undefined;
  return constant?.integer ? (constant.data as number[]) : null;
}

/** `head`: the nodes from the layer to the logits, in graph order. */
export function denseHead(graph: OnnxGraph, head: readonly OnnxNode[], layer: string): DenseHead | { reason: string } {
  const nodes = head.filter((n) => !SHAPE_ONLY.has(n.opType));
  const ops = nodes.map((n) => n.opType);
  const [pool, gemm] = [nodes[0], nodes.at(-1)];
  // ReduceMean's axes: an attribute before opset 18, an input since.
  const axes = pool?.opType === 'ReduceMean' ? ((pool.attributes.get('axes') as number[] | undefined) ?? integerConstant(graph, pool.inputs[1])) : null;
  const spatialMean = !!axes && axes.length === 2 && axes.map((v) => (v < 0 ? v + 4 : v)).sort().join() === '2,3';
  const pooled = pool?.opType === 'GlobalAveragePool' || (pool?.opType === 'ReduceMean' && spatialMean);
  const between = ops.slice(1, -1).every((op) => RESHAPES.has(op));
  // A plain product: Gemm scaled by alpha or with A transposed is not CAM's dense layer.
  const plain = gemm?.opType === 'MatMul' || (gemm?.opType === 'Gemm' && (gemm.attributes.get('alpha') ?? 1) === 1 && (gemm.attributes.get('transA') ?? 0) === 0);
  const weightName = gemm?.inputs[1] ?? '';
  const weight = plain ? graph.initializers.get(weightName) : undefined;
  if (!pooled || !between || !weight || weight.dims.length !== 2 || nodes.length < 2) {
    return { reason: `CAM needs the layer to feed global average pooling then one dense layer; after "${layer}" come ${ops.join(' -> ')}` };
  }
  return { weightName, weight, classesFirst: gemm!.opType === 'Gemm' && gemm!.attributes.get('transB') === 1 };
}
