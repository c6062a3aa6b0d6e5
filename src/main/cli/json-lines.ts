/** The `--json` records of `biascope explain`: one JSON object per line. */
import type { ExplainedMap, ImageExplanation } from '../engine/explain';
import type { ClassRef, MethodName, Prediction } from '../../shared/explain';

/** Six significant digits: float32 carries about seven, and output stays compact. */
export function roundFloat(value: number): number {
  if (!Number.isFinite(value)) return value;
  return value === 0 ? 0 : Number(value.toPrecision(6)); // also turns -0 into 0
}

export interface MapRecord {
  image: string;
  method: MethodName;
  /** Null for methods that read no layer (guided backprop). */
  layer: string | null;
  target: ClassRef;
  predictions: Prediction[];
  map: { width: number; height: number; data: number[] };
}

export interface ErrorRecord {
  image: string;
  error: string;
}

export function mapRecord(image: string, explanation: ImageExplanation, map: ExplainedMap): MapRecord {
  return {
    image,
    method: map.method,
    layer: map.layer,
    target: map.target,
    predictions: explanation.predictions.map((p) => ({ index: p.index, name: p.name, logit: roundFloat(p.logit), prob: roundFloat(p.prob) })),
    map: { width: map.map.width, height: map.map.height, data: Array.from(map.map.data, roundFloat) },
  };
}

export function errorRecord(image: string, error: string): ErrorRecord {
  return { image, error };
}
