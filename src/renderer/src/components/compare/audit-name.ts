/** How an audit is named in the compare dialog, and when two keys are the same audit. */
import type { AuditKey } from '../../../../shared/views';

export function sameAudit(x: AuditKey, y: AuditKey): boolean {
  return x.datasetId === y.datasetId && x.modelId === y.modelId && x.layer === y.layer && x.method === y.method;
}

/**
 * The model's folder with its parent ("demo/model"): model.json is the same name
 * everywhere, and a folder alone ("model") is often the same too. An ONNX file with
 * its own name is named by it ("exports/resnet50").
 */
export function auditName(audit: { modelPath: string; layer: string; method: string }): string {
  const parts = audit.modelPath.split(/[\\/]/).filter((p) => p !== '');
  const file = parts.at(-1) ?? '';
  const folders = /^model\.(json|onnx)$/i.test(file) || /\.json$/i.test(file) ? parts.slice(0, -1) : [...parts.slice(0, -1), file.replace(/\.onnx$/i, '')];
  return `${folders.slice(-2).join('/')} · ${audit.layer} · ${audit.method}`;
}

/** A share as a whole percentage; a dash when there is none. */
export const pct = (value: number | null): string => (value === null ? '–' : `${Math.round(value * 100)}%`);

/** A change of a share in percentage points, signed: "+12", "−5", "0". */
export function points(delta: number | null): string {
  if (delta === null) return '–';
  const rounded = Math.round(delta * 100);
  return rounded === 0 ? '0' : `${rounded > 0 ? '+' : '−'}${Math.abs(rounded)}`;
}
