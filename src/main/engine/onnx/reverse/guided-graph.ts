/**
 * Guided backpropagation as an ONNX graph (a reverse-mode transform of the model), so
 * ONNX Runtime computes it natively, on every core or the GPU, instead of the tfjs
 * interpreter's single thread. The new graph takes `seed` [N, classes] (the one-hot
 * rows of the explained classes) and outputs d(seed . logits)/d(input) with guided
 * ReLUs: a ReLU (or ReLU6) passes only positive gradients where its input was
 * positive (Springenberg et al. 2015). Only standard ONNX ops are emitted. Ops without
 * a rule make the transform decline with the reason; the interpreter then runs.
 */
import type { OnnxGraph, OnnxNode } from '../graph';
import type { RawNode } from '../proto';
import { GraphBuilder } from './builder';

export interface GuidedGraph {
  nodes: RawNode[];
  seed: string;
  gradient: string;
}

/** Integer-valued ops: nothing flows back through them. */
const NOT_DIFFERENTIABLE = new Set(['Shape', 'Size', 'Equal', 'Greater', 'Less', 'ConstantOfShape', 'Range', 'Floor', 'Ceil', 'Argmax', 'ArgMax', 'Constant']);

type Shapes = ReadonlyMap<string, readonly number[]>;

/** Shapes (without batch) every rule may ask for: inputs and outputs of the nodes on the path. */
export function tensorsToProbe(graph: OnnxGraph, inputName: string, logitsName: string): string[] {
  return [...differentiable(graph, inputName)].filter((t) => t !== inputName && t !== logitsName);
}

function differentiable(graph: OnnxGraph, inputName: string): Set<string> {
  const live = new Set([inputName]);
  for (const node of graph.nodes) {
    if (NOT_DIFFERENTIABLE.has(node.opType)) continue;
    if (node.inputs.some((i) => live.has(i))) for (const out of node.outputs.slice(0, 1)) live.add(out);
  }
  return live;
}

