/**
 * Two audits compared, on disk: compare.csv (one row per class, and per class x group)
 * and compare.json (the whole view, for programs), plus the lines a terminal shows.
 */
import path from 'node:path';
import { WHOLE_CLASS, type CompareRow, type CompareView } from '../../shared/compare';
import { csvText, writeFileAtomic } from './safe-write';

export const COMPARE_FILES = { csv: 'compare.csv', json: 'compare.json' } as const;

/** Empty for "not computed", so a spreadsheet does not average a missing value as 0. */
const cell = (value: number | null) => (value === null ? '' : Number(value.toFixed(6)));

export function compareCsv(view: CompareView): string {
  const head = [
    ...['label', 'group_by', 'group', 'images', 'a_audited', 'b_audited'],
    ...['a_accuracy', 'b_accuracy', 'delta_accuracy', 'a_spurious', 'b_spurious', 'delta_spurious', 'fixed', 'broken'],
    ...view.regions.flatMap((r) => [`a_mass_${r}`, `b_mass_${r}`, `delta_mass_${r}`]),
  ];
  const rows = view.rows.map((row) => [
    row.label,
    row.group === null ? '' : view.groupBy,
    row.group ?? WHOLE_CLASS,
    row.images,
    row.a.audited,
    row.b.audited,
    cell(row.a.accuracy),
    cell(row.b.accuracy),
    cell(row.delta.accuracy),
    cell(row.a.spurious),
    cell(row.b.spurious),
    cell(row.delta.spurious),
    row.fixed,
    row.broken,
    ...row.a.mass.flatMap((m, i) => [cell(m.mean), cell(row.b.mass[i]!.mean), cell(row.delta.mass[i]!.delta)]),
  ]);
  return csvText([head, ...rows]);
}

export async function writeCompareFiles(view: CompareView, dir: string): Promise<string[]> {
  const csv = path.join(dir, COMPARE_FILES.csv);
  const json = path.join(dir, COMPARE_FILES.json);
  await writeFileAtomic(csv, compareCsv(view));
  await writeFileAtomic(json, `${JSON.stringify(view, null, 2)}\n`);
  return [csv, json];
}

/** How far a class moved: the larger of its accuracy and spurious-share changes. */
function movement(row: CompareRow): number {
  return Math.max(Math.abs(row.delta.accuracy ?? 0), Math.abs(row.delta.spurious ?? 0));
}

const pct = (value: number | null) => (value === null ? '–' : `${Math.round(value * 100)}%`);
function points(delta: number | null): string {
  if (delta === null) return '';
  const rounded = Math.round(delta * 100);
  return ` (${rounded > 0 ? '+' : rounded < 0 ? '−' : ''}${Math.abs(rounded)} pts)`;
}

/** One line per class, the classes that moved most first: accuracy, spurious share, flips. */
export function movedMost(view: CompareView, limit = 10): string[] {
  const classes = view.rows.filter((row) => row.group === null).sort((x, y) => movement(y) - movement(x) || x.label.localeCompare(y.label));
  return classes.slice(0, limit).map((row) => {
    const accuracy = `accuracy ${pct(row.a.accuracy)} → ${pct(row.b.accuracy)}${points(row.delta.accuracy)}`;
    const spurious = row.a.spurious === null ? '' : `, spurious focus ${pct(row.a.spurious)} → ${pct(row.b.spurious)}${points(row.delta.spurious)}`;
    return `${row.label}: ${accuracy}${spurious}; ${row.fixed} fixed, ${row.broken} broken`;
  });
}
