/**
 * Comparing two audits through the back end on a real demo subset: the demo model
 * against a copy with its output units swapped (every prediction flips), and against
 * itself at another layer (same predictions, other maps). Each side must agree with
 * that audit's own class list, grid and suggestions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/api';
import { createBackend, type Backend } from '../../src/main/backend';
import type { AuditSettings } from '../../src/shared/audit';
import type { CompareRow } from '../../src/shared/compare';
import { CLUSTER_GROUP, type AuditKey, type DatasetView } from '../../src/shared/views';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { flippedDemoModel } from './flipped-model';
import { auditThroughApi } from '../fixtures/backend-audit';

const PER_CLASS = 20;
let root: string;
let backend: Backend;
let dataset: DatasetView;
let a: AuditKey;
let flipped: AuditKey;
let shallow: AuditKey;
let flippedPath: string;

async function audit(settings: Omit<AuditSettings, 'dataset' | 'methods' | 'targets' | 'workers'>): Promise<void> {
  await auditThroughApi(backend, { dataset: root, methods: ['gradcam'], targets: 'predicted', workers: 1, ...settings });
}

beforeAll(async () => {
  root = demoSubset(PER_CLASS);
  flippedPath = flippedDemoModel();
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-compare-'), demo: null, workers: 1 });
  dataset = await backend.api.openDataset({ root });
  const model = await backend.api.openModel({ path: DEMO_MODEL });
  const other = await backend.api.openModel({ path: flippedPath });
  await audit({ model: DEMO_MODEL });
  await audit({ model: flippedPath });
  await audit({ model: DEMO_MODEL, layer: 'conv3' });
  a = { datasetId: dataset.id, modelId: model.id, layer: model.defaultLayer!, method: 'gradcam' };
  flipped = { ...a, modelId: other.id };
  shallow = { ...a, layer: 'conv3' };
}, 240_000);

afterAll(async () => {
  await backend?.close();
});

const whole = (rows: CompareRow[], label: string) => rows.find((r) => r.label === label && r.group === null)!;

describe('compareAudits', () => {
  it('describes both audits and agrees with each audit’s class list', async () => {
    const view = await backend.api.compareAudits({ a, b: flipped, groupBy: null });
    expect(view.a).toEqual({ key: a, modelPath: DEMO_MODEL, layer: a.layer, method: 'gradcam', audited: 2 * PER_CLASS });
    expect(view.b).toMatchObject({ modelPath: flippedPath, audited: 2 * PER_CLASS });
    expect([view.both, view.onlyA, view.onlyB]).toEqual([2 * PER_CLASS, 0, 0]);
    expect(view.regions).toEqual(dataset.regions);
    expect(view.rows.map((r) => r.group)).toEqual([null, null]);
    const [summaryA, summaryB] = await Promise.all([backend.api.classSummary(a), backend.api.classSummary(flipped)]);
    for (const cls of summaryA) {
      const row = whole(view.rows, cls.name);
      const other = summaryB.find((s) => s.name === cls.name)!;
      expect(row.images).toBe(cls.images);
      expect(row.a.accuracy).toBeCloseTo(cls.accuracy!, 12);
      expect(row.b.accuracy).toBeCloseTo(other.accuracy!, 12);
      expect(row.delta.accuracy).toBeCloseTo(other.accuracy! - cls.accuracy!, 12);
      // Swapped output units: every prediction flips, so right and wrong trade places.
      expect(row.b.accuracy).toBeCloseTo(1 - cls.accuracy!, 12);
      const right = Math.round(cls.accuracy! * cls.audited);
      expect(row.broken).toBe(right);
      expect(row.fixed).toBe(cls.audited - right);
      // No region is spurious yet.
      expect(row.a.spurious).toBeNull();
    }
  });

  it('computes the spurious-focus share from the rules, as the suggestions count them', async () => {
    await backend.api.setSpuriousRules({ datasetId: dataset.id, rules: { spurious: ['cue'], evidence: ['object'], threshold: 0.5 } });
    const view = await backend.api.compareAudits({ a, b: shallow, groupBy: null });
    expect(view.rules.spurious).toEqual(['cue']);
    const [listA, listB] = await Promise.all([backend.api.suggestions({ key: a }), backend.api.suggestions({ key: shallow })]);
    let seen = 0;
    for (const row of view.rows.filter((r) => r.group === null)) {
      const expectedA = listA.items.filter((item) => item.label === row.label).length / row.a.audited;
      const expectedB = listB.items.filter((item) => item.label === row.label).length / row.b.audited;
      expect(row.a.spurious).toBeCloseTo(expectedA, 12);
      expect(row.b.spurious).toBeCloseTo(expectedB, 12);
      expect(row.delta.spurious).toBeCloseTo(expectedB - expectedA, 12);
      seen += expectedA;
      // Same model, same predictions: only the maps differ.
      expect(row.delta.accuracy).toBe(0);
      expect(row.fixed + row.broken).toBe(0);
    }
    // The demo model reads the scrubs: some images are spurious-focused at its last layer.
    expect(seen).toBeGreaterThan(0);
    expect(view.rows.some((r) => r.delta.mass.some((m) => Math.abs(m.delta) > 0.01))).toBe(true);
  });

  it('splits classes by an attribute, each cell agreeing with the grid filtered to it', async () => {
    const view = await backend.api.compareAudits({ a, b: flipped, groupBy: 'cue' });
    const values = dataset.attributes.find((x) => x.name === 'cue')!.values;
    for (const cls of dataset.classes) {
      const cells = view.rows.filter((r) => r.label === cls.name && r.group !== null);
      expect(cells.map((c) => c.group).sort()).toEqual(values.filter((v) => cells.some((c) => c.group === v)).sort());
      expect(cells.reduce((sum, c) => sum + c.images, 0)).toBe(cls.images);
      for (const cell of cells) {
        const filter = { label: cls.name, attribute: { name: 'cue', value: cell.group! } };
        const sort = { by: 'path', dir: 'asc' } as const;
        const total = (await backend.api.gridIndex({ key: a, filter, sort })).total;
        const correct = (await backend.api.gridIndex({ key: a, filter: { ...filter, correctness: 'correct' }, sort })).total;
        expect(cell.images).toBe(total);
        expect(cell.a.accuracy).toBeCloseTo(correct / total, 12);
        expect(cell.b.accuracy).toBeCloseTo(1 - correct / total, 12);
        expect(cell.broken).toBe(correct);
      }
    }
  });

  it('refuses audits of different datasets, unknown models, clusters and unknown attributes', async () => {
    const other = await backend.api.openDataset({ root: demoSubset(2) });
    const call = (request: unknown) => dispatch(backend.api, 'compareAudits', [request]);
    expect(await call({ a, b: { ...flipped, datasetId: other.id }, groupBy: null })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', message: expect.stringContaining('different datasets') },
    });
    expect(await call({ a, b: { ...flipped, modelId: 999 }, groupBy: null })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(await call({ a, b: { ...a, layer: 'conv1' }, groupBy: null })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(await call({ a, b: a, groupBy: null })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(await call({ a, b: flipped, groupBy: CLUSTER_GROUP })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(await call({ a, b: flipped, groupBy: 'beard' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', message: expect.stringContaining('"beard"') },
    });
  });
});