export function buildGuidedGraph(graph: OnnxGraph, inputName: string, logitsName: string, shapes: Shapes): GuidedGraph | { reason: string } {
  const live = differentiable(graph, inputName);
  if (!live.has(logitsName)) return { reason: 'the logits do not depend on the input' };
  const b = new GraphBuilder('biascope_guided');
  const seed = 'biascope_guided/seed';
  const grads = new Map<string, string[]>([[logitsName, [seed]]]);
  const add = (tensor: string, grad: string) => {
    if (live.has(tensor)) grads.set(tensor, [...(grads.get(tensor) ?? []), grad]);
  };
  const total = (tensor: string): string | null => {
    const parts = grads.get(tensor);
    if (!parts || parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : b.one('Sum', parts);
  };
  const shapeOf = (tensor: string) => shapes.get(tensor);

  for (const node of [...graph.nodes].reverse()) {
    const y = node.outputs[0];
    if (!y || !live.has(y) || NOT_DIFFERENTIABLE.has(node.opType)) continue;
    const dy = total(y);
    if (!dy) continue;
    const weightDims = (t: string) => graph.initializers.get(t)?.dims ?? null;
    const reason = node.opType === 'Pad' ? padBackward(node, dy, b, add, constantInts(graph)) : backward(node, dy, b, add, live, shapeOf, weightDims, graph.opset);
    if (reason) return { reason: `${node.opType} (node "${node.name}"): ${reason}` };
  }
  const gradient = total(inputName);
  if (!gradient) return { reason: 'no gradient reaches the input' };
  return { nodes: b.nodes, seed, gradient: b.one('Identity', [gradient]) };
}

/** Sums a gradient over the axes an operand was broadcast along; null if it cannot say. */
function unbroadcast(b: GraphBuilder, grad: string, operand: readonly number[] | undefined, output: readonly number[] | undefined): string | null {
  if (!operand || !output) return null;
  if (operand.length !== output.length) return null;
  const axes = operand.flatMap((d, i) => (d === 1 && output[i]! > 1 ? [i + 1] : []));
  if (axes.length === 0) return grad;
  return b.one('ReduceSum', [grad, b.ints(axes)], { keepdims: 1 });
}

type Add = (tensor: string, grad: string) => void;

function backward(
  node: OnnxNode,
  dy: string,
  b: GraphBuilder,
  add: Add,
  live: Set<string>,
  shapeOf: (t: string) => readonly number[] | undefined,
  weightDims: (t: string) => readonly number[] | null,
  opset: number,
): string | null {
  const [x0, x1] = node.inputs;
  const attr = (name: string) => node.attributes.get(name);
  const isLive = (t: string | undefined) => !!t && live.has(t);
  switch (node.opType) {
    case 'Identity':
    case 'Dropout':
      add(x0!, dy);
      return null;
    case 'Flatten':
    case 'Reshape':
    case 'Squeeze':
    case 'Unsqueeze':
      add(x0!, b.one('Reshape', [dy, b.one('Shape', [x0!])]));
      return null;
    case 'Transpose': {
      const perm = attr('perm') as number[] | undefined;
      if (!perm) return 'a transpose without perm';
      add(x0!, b.one('Transpose', [dy], { perm: perm.map((_, i) => perm.indexOf(i)) }));
      return null;
    }
    case 'Relu': {
      // Guided: the positive part of the gradient, where the input was positive.
      const open = b.one('Cast', [b.one('Greater', [x0!, b.scalar(0)])], { to: 1 });
      add(x0!, b.one('Mul', [b.one('Relu', [dy]), open]));
      return null;
    }
    case 'Clip': {
      const lo = opset >= 11 ? node.inputs[1] : undefined;
      const hi = opset >= 11 ? node.inputs[2] : undefined;
      if (opset < 11) return 'Clip before opset 11';
      const above = lo ? b.one('Greater', [x0!, lo]) : null;
      const below = hi ? b.one('Less', [x0!, hi]) : null;
      const inside = above && below ? b.one('And', [above, below]) : (above ?? below);
      const passed = b.one('Relu', [dy]);
      add(x0!, inside ? b.one('Mul', [passed, b.one('Cast', [inside], { to: 1 })]) : passed);
      return null;
    }
    case 'HardSigmoid': {
      // y = clip(alpha x + beta, 0, 1): the slope alpha where the line is inside (0, 1).
      const alpha = Number(attr('alpha') ?? 0.2);
      const beta = Number(attr('beta') ?? 0.5);
      const line = b.one('Add', [b.one('Mul', [x0!, b.scalar(alpha)]), b.scalar(beta)]);
      const inside = b.one('And', [b.one('Greater', [line, b.scalar(0)]), b.one('Less', [line, b.scalar(1)])]);
      add(x0!, b.one('Mul', [dy, b.one('Mul', [b.one('Cast', [inside], { to: 1 }), b.scalar(alpha)])]));
      return null;
    }
    case 'HardSwish': {
      // y = x clip(x/6 + 1/2, 0, 1): slope 0 below -3, 1 above 3, (2x + 3)/6 between.
      const middle = b.one('Div', [b.one('Add', [b.one('Mul', [x0!, b.scalar(2)]), b.scalar(3)]), b.scalar(6)]);
      const slope = b.one('Where', [b.one('Less', [x0!, b.scalar(-3)]), b.scalar(0), b.one('Where', [b.one('Greater', [x0!, b.scalar(3)]), b.scalar(1), middle])]);
      add(x0!, b.one('Mul', [dy, slope]));
      return null;
    }
    case 'Sigmoid': {
      const y = node.outputs[0]!;
      add(x0!, b.one('Mul', [dy, b.one('Mul', [y, b.one('Sub', [b.scalar(1), y])])]));
      return null;
    }
    case 'Add':
    case 'Sub': {
      for (const [i, operand] of [x0, x1].entries()) {
        if (!isLive(operand)) continue;
        const g = unbroadcast(b, i === 1 && node.opType === 'Sub' ? b.one('Neg', [dy]) : dy, shapeOf(operand!), shapeOf(node.outputs[0]!));
        if (!g) return 'operand shapes unknown or of different ranks';
        add(operand!, g);
      }
      return null;
    }
    case 'Mul': {
      for (const [i, operand] of [x0, x1].entries()) {
        if (!isLive(operand)) continue;
        const other = i === 0 ? x1! : x0!;
        const g = unbroadcast(b, b.one('Mul', [dy, other]), shapeOf(operand!), shapeOf(node.outputs[0]!));
        if (!g) return 'operand shapes unknown or of different ranks';
        add(operand!, g);
      }
      return null;
    }
    case 'Div':
      if (isLive(x1)) return 'division by a computed tensor';
      add(x0!, b.one('Div', [dy, x1!]));
      return null;
    case 'Gemm': {
      if ((attr('transA') ?? 0) !== 0) return 'transA';
      if (isLive(x1)) return 'a computed weight';
      const alpha = Number(attr('alpha') ?? 1);
      add(x0!, b.one('Gemm', [dy, x1!], { transB: 1 - Number(attr('transB') ?? 0), alpha: { float: alpha } }));
      return null;
    }
    case 'MatMul': {
      // [..., K] x [K, N] weights (dense layers, also on channels-last maps as in ConvNeXt).
      if (isLive(x1) || weightDims(x1!)?.length !== 2) return 'only products with a 2-D weight';
      add(x0!, b.one('MatMul', [dy, b.one('Transpose', [x1!], { perm: [1, 0] })]));
      return null;
    }
    case 'Erf':
      add(x0!, b.one('Mul', [dy, b.one('Mul', [b.one('Exp', [b.one('Neg', [b.one('Mul', [x0!, x0!])])]), b.scalar(2 / Math.sqrt(Math.PI))])]));
      return null;
    case 'LayerNormalization':
      return layerNormBackward(node, dy, b, add, shapeOf, opset);
    case 'GlobalAveragePool': {
      const shape = shapeOf(x0!);
      if (!shape || shape.length !== 3) return 'input shape unknown';
      add(x0!, b.one('Mul', [b.one('Expand', [dy, b.one('Shape', [x0!])]), b.scalar(1 / (shape[1]! * shape[2]!))]));
      return null;
    }
    case 'ReduceMean': {
      const axesInput = opset >= 18 ? node.inputs[1] : undefined;
      if (axesInput) return 'axes given as an input';
      const axes = ((attr('axes') as number[] | undefined) ?? []).map((a) => (a < 0 ? a + 4 : a)).sort();
      const shape = shapeOf(x0!);
      if (axes.join() !== '2,3' || !shape || shape.length !== 3) return 'a mean over other axes than the spatial ones';
      const kept = Number(attr('keepdims') ?? 1) === 1 ? dy : b.one('Unsqueeze', [dy, b.ints([2, 3])]);
      add(x0!, b.one('Mul', [b.one('Expand', [kept, b.one('Shape', [x0!])]), b.scalar(1 / (shape[1]! * shape[2]!))]));
      return null;
    }
    case 'BatchNormalization': {
      const [, scale, , , variance] = node.inputs;
      const epsilon = Number(attr('epsilon') ?? 1e-5);
      const factor = b.one('Div', [scale!, b.one('Sqrt', [b.one('Add', [variance!, b.scalar(epsilon)])])]);
      add(x0!, b.one('Mul', [dy, b.one('Unsqueeze', [factor, b.ints([1, 2])])]));
      return null;
    }
    case 'Concat': {
      const axis = Number(attr('axis') ?? 0);
      if (axis !== 1 && axis !== -3) return 'a concatenation along other axes than channels';
      let offset = 0;
      for (const operand of node.inputs) {
        const channels = shapeOf(operand)?.[0];
        if (channels === undefined) return 'operand shapes unknown';
        if (isLive(operand)) add(operand, b.one('Slice', [dy, b.ints([offset]), b.ints([offset + channels]), b.ints([1])]));
        offset += channels;
      }
      return null;
    }
    case 'Conv':
      return convBackward(node, dy, b, add, shapeOf, weightDims);
    case 'MaxPool':
      return maxPoolBackward(node, dy, b, add, opset);
    case 'AveragePool':
      return averagePoolBackward(node, dy, b, add, shapeOf);
    default:
      return 'no gradient rule';
  }
}

function convBackward(
  node: OnnxNode,
  dy: string,
  b: GraphBuilder,
  add: Add,
  shapeOf: (t: string) => readonly number[] | undefined,
  weightDims: (t: string) => readonly number[] | null,
): string | null {
  const [x, w] = node.inputs;
  const inShape = shapeOf(x!);
  const outShape = shapeOf(node.outputs[0]!);
  const wShape = weightDims(w!);
  if (!inShape || !outShape || inShape.length !== 3) return 'only 2-D convolutions with known shapes';
  const kernel = (node.attributes.get('kernel_shape') as number[] | undefined) ?? (wShape ? wShape.slice(2) : null);
  if (!kernel || kernel.length !== 2) return 'kernel size unknown';
  const strides = (node.attributes.get('strides') as number[] | undefined) ?? [1, 1];
  const dilations = (node.attributes.get('dilations') as number[] | undefined) ?? [1, 1];
  const group = Number(node.attributes.get('group') ?? 1);
  const autoPad = String(node.attributes.get('auto_pad') ?? 'NOTSET');
  let pads = (node.attributes.get('pads') as number[] | undefined) ?? [0, 0, 0, 0];
  if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad !== 'NOTSET') {
    const total = [0, 1].map((i) => Math.max(0, (outShape[i + 1]! - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - inShape[i + 1]!));
    const small = total.map((t) => Math.floor(t / 2));
    const large = total.map((t, i) => t - small[i]!);
    pads = autoPad === 'SAME_UPPER' ? [small[0]!, small[1]!, large[0]!, large[1]!] : [large[0]!, large[1]!, small[0]!, small[1]!];
  }
  // The transposed convolution's output must be exactly the input's size: what the
  // forward stride dropped at the end comes back as output_padding.
  const outputPadding = [0, 1].map((i) => inShape[i + 1]! - ((outShape[i + 1]! - 1) * strides[i]! - pads[i]! - pads[i + 2]! + (kernel[i]! - 1) * dilations[i]! + 1));
  if (outputPadding.some((p, i) => p < 0 || p >= Math.max(strides[i]!, dilations[i]!))) return 'an output size the transposed convolution cannot reproduce';
  // Conv's weight [Cout, Cin/g, kh, kw] is ConvTranspose's layout as it stands.
  add(x!, b.one('ConvTranspose', [dy, w!], { group, strides, dilations, pads, output_padding: outputPadding, kernel_shape: kernel }));
  return null;
}

function maxPoolBackward(node: OnnxNode, dy: string, b: GraphBuilder, add: Add, opset: number): string | null {
  if (opset < 16) return 'scattering gradients back needs opset 16 (ScatterElements with add)';
  const x = node.inputs[0]!;
  const attributes = Object.fromEntries([...node.attributes].filter(([name]) => name !== 'storage_order'));
  // The same pooling again, asking for the flat index of each window's maximum.
  const [, indices] = b.op('MaxPool', [x], attributes, 2);
  const flat = b.ints([-1]);
  const zeros = b.one('ConstantOfShape', [b.one('Reshape', [b.one('Size', [x]), b.ints([1])])]);
  const scattered = b.one('ScatterElements', [zeros, b.one('Reshape', [indices!, flat]), b.one('Reshape', [dy, flat])], { axis: 0, reduction: 'add' });
  add(x, b.one('Reshape', [scattered, b.one('Shape', [x])]));
  return null;
}

/** Each input pixel gets 1/(kh kw) of every window's gradient: a depthwise transposed convolution. */
function averagePoolBackward(node: OnnxNode, dy: string, b: GraphBuilder, add: Add, shapeOf: (t: string) => readonly number[] | undefined): string | null {
  const x = node.inputs[0]!;
  const inShape = shapeOf(x);
  const outShape = shapeOf(node.outputs[0]!);
  const kernel = node.attributes.get('kernel_shape') as number[] | undefined;
  if (!inShape || !outShape || inShape.length !== 3 || !kernel || kernel.length !== 2) return 'shapes unknown';
  const strides = (node.attributes.get('strides') as number[] | undefined) ?? [1, 1];
  const pads = (node.attributes.get('pads') as number[] | undefined) ?? [0, 0, 0, 0];
  const autoPad = String(node.attributes.get('auto_pad') ?? 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') return 'auto_pad';
  if (pads.some((p) => p !== 0) && Number(node.attributes.get('count_include_pad') ?? 0) === 0) return 'padding left out of the average';
  const outputPadding = [0, 1].map((i) => inShape[i + 1]! - ((outShape[i + 1]! - 1) * strides[i]! - pads[i]! - pads[i + 2]! + kernel[i]!));
  if (outputPadding.some((p, i) => p < 0 || p >= strides[i]!)) return 'an output size the transposed convolution cannot reproduce';
  const channels = inShape[0]!;
  const weight = b.one('Constant', [], { value: { dims: [channels, 1, kernel[0]!, kernel[1]!], data: new Float32Array(channels * kernel[0]! * kernel[1]!).fill(1 / (kernel[0]! * kernel[1]!)), integer: false } });
  add(x, b.one('ConvTranspose', [dy, weight], { group: channels, strides, pads, output_padding: outputPadding, kernel_shape: kernel }));
  return null;
}

/** Integer constants of the graph by tensor name: initializers and Constant nodes. */
function constantInts(graph: OnnxGraph): (name: string) => number[] | null {
  return (name) => {
    const init = graph.initializers.get(name);
    if (init?.integer) return init.data as number[];
    const node = graph.nodes.find((n) => n.opType === 'Constant' && n.outputs[0] === name);
    const value = node?.attributes.get('value');
    return value && typeof value === 'object' && !Array.isArray(value) && value.integer ? (value.data as number[]) : null;
  };
}

/** Constant padding taken off again: a slice. */
function padBackward(node: OnnxNode, dy: string, b: GraphBuilder, add: Add, ints: (name: string) => number[] | null): string | null {
  const mode = String(node.attributes.get('mode') ?? 'constant');
  if (mode !== 'constant') return `${mode} padding`;
  if (node.inputs[3]) return 'padding of chosen axes';
  const pads = (node.attributes.get('pads') as number[] | undefined) ?? ints(node.inputs[1] ?? '');
  if (!pads || pads.some((p) => p < 0)) return 'pads unknown or negative';
  const rank = pads.length / 2;
  const starts = pads.slice(0, rank);
  // Slice ends counted from the end; a huge end keeps everything on unpadded axes.
  const ends = pads.slice(rank).map((p) => (p > 0 ? -p : 2 ** 62));
  const axes = Array.from({ length: rank }, (_, i) => i);
  add(node.inputs[0]!, b.one('Slice', [dy, b.ints(starts), b.ints(ends), b.ints(axes)]));
  return null;
}

/**
 * y = x^ g + b with x^ = (x - mean) / sd over the trailing axes:
 *   dx = (dx^ - mean(dx^) - x^ mean(dx^ x^)) / sd,  dx^ = dy g.
 */
function layerNormBackward(node: OnnxNode, dy: string, b: GraphBuilder, add: Add, shapeOf: (t: string) => readonly number[] | undefined, opset: number): string | null {
  const [x, scale] = node.inputs;
  const shape = shapeOf(x!);
  if (!shape) return 'input shape unknown';
  const rank = shape.length + 1;
  const axis = Number(node.attributes.get('axis') ?? -1);
  const first = axis < 0 ? axis + rank : axis;
  const axes = Array.from({ length: rank - first }, (_, i) => first + i);
  const epsilon = Number(node.attributes.get('epsilon') ?? 1e-5);
  // ReduceMean took its axes as an attribute until opset 18, as an input since.
  const mean = (t: string) => (opset >= 18 ? b.one('ReduceMean', [t, b.ints(axes)], { keepdims: 1 }) : b.one('ReduceMean', [t], { axes, keepdims: 1 }));
  const centred = b.one('Sub', [x!, mean(x!)]);
  const inverse = b.one('Reciprocal', [b.one('Sqrt', [b.one('Add', [mean(b.one('Mul', [centred, centred])), b.scalar(epsilon)])])]);
  const normed = b.one('Mul', [centred, inverse]);
  const dNormed = b.one('Mul', [dy, scale!]);
  const inner = b.one('Sub', [b.one('Sub', [dNormed, mean(dNormed)]), b.one('Mul', [normed, mean(b.one('Mul', [dNormed, normed]))])]);
  add(x!, b.one('Mul', [inner, inverse]));
  return null;
}
