/** The command line of `biascope explain`, parsed and checked before any work starts. */
import { BACKENDS, type BackendName } from '../../shared/devices';
import { METHODS, type MethodName } from '../../shared/explain';
import { parseChoice, parseCommandArgs, parseInteger } from './args';
import { UsageError } from './errors';
import { RUNTIME_OPTIONS, parseRuntime } from './runtime-args';
import type { RuntimeOptions } from '../engine/onnx/runtime';
import { EXPLAIN_USAGE } from './usage/explain';

export { EXPLAIN_USAGE };

export const DEFAULT_BATCH = 8;
export const DEFAULT_TOP = 5;
const MAX_BATCH = 1024;

export interface ExplainRequest {
  images: string[];
  model: string;
  /** As typed; resolved against the model's classes once it is loaded. */
  target: string;
  method: MethodName;
  /** Absent: the model's default layer. */
  layer?: string;
  top: number;
  batch: number;
  /** Absent: the best backend available. */
  backend?: BackendName;
  runtime: RuntimeOptions;
  json: boolean;
}

export type ParsedExplain = { help: true } | ({ help: false } & ExplainRequest);

const OPTIONS = {
  model: { type: 'string' },
  target: { type: 'string' },
  method: { type: 'string' },
  layer: { type: 'string' },
  top: { type: 'string' },
  batch: { type: 'string' },
  backend: { type: 'string' },
  ...RUNTIME_OPTIONS,
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseExplainArgs(argv: readonly string[]): ParsedExplain {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) return { help: true };
  if (values.model === undefined) throw new UsageError('--model <model.onnx|model.json> is required');
  if (positionals.length === 0) throw new UsageError('no images given');
  if (values.layer !== undefined && values.layer.trim() === '') throw new UsageError('--layer needs a layer name');
  return {
    help: false,
    images: positionals,
    model: values.model,
    target: values.target ?? 'predicted',
    method: values.method === undefined ? 'gradcam' : parseChoice(values.method, '--method', METHODS),
    layer: values.layer,
    top: values.top === undefined ? DEFAULT_TOP : parseInteger(values.top, '--top', 1),
    batch: values.batch === undefined ? DEFAULT_BATCH : parseInteger(values.batch, '--batch', 1, MAX_BATCH),
    backend: values.backend === undefined ? undefined : parseChoice(values.backend, '--backend', BACKENDS),
    runtime: parseRuntime(values),
    json: values.json ?? false,
  };
}
