/**
 * The causal tests in the concept view, through the contract, on a real audit of the
 * planted-cue fixture with concepts on: the view shows no test until `testConcepts`
 * runs them on the model worker; then the cross class's badge concept (a top corner) is
 * flagged and no ring concept is; later `concepts` calls, a second `testConcepts` and
 * the concepts export read the stored tests without running the model again (counted
 * on ModelService.predict), the tests of an earlier export show in the view, and the
 * errors are the tool's own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../src/main/api';
import { createBackend, type Backend } from '../../src/main/backend';
import { DEFAULT_CAUSAL_CAPS, QUICK_CAUSAL_CAPS } from '../../src/main/analysis/concepts/causal';
import { ModelService } from '../../src/main/workspace/model-service';
import { API_SCHEMAS } from '../../src/shared/api';
import type { ConceptView } from '../../src/shared/concepts';
import type { AuditKey } from '../../src/shared/views';
import { auditThroughApi } from '../fixtures/backend-audit';
import { tempDir } from '../fixtures/models';

const PLANTED = path.resolve(import.meta.dirname, '../fixtures/planted');
const CUE = path.join(PLANTED, 'cue');
const CUE_MODEL = path.join(PLANTED, 'cue-model', 'model.json');

let backend: Backend;
let key: AuditKey;
const predict = vi.spyOn(ModelService.prototype, 'predict');
/** Images the model was asked about since the start. */
const predicted = () => predict.mock.calls.reduce((sum, [, images]) => sum + images.length, 0);

const inTopCorner = (c: ConceptView) => ['top-left', 'top-right', 'top corners'].includes(c.where);

beforeAll(async () => {
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-concept-tests-'), demo: null, workers: 1, warm: false });
  const state = await auditThroughApi(backend, { dataset: CUE, model: CUE_MODEL, methods: ['gradcam'], targets: 'label', workers: 1, concepts: true });
  expect(state.status).toBe('done');
  key = { datasetId: state.datasetId!, modelId: state.modelId!, layer: state.layer!, method: 'gradcam' };
});

afterAll(async () => {
  predict.mockRestore();
  await backend?.close();
});

