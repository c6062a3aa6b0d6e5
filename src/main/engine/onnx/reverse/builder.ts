/** Emits ONNX nodes for a gradient graph: unique names, constants, attributes. */
import type { AttributeValue, Constant } from '../graph';
import type { RawAttribute, RawNode } from '../proto';

const ATTRIBUTE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** A float attribute whose value may be whole (Gemm's alpha = 1): JavaScript cannot tell. */
export interface FloatValue {
  float: number;
}

export type BuilderValue = AttributeValue | FloatValue;

export function attribute(name: string, value: BuilderValue): RawAttribute {
  if (typeof value === 'object' && 'float' in value) return { name, type: ATTRIBUTE.FLOAT, f: value.float };
  if (typeof value === 'string') return { name, type: ATTRIBUTE.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return Number.isInteger(value) ? { name, type: ATTRIBUTE.INT, i: value } : { name, type: ATTRIBUTE.FLOAT, f: value };
  if (Array.isArray(value)) {
    const numbers = value as number[];
    return numbers.every(Number.isInteger) ? { name, type: ATTRIBUTE.INTS, ints: numbers } : { name, type: ATTRIBUTE.FLOATS, floats: numbers };
  }
  const constant = value as Constant;
  return { name, type: ATTRIBUTE.TENSOR, t: constant.integer ? { dims: constant.dims, dataType: 7, int64Data: constant.data as number[] } : { dims: constant.dims, dataType: 1, floatData: Array.from(constant.data) } };
}

export class GraphBuilder {
  readonly nodes: RawNode[] = [];
  private count = 0;

  constructor(private readonly prefix: string) {}

  /** Adds a node; returns its output names. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, BuilderValue> = {}, outputs = 1): string[] {
    const id = `${this.prefix}/${opType}_${this.count++}`;
    const names = Array.from({ length: outputs }, (_, i) => `${id}:${i}`);
    this.nodes.push({
      name: id,
      opType,
      input: [...inputs],
      output: names,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return names;
  }

  one(opType: string, inputs: readonly string[], attributes: Record<string, BuilderValue> = {}): string {
    return this.op(opType, inputs, attributes)[0]!;
  }

  ints(values: readonly number[]): string {
    return this.one('Constant', [], { value: { dims: [values.length], data: [...values], integer: true } });
  }

  scalar(value: number): string {
    return this.one('Constant', [], { value: { dims: [], data: Float32Array.of(value), integer: false } });
  }
}
