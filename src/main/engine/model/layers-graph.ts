/**
 * A LayersModel flattened into an ordered list of steps over tensor ids, so the
 * model can be run from any layer's output onward. Nested models (a base network
 * inside a classifier, as Keras applications and Teachable Machine build them) are
 * expanded in place, so their inner layers are targetable too.
 */
import { tf } from '../tf';
import type { LayersModel, SymbolicTensor, layers } from '@tensorflow/tfjs';
import { EngineError } from '../errors';

export type Layer = layers.Layer;

export interface Step {
  /** The layer's name; for an alias, the nested model it passes through. */
  name: string;
  className: string;
  /** Null for an alias: the output is the input, renamed across a nested model edge. */
  layer: Layer | null;
  inputs: number[];
  outputs: number[];
  /** Output shape without batch, for the first output. */
  shape: number[] | null;
}

export interface LayerGraph {
  input: number;
  output: number;
  steps: Step[];
}

function isInputLayer(layer: Layer): boolean {
  return layer.getClassName() === 'InputLayer';
}

function isNestedModel(layer: Layer): layer is LayersModel & Layer {
  return layer instanceof tf.LayersModel;
}

/** The inbound node of `layer` that produced symbolic tensor `t`. */
function producingNode(t: SymbolicTensor) {
  const node = t.sourceLayer.inboundNodes.find((n) => n.outputTensors.some((o) => o.id === t.id));
  if (!node) throw new EngineError('model-invalid', `layer "${t.sourceLayer.name}": no node produces tensor ${t.name}`);
  return node;
}

function shapeOf(t: SymbolicTensor): number[] | null {
  if (!t.shape) return null;
  const rest = t.shape.slice(1);
  return rest.every((d) => typeof d === 'number') ? (rest as number[]) : null;
}

export function compileLayerGraph(model: LayersModel): LayerGraph {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new EngineError(
      'model-invalid',
      `model "${model.name}" has ${model.inputs.length} inputs and ${model.outputs.length} outputs; an image classifier has one of each`,
    );
  }
  const steps: Step[] = [];
  const ready = new Set<number>([model.inputs[0]!.id]);
  const expanded = new Set<string>();

  const alias = (name: string, className: string, from: SymbolicTensor, to: SymbolicTensor) => {
    steps.push({ name, className, layer: null, inputs: [from.id], outputs: [to.id], shape: shapeOf(to) });
    ready.add(to.id);
  };

  const visit = (t: SymbolicTensor): void => {
    if (ready.has(t.id)) return;
    const layer = t.sourceLayer;
    if (isInputLayer(layer)) {
      throw new EngineError('model-invalid', `input "${t.name}" is not the model's input; models with several inputs are not supported`);
    }
    const node = producingNode(t);
    node.inputTensors.forEach(visit);
    if (ready.has(t.id)) return;
    if (isNestedModel(layer)) {
      if (expanded.has(layer.name)) {
        throw new EngineError('model-invalid', `nested model "${layer.name}" is called more than once; shared sub-models are not supported`);
      }
      expanded.add(layer.name);
      layer.inputs.forEach((inner, i) => alias(layer.name, 'InputAlias', node.inputTensors[i]!, inner));
      layer.outputs.forEach(visit);
      layer.outputs.forEach((inner, i) => alias(layer.name, layer.getClassName(), inner, node.outputTensors[i]!));
      return;
    }
    steps.push({
      name: layer.name,
      className: layer.getClassName(),
      layer,
      inputs: node.inputTensors.map((x) => x.id),
      outputs: node.outputTensors.map((x) => x.id),
      shape: shapeOf(node.outputTensors[0]!),
    });
    node.outputTensors.forEach((o) => ready.add(o.id));
  };

  visit(model.outputs[0]!);
  return { input: model.inputs[0]!.id, output: model.outputs[0]!.id, steps };
}

/** Indices of the steps that (transitively) read tensor `id`. */
export function stepsDownstreamOf(graph: LayerGraph, id: number): Set<number> {
  const tainted = new Set<number>([id]);
  const downstream = new Set<number>();
  graph.steps.forEach((step, index) => {
    if (step.inputs.some((i) => tainted.has(i))) {
      downstream.add(index);
      step.outputs.forEach((o) => tainted.add(o));
    }
  });
  return downstream;
}

/** Indices of the steps that read tensor `id` directly. */
export function consumersOf(graph: LayerGraph, id: number): number[] {
  const result: number[] = [];
  graph.steps.forEach((step, index) => {
    if (step.inputs.includes(id)) result.push(index);
  });
  return result;
}
