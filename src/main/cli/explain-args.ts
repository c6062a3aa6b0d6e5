/** The command line of `biascope explain`, parsed and checked before any work starts. */
import { BACKENDS, type BackendName } from '../engine/backend';
import { METHODS, type MethodName } from '../../shared/explain';
import { parseChoice, parseCommandArgs, parseInteger } from './args';
import { UsageError } from './errors';
import { RUNTIME_OPTIONS, RUNTIME_USAGE, parseRuntime } from './runtime-args';
import type { RuntimeOptions } from '../engine/onnx/runtime';

export const EXPLAIN_USAGE = `Usage: biascope explain <image>... --model <model.onnx|model.json> [options]

Explains a model's predictions for each image: the top predictions, and an
attribution map for each target class.

Options:
  --model <path>    a PyTorch model exported to ONNX (model.onnx), or a
                    TensorFlow.js model.json (or the folder of either), with a
                    biascope.json (or Teachable Machine metadata.json) beside it
  --target <t>      class to explain: an index, a class name, "predicted", or
                    "all" for one map per class             (default: predicted)
  --method <m>      ${METHODS.join(', ')}
                                                              (default: gradcam)
  --layer <name>    layer for CAM methods     (default: the model's default layer)
  --top <k>         predictions to report per image, best first     (default: 5)
  --batch <n>       images per forward pass                         (default: 8)
  --backend <b>     ${BACKENDS.join(', ')}          (default: best available)
${RUNTIME_USAGE}
  --json            JSON Lines on stdout: one object per (image, target), or
                    {"image", "error"} for an image that cannot be read
  -h, --help        show this help

Maps are raw (not normalised), at the layer's resolution for CAM methods and at
the model's input resolution for guided methods.
Exit status: 0 if at least one image was explained, 1 if none was or the model
cannot be used, 2 for a wrong command line.`;

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
