/** The command line of `biascope audit`, parsed and checked before any work starts. */
import { AUDIT_TARGETS, BACKENDS, DEFAULT_AUDIT_TARGETS, QueueSettingsSchema, type AuditTargets, type BackendName, type QueueSettings } from '../../shared/audit';
import type { MethodName } from '../../shared/explain';
import { parseChoice, parseCommandArgs, parseInteger } from './args';
import { UsageError } from './errors';
import { RUNTIME_OPTIONS, parseRuntime } from './runtime-args';
import type { RuntimeOptions } from '../engine/onnx/runtime';
import { parseReporterMode, REPORTER_OPTIONS, type ReporterMode } from './progress-reporter';
import { AUDIT_METHODS, AUDIT_USAGE } from './usage/audit';

export { AUDIT_USAGE };

export interface AuditRequest {
  dataset: string;
  model: string;
  out: string;
  methods: MethodName[];
  layer?: string;
  targets: AuditTargets;
  workers?: number;
  batch?: number;
  backend?: BackendName;
  runtime: RuntimeOptions;
  /** Region roles named on the command line; empty: the ones stored for the dataset. */
  spuriousRegions: string[];
  evidenceRegions: string[];
  /** Undefined: the stored threshold. */
  spuriousThreshold?: number;
  /** Manifest attribute whose groups the rebalancing plan balances. */
  groupBy?: string;
  /** Describe each map's evidence components for region-free concepts (and by which layer). */
  concepts: boolean;
  conceptLayer?: string;
  /** Compute on `biascope worker` processes through this Redis server. */
  queue?: QueueSettings;
  /** How progress is shown: for a person, nothing but problems, or JSON Lines for a tool. */
  mode: ReporterMode;
  /** The arguments as given: the command that resumes a stopped audit. */
  argv: readonly string[];
}

export type ParsedAudit = { help: true } | ({ help: false } & AuditRequest);

const OPTIONS = {
  model: { type: 'string' },
  out: { type: 'string' },
  method: { type: 'string', multiple: true },
  layer: { type: 'string' },
  targets: { type: 'string' },
  workers: { type: 'string' },
  batch: { type: 'string' },
  backend: { type: 'string' },
  ...RUNTIME_OPTIONS,
  'spurious-region': { type: 'string', multiple: true },
  'evidence-region': { type: 'string', multiple: true },
  'spurious-threshold': { type: 'string' },
  'group-by': { type: 'string' },
  concepts: { type: 'boolean' },
  'concept-layer': { type: 'string' },
  queue: { type: 'string' },
  'shared-fs': { type: 'boolean' },
  chunk: { type: 'string' },
  ...REPORTER_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

function parseShare(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${option} must be a number from 0 to 1, got "${value}"`);
  return n;
}

function parseQueue(url: string, sharedFs: boolean, chunk: string | undefined): QueueSettings {
  const parsed = QueueSettingsSchema.safeParse({ url, ...(sharedFs ? { sharedFs } : {}), ...(chunk === undefined ? {} : { chunkSize: parseInteger(chunk, '--chunk', 1, 1024) }) });
  if (!parsed.success) throw new UsageError(`--queue: ${parsed.error.issues[0]?.message ?? 'not a Redis address'}, got "${url}"`);
  return parsed.data;
}

export function parseAuditArgs(argv: readonly string[]): ParsedAudit {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) return { help: true };
  if (positionals.length === 0) throw new UsageError('no dataset folder given');
  if (positionals.length > 1) throw new UsageError(`one dataset folder at a time; got ${positionals.length}: ${positionals.join(', ')}`);
  if (values.model === undefined) throw new UsageError('--model <model.onnx|model.json> is required');
  if (values.out === undefined) throw new UsageError('--out <dir> is required');
  if (values.layer !== undefined && values.layer.trim() === '') throw new UsageError('--layer needs a layer name');
  const both = (values['spurious-region'] ?? []).filter((name) => (values['evidence-region'] ?? []).includes(name));
  if (both.length > 0) throw new UsageError(`a region cannot be both spurious and evidence: ${both.join(', ')}`);
  if (values.queue === undefined && (values['shared-fs'] || values.chunk !== undefined)) throw new UsageError('--shared-fs and --chunk go with --queue redis://host:port');
  const methods = [...new Set((values.method ?? ['gradcam']).map((m) => parseChoice(m, '--method', AUDIT_METHODS)))];
  return {
    help: false,
    dataset: positionals[0]!,
    model: values.model,
    out: values.out,
    methods,
    layer: values.layer,
    targets: values.targets === undefined ? DEFAULT_AUDIT_TARGETS : parseChoice(values.targets, '--targets', AUDIT_TARGETS),
    workers: values.workers === undefined ? undefined : parseInteger(values.workers, '--workers', 1, 64),
    batch: values.batch === undefined ? undefined : parseInteger(values.batch, '--batch', 1, 256),
    backend: values.backend === undefined ? undefined : parseChoice(values.backend, '--backend', BACKENDS),
    runtime: parseRuntime(values),
    spuriousRegions: [...new Set(values['spurious-region'] ?? [])],
    evidenceRegions: [...new Set(values['evidence-region'] ?? [])],
    spuriousThreshold: values['spurious-threshold'] === undefined ? undefined : parseShare(values['spurious-threshold'], '--spurious-threshold'),
    groupBy: values['group-by'],
    concepts: values.concepts === true || values['concept-layer'] !== undefined,
    ...(values['concept-layer'] === undefined ? {} : { conceptLayer: values['concept-layer'] }),
    ...(values.queue === undefined ? {} : { queue: parseQueue(values.queue, values['shared-fs'] === true, values.chunk) }),
    mode: parseReporterMode(values),
    argv: [...argv],
  };
}
