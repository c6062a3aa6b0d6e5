import { appendFileSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/models';
import { writeImageCorpus } from '../fixtures/bad-images';
import { DEMO_DATASET, demoSubset, DEMO_MODEL } from '../jobs/demo-subset';
import { measureStoredRegion } from '../../src/main/analysis/drawn-regions';
import { runBiascope } from './run-cli';
import { openStore } from '../../src/main/store';

function readCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
}

describe('biascope audit', () => {
  it('writes audit.db, images.csv and errors.csv, and a second run reuses every result', async () => {
    const dataset = demoSubset(5);
    const out = tempDir('biascope-out-');
    const args = ['audit', dataset, '--model', DEMO_MODEL, '--out', out, '--spurious-region', 'cue', '--evidence-region', 'object', '--spurious-threshold', '0.3'];
    const first = await runBiascope(args);
    expect(first.stderr).toMatch(/audit done: 10 images, 10 computed, 0 reused from cache, 0 failed/);
    expect(first.stderr).toMatch(/images\/s/);
    expect(first.code).toBe(0);
    const rows = readCsv(path.join(out, 'images.csv'));
    expect(rows).toHaveLength(10);
    const header = Object.keys(rows[0]!);
    expect(header.slice(0, 5)).toEqual(['path', 'label', 'predicted', 'prob', 'correct']);
    expect(header).toEqual(expect.arrayContaining(['cue', 'split', 'hair_style', 'mass_face', 'mass_cue', 'entropy', 'peak_x', 'peak_y', 'spread', 'max', 'box_iou_object', 'spurious_score', 'spurious']));
    expect(header.indexOf('mass_cue')).toBeLessThan(header.indexOf('entropy'));
    expect(header.indexOf('max')).toBeLessThan(header.indexOf('box_iou_cue'));
    expect(header.slice(-4)).toEqual(['cluster', 'unusual', 'concept', 'concept_mixed']);
    // Correct predictions have their own class's map, so a cluster within their class.
    for (const row of rows.filter((r) => r['correct'] === '1')) {
      expect(Number(row['cluster'])).toBeGreaterThanOrEqual(0);
      expect(Number(row['unusual'])).toBeGreaterThanOrEqual(0);
    }
    for (const row of rows) {
      expect(['doctor', 'nurse']).toContain(row['predicted']);
      expect(Number(row['correct'])).toBe(row['predicted'] === row['label'] ? 1 : 0);
      expect(row['spurious_score']).toBe(row['mass_cue']);
      // The suggestions' rule: the threshold on cue, or on cue and object together with more on cue.
      const cue = Number(row['mass_cue']);
      const object = Number(row['mass_object']);
      expect(row['spurious']).toBe(cue >= 0.3 || (cue > object && cue + object >= 0.3) ? '1' : '0');
      const entropy = Number(row['entropy']);
      expect(entropy).toBeGreaterThan(0);
      expect(entropy).toBeLessThanOrEqual(1);
    }
    expect(readFileSync(path.join(out, 'errors.csv'), 'utf8').trim()).toBe('path,reason,stage');

    const second = await runBiascope([...args, '--group-by', 'cue']);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/10 images, 0 computed, 10 reused from cache/);
    expect(second.stderr).toMatch(/nothing recomputed/);
    expect(readCsv(path.join(out, 'images.csv'))).toEqual(rows);
    // The first five test doctors are 2 pink and 3 blue, the first five nurses 3 pink and 2 blue.
    expect(second.stderr).toMatch(/rebalance\.json: 2 class x cue cells short of their target/);
    const short = readCsv(path.join(out, 'rebalance-summary.csv')).filter((c) => Number(c['deficit']) > 0);
    expect(short.map((c) => [c['label'], c['group'], c['count'], c['target_count'], c['deficit']])).toEqual([
      ['doctor', 'pink', '2', '3', '1'],
      ['nurse', 'blue', '2', '3', '1'],
    ]);
    expect(readCsv(path.join(out, 'rebalance.csv'))).toHaveLength(10);

    // The roles named on the command line are the dataset's now: the app and later reports use them.
    const store = openStore(path.join(out, 'audit.db'), { readonly: true });
    expect(store.spuriousRules(1)).toEqual({ spurious: ['cue'], evidence: ['object'], threshold: 0.3 });
    store.close();
    const typo = await runBiascope(['audit', dataset, '--model', DEMO_MODEL, '--out', out, '--spurious-region', 'beard']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('no region named "beard"');
  });

  it('refuses a region the dataset does not have before computing any map, naming the ones it has', async () => {
    const dataset = demoSubset(2);
    const out = tempDir('biascope-out-');
    const typo = await runBiascope(['audit', dataset, '--model', DEMO_MODEL, '--out', out, '--workers', '1', '--spurious-region', 'cue', '--evidence-region', 'objetc']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('biascope audit: the dataset has no region named "objetc": its regions are cue, face, hair, object; nothing was computed');
    expect(typo.stderr).not.toMatch(/audit done|audit cancelled/);
    const db = new Database(path.join(out, 'audit.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM results').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM predictions').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM images').get()).toEqual({ n: 4 });
    } finally {
      db.close();
    }
    expect(existsSync(path.join(out, 'images.csv'))).toBe(false);
  });

  it('gives images new to a class the regions drawn on it, with their statistics', async () => {
    const dataset = demoSubset(3);
    const out = tempDir('biascope-out-');
    expect((await runBiascope(['audit', dataset, '--model', DEMO_MODEL, '--out', out, '--workers', '1'])).code).toBe(0);
    const store = openStore(path.join(out, 'audit.db'));
    const applied = store.putDrawnRegion(1, 'doctor', 'scrubs', { x0: 0.3, y0: 0.45, x1: 0.68, y1: 1 }, measureStoredRegion);
    store.close();
    expect(applied.images).toBe(3);
    // A fourth doctor joins the dataset: the next audit decodes it and gives it the drawn region.
    const manifest = readFileSync(path.join(DEMO_DATASET, 'manifest.csv'), 'utf8').split('\n');
    const added = manifest.find((line) => line.startsWith('doctor/test_0004.png'))!;
    copyFileSync(path.join(DEMO_DATASET, 'doctor/test_0004.png'), path.join(dataset, 'doctor/test_0004.png'));
    appendFileSync(path.join(dataset, 'manifest.csv'), `${added}\n`);
    expect((await runBiascope(['audit', dataset, '--model', DEMO_MODEL, '--out', out, '--workers', '1'])).code).toBe(0);
    const rows = readCsv(path.join(out, 'images.csv'));
    const doctors = rows.filter((row) => row['label'] === 'doctor');
    expect(doctors).toHaveLength(4);
    for (const row of doctors) expect(Number(row['mass_scrubs'])).toBeGreaterThan(0.1);
    expect(rows.filter((row) => row['label'] === 'nurse').every((row) => row['mass_scrubs'] === '')).toBe(true);
  });

  it('skips every bad file with a specific reason and still completes', async () => {
    const dataset = tempDir('biascope-corpus-');
    const corpus = await writeImageCorpus(dataset);
    const out = tempDir('biascope-out-');
    const run = await runBiascope(['audit', dataset, '--model', DEMO_MODEL, '--out', out, '--workers', '1']);
    expect(run.code).toBe(0);
    const errors = readCsv(path.join(out, 'errors.csv'));
    const images = readCsv(path.join(out, 'images.csv'));
    const good = corpus.filter((c) => c.expect === 'ok');
    for (const entry of good) {
      const row = images.find((r) => r['path'] === entry.path);
      expect(row?.['predicted'], entry.path).toMatch(/doctor|nurse/);
    }
    for (const entry of corpus.filter((c) => c.expect !== 'ok')) {
      const error = errors.find((e) => e['path'] === entry.path);
      expect(error, entry.path).toBeDefined();
      expect(error!['reason'].length).toBeGreaterThan(5);
    }
    expect(run.stderr).toMatch(new RegExp(`${good.length} computed`));
  });

  it('fails with a clear message when it cannot run', async () => {
    const out = tempDir('biascope-out-');
    const missing = await runBiascope(['audit', path.join(out, 'nope'), '--model', DEMO_MODEL, '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/biascope audit: .*nope/);
    const usage = await runBiascope(['audit', demoSubset(1), '--out', out]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--model <model.onnx\|model.json> is required/);
    const guided = await runBiascope(['audit', demoSubset(1), '--model', DEMO_MODEL, '--out', out, '--method', 'guided-backprop']);
    expect(guided.code).toBe(2);
    expect(guided.stderr).toMatch(/--method must be one of gradcam/);
  });
});
