/**
 * Runs part of an ONNX graph on tfjs, so it can be differentiated: the head of a
 * model from a layer to its logits (every CAM method), or the whole network (guided
 * backprop, the randomisation sanity check). ONNX Runtime runs the fast forward
 * pass; this is the differentiable one.
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { EngineError } from '../errors';
import type { OnnxGraph, OnnxNode } from './graph';
import type { OpContext, OpFn } from './ops/context';
import { ELEMENTWISE_OPS } from './ops/elementwise';
import { NN_OPS } from './ops/nn';
import { SHAPE_OPS, constantValue } from './ops/shape';
import type { Value } from './ops/value';

const OPS: Record<string, OpFn> = { ...ELEMENTWISE_OPS, ...NN_OPS, ...SHAPE_OPS };

export function isSupportedOp(node: OnnxNode): boolean {
  return (node.domain === '' || node.domain === 'ai.onnx') && node.opType in OPS;
}

export class Interpreter {
  private readonly producer = new Map<string, number>();
  /** Initializers as values, made on first use: a closed-form head reads none of a ResNet's weights. */
  private readonly weights = new Map<string, Value>();
  private readonly prepared = new Map<string, Tensor>();

  constructor(private readonly graph: OnnxGraph) {
    graph.nodes.forEach((node, i) => node.outputs.forEach((out) => this.producer.set(out, i)));
  }

  private weight(name: string): Value | undefined {
    let value = this.weights.get(name);
    if (value) return value;
    const constant = this.graph.initializers.get(name);
    if (!constant) return undefined;
    value = constantValue(constant);
    if (value.kind === 'tensor') tf.keep(value.tensor);
    this.weights.set(name, value);
    return value;
  }

  /** Nodes needed to compute `outputs` from `given` tensors, in graph order. */
  plan(outputs: readonly string[], given: ReadonlySet<string>): OnnxNode[] {
    const needed = new Set<number>();
    const stack = [...outputs];
    while (stack.length) {
      const name = stack.pop()!;
      if (given.has(name) || this.graph.initializers.has(name) || name === '') continue;
      const index = this.producer.get(name);
      if (index === undefined) throw new EngineError('input-invalid', `the graph has no tensor "${name}" and it was not fed`);
      if (needed.has(index)) continue;
      needed.add(index);
      stack.push(...this.graph.nodes[index]!.inputs);
    }
    return [...needed].sort((a, b) => a - b).map((i) => this.graph.nodes[i]!);
  }

  /** Ops in a plan the interpreter cannot run, with their nodes. */
  unsupported(nodes: readonly OnnxNode[]): OnnxNode[] {
    return nodes.filter((n) => !isSupportedOp(n));
  }

  /** Evaluates `outputs`; call inside tf.tidy or tf.grad, which own the intermediates. */
  run(feeds: ReadonlyMap<string, Value>, outputs: readonly string[]): Value[] {
    const values = new Map<string, Value>(feeds);
    for (const node of this.plan(outputs, new Set(feeds.keys()))) {
      const op = OPS[node.opType];
      if (!op || !isSupportedOp(node)) {
        throw new EngineError('method-unsupported', `the ONNX op ${node.opType} (node "${node.name}") cannot be differentiated by biascope yet`);
      }
      const read = (name: string) => (name === '' ? undefined : (values.get(name) ?? this.weight(name)));
      const ctx: OpContext = {
        node,
        inputs: node.inputs.map(read),
        opset: this.graph.opset,
        constantInput: (i) => this.graph.initializers.get(node.inputs[i] ?? '') ?? null,
        prepared: (key, make) => this.preparedTensor(node, key, make),
      };
      let results: Value[];
      try {
        results = op(ctx);
      } catch (error) {
        if (error instanceof EngineError) throw error;
        throw new EngineError('model-invalid', `ONNX node "${node.name}" (${node.opType}): ${(error as Error).message}`);
      }
      results.forEach((value, i) => node.outputs[i] && values.set(node.outputs[i]!, value));
    }
    return outputs.map((name) => {
      const value = values.get(name) ?? this.weight(name);
      if (!value) throw new EngineError('input-invalid', `tensor "${name}" was not computed`);
      return value;
    });
  }

  /**
   * Weight-derived tensors (a filter in tfjs layout) are made once and kept, when the
   * node's parameters are all initializers; otherwise they are made on every run.
   */
  private preparedTensor(node: OnnxNode, key: string, make: () => Tensor): Tensor {
    const constantParams = node.inputs.slice(1).every((name) => name === '' || this.graph.initializers.has(name));
    if (!constantParams) return make();
    const id = `${node.name}\n${key}`;
    let tensor = this.prepared.get(id);
    if (!tensor) {
      // A clone: `make` may hand back a weight itself, which must outlive this cache.
      tensor = tf.keep(tf.tidy(() => make().clone()));
      this.prepared.set(id, tensor);
    }
    return tensor;
  }

  /** Names of float weights (Conv and Gemm parameters) in graph order. */
  weightValue(name: string): Tensor | null {
    const v = this.weight(name);
    return v?.kind === 'tensor' ? v.tensor : null;
  }

  /** Replaces a float weight; prepared tensors are rebuilt on next use. */
  setWeight(name: string, tensor: Tensor): void {
    const old = this.weights.get(name);
    if (old?.kind === 'tensor') old.tensor.dispose();
    this.weights.set(name, { kind: 'tensor', tensor: tf.keep(tensor), channelsLast: false });
    this.clearPrepared();
  }

  private clearPrepared(): void {
    for (const t of this.prepared.values()) t.dispose();
    this.prepared.clear();
  }

  dispose(): void {
    this.clearPrepared();
    for (const v of this.weights.values()) if (v.kind === 'tensor') v.tensor.dispose();
    this.weights.clear();
  }
}
