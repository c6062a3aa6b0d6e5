/**
 * The app's Export: the audit report (HTML and a PDF printed by real Chromium) and the
 * rebalancing lists, written through the back end from a real audit of the demo.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/api';
import { createBackend, type Backend } from '../../src/main/backend';
import type { ExportRequest } from '../../src/shared/exports';
import type { AuditKey } from '../../src/shared/views';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { CHROMIUM } from '../e2e/browser';
import { auditThroughApi } from '../fixtures/backend-audit';

let backend: Backend;
let key: AuditKey;
let datasetName: string;

beforeAll(async () => {
  const root = demoSubset(10);
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-exports-'), demo: null, workers: 1 });
  const dataset = await backend.api.openDataset({ root });
  const model = await backend.api.openModel({ path: DEMO_MODEL });
  await auditThroughApi(backend, { dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', workers: 1 });
  datasetName = dataset.name;
  key = { datasetId: dataset.id, modelId: model.id, layer: model.defaultLayer!, method: 'gradcam' };
  await backend.api.setSpuriousRules({ datasetId: dataset.id, rules: { spurious: ['cue'], evidence: ['object'], threshold: 0.5 } });
});

afterAll(async () => {
  await backend?.close();
});

type ReportOptions = Extract<ExportRequest, { kind: 'report' }>['options'];
const request = (options: Partial<ReportOptions> = {}, dir = tempDir('biascope-export-out-')): ExportRequest => ({
  key,
  kind: 'report',
  dir,
  options: { groupBy: 'cue', policy: 'equal', pdf: false, trust: false, ...options },
});

describe('exportFindings', () => {
  it('suggests folders under ~/biascope-exports, outside every dataset and the app', async () => {
    expect((await backend.api.startup()).exportsRoot).toBe(path.join(homedir(), 'biascope-exports'));
  });

  it('writes the rebalancing lists that name the short cells', async () => {
    const out = path.join(tempDir('biascope-export-out-'), 'new', 'folder');
    const result = await backend.api.exportFindings({ key, kind: 'rebalance', dir: out, options: { groupBy: 'cue' } });
    expect(result.files.map((f) => path.basename(f.path))).toEqual(['rebalance-summary.csv', 'rebalance.csv', 'rebalance.json']);
    expect(result.summary.every((line) => / x cue=\w+: \d+ images, \d+ short of \d+$/.test(line))).toBe(true);
    expect(result.files.every((f) => f.bytes > 0 && existsSync(f.path))).toBe(true);
    const summary = readFileSync(result.files[0]!.path, 'utf8');
    expect(summary).toMatch(/^doctor,cue,pink,\d+,/m);
  });

  it.skipIf(!existsSync(CHROMIUM))('writes the report with the stored region roles, the notes and its PDF', async () => {
    expect(await backend.api.notes({ datasetId: key.datasetId })).toBe('');
    const notes = 'Retrain with <b>more</b> doctors in pink.\n\nAsk the clinic for photos.';
    expect(await backend.api.setNotes({ datasetId: key.datasetId, text: notes })).toBe(notes);
    const result = await backend.api.exportFindings(request({ pdf: true, trust: true }));
    expect(result.files.map((f) => path.basename(f.path))).toEqual(['report.html', 'report.pdf']);
    expect(result.pages).toBeGreaterThanOrEqual(2);
    const html = readFileSync(result.files[0]!.path, 'utf8');
    expect(html).toContain('Most spurious-focused');
    expect(html).toContain('<div class="notes"><p>Retrain with &lt;b&gt;more&lt;/b&gt; doctors in pink.</p><p>Ask the clinic for photos.</p></div>');
    // The trust checks ran on the worker thread and made it into the report.
    expect(html).toContain('Model-randomisation sanity check');
    expect(readFileSync(result.files[1]!.path).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('titles the report as asked, after the dataset folder when the title is blank', async () => {
    const titled = await backend.api.exportFindings(request({ title: 'Ward audit <March>' }));
    expect(readFileSync(titled.files[0]!.path, 'utf8')).toContain('<h1>Ward audit &lt;March&gt;</h1>');
    const blank = await backend.api.exportFindings(request({ title: '  ' }));
    expect(readFileSync(blank.files[0]!.path, 'utf8')).toContain(`<h1>Bias audit report: ${datasetName}</h1>`);
    expect(await dispatch(backend.api, 'exportFindings', [request({ title: 'x'.repeat(201) })])).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });

  it('does not write an unchanged export again, and writes it once its findings or its files change', async () => {
    const dir = tempDir('biascope-export-out-');
    const first = await backend.api.exportFindings(request({}, dir));
    expect(first.unchanged).toBe(false);
    const html = first.files[0]!.path;
    const written = statSync(html).mtimeMs;
    const again = await backend.api.exportFindings(request({}, dir));
    expect(again).toEqual({ ...first, unchanged: true });
    expect(statSync(html).mtimeMs).toBe(written);
    // Other options are another export.
    expect((await backend.api.exportFindings(request({ groupBy: null }, dir))).unchanged).toBe(false);
    expect((await backend.api.exportFindings(request({}, dir))).unchanged).toBe(false);
    expect((await backend.api.exportFindings(request({}, dir))).unchanged).toBe(true);
    // A note is part of the report: the store's revision moves, the report is written again.
    await backend.api.setNotes({ datasetId: key.datasetId, text: 'checked twice' });
    const noted = await backend.api.exportFindings(request({}, dir));
    expect(noted.unchanged).toBe(false);
    expect(readFileSync(html, 'utf8')).toContain('checked twice');
    // A file changed by hand is written again too.
    writeFileSync(html, 'edited');
    expect((await backend.api.exportFindings(request({}, dir))).unchanged).toBe(false);
    expect(readFileSync(html, 'utf8')).toContain('checked twice');
    await backend.api.setNotes({ datasetId: key.datasetId, text: '' });
  });

  it('refuses a relative folder and an attribute the dataset lacks, with the reason', async () => {
    expect(await dispatch(backend.api, 'exportFindings', [request({}, 'out')])).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', message: expect.stringContaining('absolute') },
    });
    expect(await dispatch(backend.api, 'exportFindings', [request({ groupBy: 'gender' })])).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', message: expect.stringContaining('"gender"') },
    });
    expect(await dispatch(backend.api, 'exportFindings', [{ key, kind: 'rebalance', dir: tempDir('biascope-export-out-'), options: { groupBy: null } }])).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', message: expect.stringContaining('options.groupBy') },
    });
    expect(await dispatch(backend.api, 'exportFindings', [{ key, kind: 'slides', dir: '/tmp', options: {} }])).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(await dispatch(backend.api, 'exportFindings', [request({ spurious: ['cue'], evidence: ['objetc'] })])).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', message: expect.stringContaining('no region named "objetc"') },
    });
  });
});