describe('the causal tests in the concept view', () => {
  it('shows no test before they run, and says what they would cost', async () => {
    const view = await backend.api.concepts({ key, label: 'cross' });
    expect(view.concepts.length).toBeGreaterThanOrEqual(1);
    expect(view.concepts.every((c) => c.test === null)).toBe(true);
    expect(view.tests).toBeNull();
    expect(view.testCaps).toEqual({ standard: DEFAULT_CAUSAL_CAPS, quick: QUICK_CAUSAL_CAPS });
    expect(predicted()).toBe(0);
  });

  it('runs them on the model: the badge concept is a likely shortcut, no ring concept is', async () => {
    const view = await backend.api.testConcepts({ key, label: 'cross' });
    expect(predicted()).toBeGreaterThan(0);
    expect(view.tests).toEqual({ caps: DEFAULT_CAUSAL_CAPS, quick: false });
    expect(view.concepts.every((c) => c.test !== null)).toBe(true);
    const badge = view.concepts.filter(inTopCorner);
    expect(badge.length).toBeGreaterThanOrEqual(1);
    for (const concept of badge) {
      expect(concept.test!.shortcut, `cross:${concept.index}`).toBe(true);
      expect(concept.test!.reasons[0]).toMatch(/^removing it fixes \d+ of \d+ errors/);
      // Each test edited at most its cap of images, and removal fixed most of the errors tried.
      const fixed = concept.test!.errorsFixed!;
      expect(fixed.n).toBeLessThanOrEqual(Math.min(DEFAULT_CAUSAL_CAPS.errors, concept.test!.errors));
      expect(fixed.hits / fixed.n).toBeGreaterThanOrEqual(0.5);
      expect(concept.test!.transplant!.n).toBeLessThanOrEqual(DEFAULT_CAUSAL_CAPS.transplant);
      expect(concept.test!.transplant!.low).toBeGreaterThan(0.5);
    }
    expect(view.concepts.filter((c) => !inTopCorner(c)).every((c) => !c.test!.shortcut)).toBe(true);

    // The tests ran for every class: the ring's view has them, and flags nothing.
    const before = predicted();
    const ring = await backend.api.concepts({ key, label: 'ring' });
    expect(ring.tests).toEqual({ caps: DEFAULT_CAUSAL_CAPS, quick: false });
    expect(ring.concepts.length).toBeGreaterThanOrEqual(1);
    expect(ring.concepts.every((c) => c.test !== null && !c.test.shortcut)).toBe(true);
    expect(predicted()).toBe(before);
  });

  it('reads the stored tests later without running the model, and shares them with the export', async () => {
    const before = predicted();
    const tested = await backend.api.testConcepts({ key, label: 'cross' });
    const viewed = await backend.api.concepts({ key, label: 'cross' });
    expect(viewed).toEqual(tested);
    // Quick tests are not run when the standard ones are stored: those are the better answer.
    expect((await backend.api.testConcepts({ key, label: 'cross', quick: true })).tests).toEqual({ caps: DEFAULT_CAUSAL_CAPS, quick: false });
    const dir = tempDir('biascope-concept-tests-out-');
    const result = await backend.api.exportFindings({ key, kind: 'concepts', dir, options: {} });
    expect(predicted()).toBe(before);
    expect(result.summary.at(-1)).toMatch(/^likely shortcuts/);
    // The export's rows are the view's tests, concept by concept.
    const rows = parse(readFileSync(path.join(dir, 'concepts.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    for (const concept of viewed.concepts) {
      const row = rows.find((r) => r['class'] === 'cross' && Number(r['concept']) === concept.index)!;
      expect(row['shortcut']).toBe(concept.test!.shortcut ? '1' : '0');
      expect(Number(row['errors_fixed'])).toBe(concept.test!.errorsFixed?.hits);
    }
  });

  it('shows the tests of the fit asked for: another seed has none until its own run, quick if asked', async () => {
    const other = await backend.api.concepts({ key, label: 'cross', seed: 7 });
    expect(other.tests).toBeNull();
    expect(other.concepts.every((c) => c.test === null)).toBe(true);
    const before = predicted();
    const quick = await backend.api.testConcepts({ key, label: 'cross', seed: 7, quick: true });
    expect(predicted()).toBeGreaterThan(before);
    expect(quick.tests).toEqual({ caps: QUICK_CAUSAL_CAPS, quick: true });
    for (const concept of quick.concepts) {
      expect(concept.test!.flips?.n ?? 0).toBeLessThanOrEqual(QUICK_CAUSAL_CAPS.flips);
      expect(concept.test!.transplant?.n ?? 0).toBeLessThanOrEqual(QUICK_CAUSAL_CAPS.transplant);
    }
    expect((await backend.api.concepts({ key, label: 'cross', seed: 7 })).tests).toEqual({ caps: QUICK_CAUSAL_CAPS, quick: true });
  });

  it('shows the tests a concepts export ran earlier, concept by concept, without running the model', async () => {
    const dir = tempDir('biascope-concept-tests-out-');
    await backend.api.exportFindings({ key, kind: 'concepts', dir, options: { seed: 11, quick: true } });
    const json = JSON.parse(readFileSync(path.join(dir, 'concepts.json'), 'utf8')) as { classes: { label: string; concepts: { concept: number; test: unknown }[] }[] };
    const before = predicted();
    for (const exported of json.classes) {
      const view = await backend.api.concepts({ key, label: exported.label, seed: 11 });
      expect(view.tests).toEqual({ caps: QUICK_CAUSAL_CAPS, quick: true });
      expect(view.concepts.map((c) => [c.index, c.test])).toEqual(exported.concepts.map((c) => [c.concept, c.test]));
    }
    expect(predicted()).toBe(before);
  });

  it('refuses an unknown class, an audit with no results, and a malformed request', async () => {
    const unknown = await dispatch(backend.api, 'testConcepts', [{ key, label: 'square' }]);
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'not-found', message: expect.stringMatching(/no class "square"/) } });
    const none = await dispatch(backend.api, 'testConcepts', [{ key: { ...key, method: 'cam' }, label: 'cross' }]);
    expect(none).toMatchObject({ ok: false, error: { kind: 'not-found', message: expect.stringMatching(/no results/) } });
    const args = API_SCHEMAS.testConcepts.args;
    expect(args.safeParse([{ key, label: 'cross', quick: true, k: 3, seed: 2 }]).success).toBe(true);
    expect(args.safeParse([{ key, label: 'cross', quick: 'yes' }]).success).toBe(false);
    expect(args.safeParse([{ key, label: 'cross', k: 1 }]).success).toBe(false);
  });
});
