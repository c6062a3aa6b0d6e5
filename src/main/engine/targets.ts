/**
 * What to explain, separate from how: a target strategy turns a batch's logits into
 * the class indices whose scores are explained, one list per image.
 */
import type { TargetSpec } from '../../shared/explain';
import { EngineError } from './errors';

/** Parses a CLI/API target: a class index, a class name, "predicted" or "all". */
export function parseTarget(value: string, classes: readonly string[]): TargetSpec {
  if (value === 'predicted') return { kind: 'predicted' };
  if (value === 'all') return { kind: 'all' };
  const byName = classes.indexOf(value);
  if (byName >= 0) return { kind: 'class', index: byName };
  if (/^\d+$/.test(value)) {
    const index = Number(value);
    if (index < classes.length) return { kind: 'class', index };
    throw new EngineError('target-invalid', `target ${index} is out of range: the model has ${classes.length} classes (0..${classes.length - 1})`);
  }
  throw new EngineError('target-invalid', `target "${value}" is neither a class index, a class name (${classes.join(', ')}), "predicted" nor "all"`);
}

/** Class indices to explain for each image; every image gets the same number. */
export function resolveTargets(spec: TargetSpec, logits: Float32Array, numClasses: number): number[][] {
  const batch = logits.length / numClasses;
  const rows = Array.from({ length: batch }, (_, b) => logits.subarray(b * numClasses, (b + 1) * numClasses));
  switch (spec.kind) {
    case 'predicted':
      return rows.map((row) => [argmax(row)]);
    case 'all':
      return rows.map(() => Array.from({ length: numClasses }, (_, c) => c));
    case 'class':
      if (spec.index < 0 || spec.index >= numClasses) {
        throw new EngineError('target-invalid', `target ${spec.index} is out of range: the model has ${numClasses} classes`);
      }
      return rows.map(() => [spec.index]);
    case 'predicted-and':
      if (spec.classes.length !== batch) {
        throw new EngineError('target-invalid', `got ${spec.classes.length} extra targets for a batch of ${batch}`);
      }
      return rows.map((row, b) => {
        const extra = spec.classes[b]!;
        if (extra >= numClasses) throw new EngineError('target-invalid', `target ${extra} is out of range: the model has ${numClasses} classes`);
        return [argmax(row), extra < 0 ? argmax(row) : extra];
      });
  }
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
