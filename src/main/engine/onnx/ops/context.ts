/** What an op implementation sees: its node, its input values, attributes, prepared weights. */
import type { Tensor } from '../../tf';
import type { AttributeValue, Constant, OnnxNode } from '../graph';
import type { Value } from './value';

export interface OpContext {
  node: OnnxNode;
  /** Input values in order; undefined where an optional input is left out (""). */
  inputs: (Value | undefined)[];
  opset: number;
  /** The initializer feeding input `index`, if it is one (weights can be prepared once). */
  constantInput(index: number): Constant | null;
  /** A tensor derived from weights, made once per node and kept until the weights change. */
  prepared(key: string, make: () => Tensor): Tensor;
}

export type OpFn = (ctx: OpContext) => Value[];

export function attr(ctx: OpContext, name: string): AttributeValue | undefined {
  return ctx.node.attributes.get(name);
}

export function intAttr(ctx: OpContext, name: string, fallback: number): number {
  const v = attr(ctx, name);
  return typeof v === 'number' ? v : fallback;
}

export function floatAttr(ctx: OpContext, name: string, fallback: number): number {
  return intAttr(ctx, name, fallback);
}

export function intsAttr(ctx: OpContext, name: string): number[] | undefined {
  const v = attr(ctx, name);
  return Array.isArray(v) ? (v as number[]) : undefined;
}

export function stringAttr(ctx: OpContext, name: string, fallback: string): string {
  const v = attr(ctx, name);
  return typeof v === 'string' ? v : fallback;
}

export function input(ctx: OpContext, index: number): Value {
  const v = ctx.inputs[index];
  if (!v) throw new Error(`input ${index} is missing`);
  return v;
}
