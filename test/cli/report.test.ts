/** `biascope audit` writes report.html; `biascope export report` writes it again, with a PDF on request. */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pdfIsTagged, pdfPageCount } from '../../src/main/export/report';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { runBiascope } from './run-cli';

let out: string;
let db: string;
let auditErr: string;

beforeAll(async () => {
  out = tempDir('biascope-report-cli-');
  db = path.join(out, 'audit.db');
  const audit = await runBiascope(['audit', demoSubset(6), '--model', DEMO_MODEL, '--out', out, '--targets', 'label', '--group-by', 'cue', '--spurious-region', 'cue']);
  expect(audit.stderr).toMatch(/audit done: 12 images/);
  expect(audit.code).toBe(0);
  auditErr = audit.stderr;
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

  it('ends with the report\'s first page: per class its accuracy and spurious-focus share, with intervals', () => {
    expect(auditErr).toMatch(/^doctor \(test split\): accuracy [\d.]+ % \(95 % CI [\d.]+–[\d.]+ %, n = 6\), \d of 6 right\.$/m);
    expect(auditErr).toMatch(/^nurse \(test split\): [\d.]+ % \(95 % CI [\d.]+–[\d.]+ %, n = 6\) of maps are spurious focus/m);
    expect(auditErr).toMatch(/^nurse \(test split\): maps on each region, \d+ on cue, \d+ on face, \d+ on hair, \d+ on object of 6 audited\.$/m);
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
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`report: 2 classes, ${Math.round(readFileSync(path.join(dir, 'report.html')).length / 1024)} KiB, PDF ${pages} pages`);
    expect(lines[1]).toMatch(/^trust checks on 2 images: [\d.]+ s$/);
    // The headline: the largest accuracy gap and the spurious-focus share, in a sentence each.
    expect(lines.slice(2)).toHaveLength(2);
    expect(lines[2]).toMatch(/^largest accuracy gap: /);
    expect(lines[3]).toMatch(/^spurious focus: [\d.]+ % of maps \(\d+ of 12\) on cue; most in /);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('at least 40% of its mass');
    expect(html).toMatch(/The maps (can|cannot) be trusted/);
    expect(pdfIsTagged(pdf)).toBe(true);
  });

  it('takes a title and a model card, and prints the first page\'s findings', async () => {
    const dir = tempDir('biascope-report-out-');
    const card = path.join(dir, 'card.md');
    writeFileSync(card, '## Intended use\nTeaching the Grad-CAM doctor/nurse example.\n');
    const run = await runBiascope(['export', 'report', '--db', db, '--group-by', 'cue', '--spurious-region', 'cue', '--title', 'Demo audit, week 3', '--model-card', card, '--out', dir]);
    expect(run.code).toBe(0);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h1>Demo audit, week 3</h1>');
    expect(html).toContain('<dt>intended use</dt><dd>Teaching the Grad-CAM doctor/nurse example.</dd>');
    // The same sentences as the report's first page (the subset is all test images: one split).
    expect(run.stderr).toMatch(/^doctor \(test split\): accuracy [\d.]+ % \(95 % CI [\d.]+–[\d.]+ %, n = 6\), \d of 6 right\.$/m);
    expect(run.stderr).toMatch(/^nurse \(test split\): [\d.]+ % \(95 % CI [\d.]+–[\d.]+ %, n = 6\) of maps are spurious focus/m);
    const lead = html.slice(html.indexOf('<section id="lead"'), html.indexOf('</section>', html.indexOf('<section id="lead"'))).replaceAll('\u00a0', ' ');
    for (const line of run.stderr.split('\n').filter((l) => /^(doctor|nurse) \(test split\)/.test(l))) expect(lead).toContain(line.replaceAll('&', '&amp;').replaceAll("'", '&#39;'));
    const json = path.join(dir, 'model-card.json');
    writeFileSync(json, '{"intendedUse": ["ok", 2]}');
    const bad = await runBiascope(['export', 'report', '--db', db, '--model-card', json, '--out', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/model card .*model-card\.json: field "intendedUse" must be text or a list of texts/);
    const missing = await runBiascope(['export', 'report', '--db', db, '--model-card', path.join(dir, 'nope.json'), '--out', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/model card .*nope\.json/);
    // A blank title is no title, as in the app's Export dialog: the report is named after the dataset.
    const blank = await runBiascope(['export', 'report', '--db', db, '--title', ' ', '--out', dir]);
    expect(blank.code).toBe(0);
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toMatch(/<h1>Bias audit report: [^<]+<\/h1>/);
    rmSync(dir, { recursive: true, force: true });
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
    expect(threshold.stderr).toMatch(/--threshold must be at most 1, got 2/);
    const group = await runBiascope(['export', 'report', '--db', db, '--group-by', 'nope', '--out', tempDir('biascope-report-out-')]);
    expect(group.code).toBe(1);
    expect(group.stderr).toMatch(/no image of .* has the attribute "nope"/);
  });
});
