/** `biascope audit` writes report.html; `biascope export report` writes it again, with a PDF on request. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pdfPageCount } from '../../src/main/export/report';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { runBiascope } from './run-cli';

let out: string;
let db: string;

beforeAll(async () => {
  out = tempDir('biascope-report-cli-');
  db = path.join(out, 'audit.db');
  const audit = await runBiascope(['audit', demoSubset(6), '--model', DEMO_MODEL, '--out', out, '--targets', 'label', '--group-by', 'cue', '--spurious-region', 'cue']);
  expect(audit.stderr).toMatch(/audit done: 12 images/);
  expect(audit.code).toBe(0);
});

describe('biascope audit', () => {
  it('writes report.html next to images.csv, grouped and ranked as asked', () => {
    expect(readFileSync(path.join(out, 'images.csv'), 'utf8')).toMatch(/^path,label/);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h2>Class doctor</h2>');
    expect(html).toContain('<h3>Subgroups by cue</h3>');
    expect(html).toContain('<h3>Most spurious-focused maps</h3>');
    expect(html).toMatch(/<dt>backend<\/dt><dd>(tensorflow|wasm|cpu)/);
    expect(existsSync(path.join(out, 'report.pdf'))).toBe(false);
  });
});

describe('biascope export report', () => {
  it('writes report.html with the trust checks and, with --pdf, report.pdf', async () => {
    const dir = tempDir('biascope-report-out-');
    const run = await runBiascope(['export', 'report', '--db', db, '--group-by', 'cue', '--spurious-region', 'cue', '--threshold', '0.4', '--trust', '--sample', '2', '--pdf', '--out', dir]);
    expect(run.stderr).toContain(`wrote ${path.join(dir, 'report.html')}, ${path.join(dir, 'report.pdf')}`);
    expect(run.code).toBe(0);
    const pdf = readFileSync(path.join(dir, 'report.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdfPageCount(pdf);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(run.stdout).toBe(`report: 2 classes, ${Math.round(readFileSync(path.join(dir, 'report.html')).length / 1024)} KiB, PDF ${pages} pages\n`);
    expect(run.stderr).toMatch(/trust checks on 2 images: [\d.]+ s/);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('at least 40% of its mass');
    expect(html).toMatch(/The maps (can|cannot) be trusted/);
  });

  it('without --pdf writes the HTML alone, with the region roles the audit kept for the dataset', async () => {
    const dir = tempDir('biascope-report-out-');
    const run = await runBiascope(['export', 'report', '--db', db, '--out', dir]);
    expect(run.code).toBe(0);
    expect(existsSync(path.join(dir, 'report.pdf'))).toBe(false);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h3>Most spurious-focused maps</h3>');
    expect(html).toMatch(/<dt>spurious regions<\/dt><dd>cue<\/dd>/);
    // Built later than the audit: the backend comes from the audit's job.
    expect(html).toMatch(/<dt>backend<\/dt><dd>(tensorflow|wasm|cpu)/);
  });

  it('says how to get Chromium when it is missing, and refuses wrong options', async () => {
    const saved = process.env['BIASCOPE_CHROMIUM'];
    process.env['BIASCOPE_CHROMIUM'] = path.join(tempDir('biascope-no-chromium-'), 'chromium');
    try {
      const run = await runBiascope(['export', 'report', '--db', db, '--pdf', '--out', tempDir('biascope-report-out-')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/install Debian's chromium .* or set BIASCOPE_CHROMIUM/);
    } finally {
      if (saved === undefined) delete process.env['BIASCOPE_CHROMIUM'];
      else process.env['BIASCOPE_CHROMIUM'] = saved;
    }
    const threshold = await runBiascope(['export', 'report', '--db', db, '--threshold', '2']);
    expect(threshold.code).toBe(2);
    expect(threshold.stderr).toMatch(/--threshold must be a number from 0 to 1/);
    const group = await runBiascope(['export', 'report', '--db', db, '--group-by', 'nope', '--out', tempDir('biascope-report-out-')]);
    expect(group.code).toBe(1);
    expect(group.stderr).toMatch(/no image of .* has the attribute "nope"/);
  });
});
