/** The bench's table for a person and its JSON record for comparing runs over time. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Explanation cost relative to a forward pass, per image, at the same batch size. */
export const TARGETS = { gradcam: 1.15, guidedBackprop: 3 } as const;

export interface CaseResult {
  model: string;
  batch: number;
  /** Median milliseconds per image. */
  forwardMs: number;
  gradcamMs: number;
  guidedBackpropMs: number;
  /** Timed repetitions behind each median: forward, Grad-CAM, guided backprop. */
  reps: [number, number, number];
}

export interface FastConvComparison {
  model: string;
  batch: number;
  /** Guided backprop, ms per image, with tfjs's stock convolution gradients. */
  stockMs: number;
  /** The same with the engine's fast input gradient (the CaseResult figure). */
  fastMs: number;
}

export interface BenchRecord {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  backend: string;
  /** 1, 5 and 15 minute load averages when the bench started. */
  loadAverage: number[];
  targets: typeof TARGETS;
  cases: (CaseResult & { gradcamRatio: number; guidedBackpropRatio: number; pass: { gradcam: boolean; guidedBackprop: boolean } })[];
  fastConvOff: FastConvComparison | { skipped: string };
  notes: string[];
}

export function withRatios(result: CaseResult): BenchRecord['cases'][number] {
  const gradcamRatio = result.gradcamMs / result.forwardMs;
  const guidedBackpropRatio = result.guidedBackpropMs / result.forwardMs;
  return {
    ...result,
    gradcamRatio,
    guidedBackpropRatio,
    pass: { gradcam: gradcamRatio <= TARGETS.gradcam, guidedBackprop: guidedBackpropRatio <= TARGETS.guidedBackprop },
  };
}

const ms = (v: number) => v.toFixed(1);
const verdict = (ratio: number, target: number) => `${ratio.toFixed(2)} (<= ${target}) ${ratio <= target ? 'PASS' : 'MISS'}`;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c < 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

export function formatCases(cases: BenchRecord['cases']): string[] {
  const header = ['model', 'batch', 'forward ms/img', 'grad-cam ms/img', 'guided-bp ms/img', 'grad-cam / forward', 'guided-bp / forward'];
  const rows = cases.map((c) => [
    c.model,
    String(c.batch),
    ms(c.forwardMs),
    ms(c.gradcamMs),
    ms(c.guidedBackpropMs),
    verdict(c.gradcamRatio, TARGETS.gradcam),
    verdict(c.guidedBackpropRatio, TARGETS.guidedBackprop),
  ]);
  return table([header, ...rows]);
}

export function formatFastConv(comparison: BenchRecord['fastConvOff']): string {
  if ('skipped' in comparison) return `fast conv gradient off: skipped (${comparison.skipped})`;
  const { model, batch, stockMs, fastMs } = comparison;
  return `guided backprop, ${model}, batch ${batch}: stock conv gradients ${ms(stockMs)} ms/img, engine's fast conv gradient ${ms(fastMs)} ms/img (${(stockMs / fastMs).toFixed(1)}x faster)`;
}

/** Writes the record as engine-<time>.json and as latest.json; returns the first path. */
export async function writeRecord(record: BenchRecord, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = record.date.replace(/[:.]/g, '-');
  const file = path.join(dir, `engine-${stamp}.json`);
  const text = JSON.stringify(record, null, 2) + '\n';
  await writeFile(file, text);
  await writeFile(path.join(dir, 'latest.json'), text);
  return file;
}
