/**
 * The report's first page states each shortcut the concepts' causal tests flag, in one
 * sentence with its numbers: on the planted-cue fixture (no region file), the badge of the
 * cross class; nothing on the page when asked not to, or for an audit made without
 * concepts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/main/backend';
import type { AuditKey } from '../../src/shared/views';
import { auditThroughApi } from '../fixtures/backend-audit';
import { tempDir } from '../fixtures/temp';

const PLANTED = path.resolve(import.meta.dirname, '../fixtures/planted');
let backend: Backend;
let key: AuditKey;

beforeAll(async () => {
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-report-shortcuts-'), demo: null, workers: 1, warm: false });
  const state = await auditThroughApi(backend, {
    dataset: path.join(PLANTED, 'cue'),
    model: path.join(PLANTED, 'cue-model', 'model.json'),
    methods: ['gradcam'],
    targets: 'label',
    workers: 1,
    concepts: true,
  });
  expect(state.status).toBe('done');
  key = (await backend.api.storedDatasets())[0]!.latest!;
}, 120_000);

afterAll(async () => {
  await backend?.close();
});

const SENTENCE = /cross: \d+ % of the evidence sits on concept \d \((dark |light )?red, (top corners|top-left|top-right)\); pasting it into ring images turns \d+ % \(95 % CI \d+–\d+ %\) of \d+ into cross; removing it fixes \d+ of \d+ errors[^:]*: likely shortcut\./;

describe('the report and the shortcuts', () => {
  it('states the flagged badge on page 1, in one sentence with its numbers, and in the lead lines', async () => {
    const dir = tempDir('biascope-report-shortcuts-out-');
    const result = await backend.api.exportFindings({ key, kind: 'report', dir, options: { pdf: false, trust: false } });
    const lead = result.lead ?? [];
    const flagged = lead.filter((line) => / likely shortcut\.$/.test(line));
    expect(flagged.length).toBeGreaterThanOrEqual(1);
    for (const line of flagged) expect(line).toMatch(SENTENCE);
    expect(lead.some((line) => line.startsWith('ring:') && /likely shortcut/.test(line))).toBe(false);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    const page1 = html.slice(html.indexOf('id="lead"'), html.indexOf('</section>', html.indexOf('id="lead"')));
    expect(page1).toContain('Shortcuts found with no region drawn');
    expect(page1).toMatch(/These thresholds are judgement/);
    expect(page1.replaceAll('\u00a0%', ' %')).toMatch(SENTENCE);
  }, 180_000);

  it('leaves them out when asked', async () => {
    const dir = tempDir('biascope-report-shortcuts-out-');
    const result = await backend.api.exportFindings({ key, kind: 'report', dir, options: { pdf: false, trust: false, noConcepts: true } });
    expect((result.lead ?? []).some((line) => /likely shortcut/.test(line))).toBe(false);
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).not.toContain('Shortcuts found with no region drawn');
  }, 60_000);
});
