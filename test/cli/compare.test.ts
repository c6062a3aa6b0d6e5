/**
 * `biascope export compare` on a database holding two audits of a demo subset: the
 * demo model, then a copy with its output units swapped (every prediction flips).
 */
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/cli';
import type { CliIO } from '../../src/main/cli/io';
import { startAudit } from '../../src/main/jobs/audit';
import { openStore } from '../../src/main/store';
import { CompareViewSchema } from '../../src/shared/compare';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { flippedDemoModel } from '../main/flipped-model';
import { runBiascope } from './run-cli';

const PER_CLASS = 12;
let db: string;
let oneAudit: string;
let flipped: string;

async function capture(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: async (line) => void out.push(line), err: (line) => void err.push(line) };
  return { code: await runCli(argv, io), out, err };
}

const readCsv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
const readView = (dir: string) => CompareViewSchema.parse(JSON.parse(readFileSync(path.join(dir, 'compare.json'), 'utf8')));

beforeAll(async () => {
  const root = demoSubset(PER_CLASS);
  flipped = flippedDemoModel();
  const dir = tempDir('biascope-compare-cli-');
  db = path.join(dir, 'audit.db');
  const store = openStore(db);
  try {
    await startAudit(store, { dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'predicted', workers: 1 }).finished;
  } finally {
    store.close();
  }
  oneAudit = path.join(dir, 'one.db');
  copyFileSync(db, oneAudit);
  const again = openStore(db);
  try {
    await startAudit(again, { dataset: root, model: flipped, methods: ['gradcam'], targets: 'predicted', workers: 1 }).finished;
  } finally {
    again.close();
  }
}, 120_000);

describe('biascope export compare', () => {
  it('compares the two latest audits by default, older as A, and writes compare.csv and compare.json', async () => {
    const out = tempDir('biascope-compare-out-');
    const run = await capture(['export', 'compare', '--db', db, '--out', out]);
    expect(run.code).toBe(0);
    const view = readView(out);
    expect(view.a.modelPath).toBe(DEMO_MODEL);
    expect(view.b.modelPath).toBe(flipped);
    expect([view.both, view.onlyA, view.onlyB]).toEqual([2 * PER_CLASS, 0, 0]);
    const rows = readCsv(path.join(out, 'compare.csv'));
    expect(rows.map((r) => [r['label'], r['group']])).toEqual([
      ['doctor', '(all)'],
      ['nurse', '(all)'],
    ]);
    for (const row of rows) {
      const [a, b, delta] = ['a_accuracy', 'b_accuracy', 'delta_accuracy'].map((c) => Number(row[c]));
      expect(b).toBeCloseTo(1 - a!, 5);
      expect(delta).toBeCloseTo(b! - a!, 5);
      expect(Number(row['fixed']) + Number(row['broken'])).toBe(PER_CLASS);
      // No spurious region anywhere: the share is left empty, not 0.
      expect(row['a_spurious']).toBe('');
      for (const region of view.regions) expect(row[`delta_mass_${region}`]).not.toBe('');
    }
    expect(run.out[0]).toBe(`A: ${DEMO_MODEL} ${view.a.layer} gradcam (${2 * PER_CLASS} images)`);
    expect(run.out[1]).toBe(`B: ${flipped} ${view.b.layer} gradcam (${2 * PER_CLASS} images)`);
    expect(run.out.some((line) => line.includes('--spurious-region'))).toBe(true);
    // Classes that moved most first.
    const classLines = run.out.filter((line) => /^(doctor|nurse): accuracy/.test(line));
    expect(classLines).toHaveLength(2);
    const moved = view.rows.map((r) => Math.abs(r.delta.accuracy!)).sort((x, y) => y - x);
    expect(classLines[0]).toContain(`${Math.round(moved[0]! * 100)} pts`);
    expect(run.err).toEqual([`wrote ${path.join(out, 'compare.csv')}, ${path.join(out, 'compare.json')}`]);
  });

  it('splits by an attribute, judges spurious focus by the regions named, and takes A and B as named', async () => {
    const out = tempDir('biascope-compare-out-');
    const run = await capture([
      'export', 'compare', '--db', db, '--out', out, '--group-by', 'cue',
      '--a', flipped, '--b', `${path.dirname(DEMO_MODEL)}:conv_last:gradcam`,
      '--spurious-region', 'cue', '--evidence-region', 'object',
    ]);
    expect(run.code).toBe(0);
    const view = readView(out);
    expect(view.a.modelPath).toBe(flipped);
    expect(view.b.modelPath).toBe(DEMO_MODEL);
    expect(view.rules).toEqual({ spurious: ['cue'], evidence: ['object'], threshold: 0.5 });
    const rows = readCsv(path.join(out, 'compare.csv'));
    expect(rows.filter((r) => r['group'] === '(all)')).toHaveLength(2);
    const cells = rows.filter((r) => r['group'] !== '(all)');
    expect(cells.length).toBeGreaterThanOrEqual(4);
    expect(cells.every((r) => r['group_by'] === 'cue' && r['a_spurious'] !== '' && r['delta_spurious'] !== '')).toBe(true);
    for (const label of ['doctor', 'nurse']) {
      const total = cells.filter((r) => r['label'] === label).reduce((sum, r) => sum + Number(r['images']), 0);
      expect(total).toBe(PER_CLASS);
    }
    expect(run.out.some((line) => /spurious focus \d+% → \d+%/.test(line))).toBe(true);
  });

  it('says what is wrong: one audit only, an unknown model, a bad attribute', async () => {
    const one = await capture(['export', 'compare', '--db', oneAudit, '--out', tempDir('biascope-compare-out-')]);
    expect(one.code).toBe(1);
    expect(one.err.join('\n')).toContain('comparing needs two audits');
    const unknown = await capture(['export', 'compare', '--db', db, '--a', '/nowhere/model.json', '--out', tempDir('biascope-compare-out-')]);
    expect(unknown.code).toBe(1);
    expect(unknown.err.join('\n')).toContain(DEMO_MODEL);
    const layer = await capture(['export', 'compare', '--db', db, '--a', `${DEMO_MODEL}:conv1`, '--out', tempDir('biascope-compare-out-')]);
    expect(layer.code).toBe(1);
    expect(layer.err.join('\n')).toContain('no such audit');
    const attribute = await capture(['export', 'compare', '--db', db, '--group-by', 'beard', '--out', tempDir('biascope-compare-out-')]);
    expect(attribute.code).toBe(1);
    expect(attribute.err.join('\n')).toContain('"beard"');
  });

  it('runs from the real launcher', async () => {
    const out = tempDir('biascope-compare-out-');
    const run = await runBiascope(['export', 'compare', '--db', db, '--out', out]);
    expect(run.stderr).toContain('compare.csv');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^A: /);
  }, 60_000);
});
