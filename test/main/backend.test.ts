/**
 * The back end as the UI drives it, on a real copy of the demo dataset and the demo
 * model: open, audit, query the grid, tag, explain on demand, reopen.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/api';
import { createBackend, type Backend } from '../../src/main/backend';
import type { AuditState } from '../../src/shared/api';
import { CLUSTER_GROUP, type AuditKey, type DatasetView, type ModelView, type Tile } from '../../src/shared/views';
import { fromWireMap } from '../../src/shared/wire-map';
import { tempDir } from '../fixtures/models';
import { DEMO_DATASET, DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { auditEnd, auditThroughApi } from '../fixtures/backend-audit';

const PER_CLASS = 10;
let dataDir: string;
let root: string;
let backend: Backend;
let dataset: DatasetView;
let model: ModelView;
let key: AuditKey;
const audits: AuditState[] = [];

const waitForEnd = (): Promise<AuditState> => auditEnd(backend);

async function allTiles(ids: readonly number[]): Promise<Tile[]> {
  return backend.api.gridTiles({ key, ids: [...ids] });
}

beforeAll(async () => {
  dataDir = tempDir('biascope-app-');
  root = demoSubset(PER_CLASS);
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir, demo: null, workers: 1 });
  backend.events.connect((event, payload) => {
    if (event === 'audit') audits.push(payload as AuditState);
  });
  dataset = await backend.api.openDataset({ root });
  model = await backend.api.openModel({ path: DEMO_MODEL });
  // Asked before any result exists: a cached order must not outlive the audit's results.
  const before = { datasetId: dataset.id, modelId: model.id, layer: model.defaultLayer!, method: 'gradcam' as const };
  const unaudited = await backend.api.gridIndex({ key: before, filter: {}, sort: { by: 'confidence', dir: 'desc' } });
  expect((await backend.api.gridTiles({ key: before, ids: unaudited.ids })).every((t) => t.confidence === null)).toBe(true);
  const guided = await dispatch(backend.api, 'startAudit', [{ dataset: root, model: DEMO_MODEL, methods: ['guided-backprop'], targets: 'predicted' }]);
  expect(guided).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringMatching(/on demand/) } });
  const ended = waitForEnd();
  await backend.api.startAudit({ dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', workers: 1 });
  const conflict = await dispatch(backend.api, 'startAudit', [{ dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label' }]);
  expect(conflict).toMatchObject({ ok: false, error: { kind: 'conflict' } });
  const end = await ended;
  expect(end.status).toBe('done');
  key = { datasetId: dataset.id, modelId: end.modelId!, layer: end.layer!, method: 'gradcam' };
});

afterAll(async () => {
  await backend?.close();
});

describe('a file that cannot be used', () => {
  it('says why on its tile and in its detail', async () => {
    const folder = tempDir('biascope-broken-');
    mkdirSync(path.join(folder, 'doctor'));
    mkdirSync(path.join(folder, 'nurse'));
    copyFileSync(path.join(DEMO_DATASET, 'doctor/test_0001.png'), path.join(folder, 'doctor/a.png'));
    copyFileSync(path.join(DEMO_DATASET, 'nurse/test_0001.png'), path.join(folder, 'nurse/b.png'));
    writeFileSync(path.join(folder, 'nurse/broken.png'), readFileSync(path.join(DEMO_DATASET, 'nurse/test_0002.png')).subarray(0, 200));
    const own = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-app-'), demo: null, workers: 1 });
    try {
      await own.api.openDataset({ root: folder });
      const opened = await own.api.openModel({ path: DEMO_MODEL });
      const end = await auditThroughApi(own, { dataset: folder, model: DEMO_MODEL, methods: ['gradcam'], targets: 'predicted', workers: 1 });
      expect(end.summary).toMatchObject({ computed: 2, failed: 1 });
      const ownKey = { datasetId: end.datasetId!, modelId: opened.id, layer: end.layer!, method: 'gradcam' as const };
      const { ids } = await own.api.gridIndex({ key: ownKey, filter: {}, sort: { by: 'path', dir: 'asc' } });
      const tiles = await own.api.gridTiles({ key: ownKey, ids });
      const broken = tiles.find((t) => t.path === 'nurse/broken.png')!;
      expect(broken.problem).toMatch(/^decode: .*(truncated|corrupt)/i);
      expect(broken.map).toBeNull();
      expect(tiles.filter((t) => t.problem === null)).toHaveLength(2);
      const detail = await own.api.imageDetail({ key: ownKey, imageId: broken.id });
      expect(detail.problem).toMatchObject({ stage: 'decode' });
    } finally {
      await own.close();
    }
  });
});

describe('the back end, driven like the UI does', () => {
  it('opens a dataset with its classes, attributes and regions', () => {
    expect(dataset.classes).toEqual([
      { name: 'doctor', images: PER_CLASS },
      { name: 'nurse', images: PER_CLASS },
    ]);
    expect(dataset.attributes.map((a) => a.name)).toContain('cue');
    expect(dataset.regions).toEqual(expect.arrayContaining(['face', 'hair']));
  });

  it('loads a model to list its layers', () => {
    expect(model.classes).toEqual(['doctor', 'nurse']);
    expect(model.layers.filter((l) => l.candidate).length).toBeGreaterThan(0);
    expect(model.layers.map((l) => l.name)).toContain(model.defaultLayer);
  });

  it('reports the audit as it runs and when it ends', () => {
    expect(audits[0]?.status).toBe('running');
    expect(audits.some((a) => a.layer !== null)).toBe(true);
    const last = audits.at(-1)!;
    expect(last.summary).toMatchObject({ outcome: 'done', computed: 2 * PER_CLASS });
  });

  it('summarises each class: audited, accuracy, focus per region', async () => {
    const classes = await backend.api.classSummary(key);
    expect(classes.map((c) => c.name)).toEqual(['doctor', 'nurse']);
    for (const c of classes) {
      expect(c.audited).toBe(PER_CLASS);
      expect(c.accuracy).not.toBeNull();
      expect(c.focus.map((f) => f.region)).toEqual(dataset.regions);
      expect(c.focus.reduce((sum, f) => sum + f.images, 0)).toBeLessThanOrEqual(PER_CLASS * dataset.regions.length);
    }
  });

  it('sorts the grid by confidence and filters by class and correctness', async () => {
    const { ids } = await backend.api.gridIndex({ key, filter: {}, sort: { by: 'confidence', dir: 'desc' } });
    expect(ids).toHaveLength(2 * PER_CLASS);
    const tiles = await allTiles(ids);
    const probs = tiles.map((t) => t.confidence!);
    expect(probs).toEqual([...probs].sort((a, b) => b - a));
    const nurses = await backend.api.gridIndex({ key, filter: { label: 'nurse' }, sort: { by: 'path', dir: 'asc' } });
    expect((await allTiles(nurses.ids)).every((t) => t.label === 'nurse')).toBe(true);
    const wrong = await backend.api.gridIndex({ key, filter: { correctness: 'wrong' }, sort: { by: 'path', dir: 'asc' } });
    const right = await backend.api.gridIndex({ key, filter: { correctness: 'correct' }, sort: { by: 'path', dir: 'asc' } });
    expect(wrong.ids.length + right.ids.length).toBe(2 * PER_CLASS);
    expect((await allTiles(wrong.ids)).every((t) => t.correct === false && t.predicted !== t.label)).toBe(true);
  });

  it('gives a first screen of ids with the total, agreeing with the full order', async () => {
    for (const sort of [{ by: 'confidence', dir: 'desc' }, { by: 'mass', region: 'face', dir: 'asc' }, { by: 'path', dir: 'asc' }] as const) {
      for (const filter of [{}, { correctness: 'wrong' as const }, { label: 'doctor' }]) {
        const all = await backend.api.gridIndex({ key, filter, sort });
        const first = await backend.api.gridIndex({ key, filter, sort, limit: 5 });
        expect(all.complete).toBe(true);
        expect(first.total).toBe(all.ids.length);
        expect(first.ids).toEqual(all.ids.slice(0, 5));
        expect(first.complete).toBe(all.ids.length < 5);
      }
    }
  });

  it('sorts by mass on a region and filters by region focus, agreeing with the stored statistics', async () => {
    const sorted = await backend.api.gridIndex({ key, filter: {}, sort: { by: 'mass', region: 'face', dir: 'desc' } });
    const masses: number[] = [];
    for (const imageId of sorted.ids) {
      const detail = await backend.api.imageDetail({ key, imageId });
      masses.push(detail.stats!.regions.find((r) => r.name === 'face')?.mass ?? 0);
    }
    expect(masses).toEqual([...masses].sort((a, b) => b - a));
    const focused = await backend.api.gridIndex({ key, filter: { focus: { region: 'face', min: 0.3 } }, sort: { by: 'path', dir: 'asc' } });
    expect(focused.ids.length).toBe(masses.filter((m) => m >= 0.3).length);
  });

  it('sends maps that decode to the layer resolution', async () => {
    const { ids } = await backend.api.gridIndex({ key, filter: {}, sort: { by: 'path', dir: 'asc' } });
    const [tile] = await allTiles(ids.slice(0, 1));
    const map = fromWireMap(tile!.map!);
    expect(map.width).toBeGreaterThan(1);
    expect(Math.max(...map.data)).toBeCloseTo(tile!.map!.max, 3);
  });

  it('tags many images at once, filters and counts by tag, and removes tags', async () => {
    const { ids } = await backend.api.gridIndex({ key, filter: { label: 'doctor' }, sort: { by: 'path', dir: 'asc' } });
    const tiles = await allTiles(ids.slice(0, 3));
    const contentIds = tiles.map((t) => t.contentId);
    const tagged = await backend.api.setTags({ datasetId: dataset.id, contentIds, add: ['spurious:face', ' '], remove: [] });
    expect(tagged.map((t) => t.tags)).toEqual([['spurious:face'], ['spurious:face'], ['spurious:face']]);
    expect(await backend.api.tagCounts({ datasetId: dataset.id })).toEqual([{ tag: 'spurious:face', images: 3 }]);
    const filtered = await backend.api.gridIndex({ key, filter: { tag: 'spurious:face' }, sort: { by: 'path', dir: 'asc' } });
    expect(filtered.ids.sort()).toEqual(ids.slice(0, 3).sort());
    const doctor = (await backend.api.classSummary(key)).find((c) => c.name === 'doctor')!;
    expect(doctor.flagged).toBe(3);
    await backend.api.setTags({ datasetId: dataset.id, contentIds: contentIds.slice(0, 1), add: [], remove: ['spurious:face'] });
    expect(await backend.api.tagCounts({ datasetId: dataset.id })).toEqual([{ tag: 'spurious:face', images: 2 }]);
  });

  it('lists tags in order of first use, whatever their counts, so the palette keys never move', async () => {
    const { ids } = await backend.api.gridIndex({ key, filter: { label: 'nurse' }, sort: { by: 'path', dir: 'asc' } });
    const contentIds = (await allTiles(ids.slice(0, 3))).map((t) => t.contentId);
    await backend.api.setTags({ datasetId: dataset.id, contentIds: contentIds.slice(0, 1), add: ['zz-first'], remove: [] });
    // Creation times are kept to the millisecond: the second tag is made strictly later.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await backend.api.setTags({ datasetId: dataset.id, contentIds, add: ['aa-second'], remove: [] });
    const order = (await backend.api.tagCounts({ datasetId: dataset.id })).map((t) => t.tag);
    // By count, aa-second (3 images) would come first; by name too.
    expect(order.indexOf('zz-first')).toBeLessThan(order.indexOf('aa-second'));
    await backend.api.setTags({ datasetId: dataset.id, contentIds, add: [], remove: ['zz-first', 'aa-second'] });
  });

  it('tabulates class x group: counts, shares, accuracy, confidence, flags, region mass', async () => {
    const table = await backend.api.subgroups({ key, groupBy: 'cue' });
    expect(table.map((r) => `${r.label}/${r.group}`)).toEqual(['doctor/blue', 'doctor/pink', 'nurse/blue', 'nurse/pink']);
    for (const label of ['doctor', 'nurse']) {
      const rows = table.filter((r) => r.label === label);
      expect(rows.reduce((sum, r) => sum + r.count, 0)).toBe(PER_CLASS);
      expect(rows.reduce((sum, r) => sum + r.share, 0)).toBeCloseTo(1, 12);
    }
    // Accuracy per class agrees with the class summary, weighted by group.
    const classes = await backend.api.classSummary(key);
    for (const c of classes) {
      const rows = table.filter((r) => r.label === c.name);
      const correct = rows.reduce((sum, r) => sum + (r.accuracy ?? 0) * r.audited, 0);
      expect(correct / c.audited).toBeCloseTo(c.accuracy!, 12);
      expect(rows.reduce((sum, r) => sum + r.flagged * r.count, 0)).toBeCloseTo(c.flagged, 9);
    }
    for (const r of table) expect(r.mass.map((m) => m.region)).toEqual(dataset.regions);
    const byCluster = await backend.api.subgroups({ key, groupBy: CLUSTER_GROUP });
    expect(byCluster.every((r) => /^cluster \d+$/.test(r.group))).toBe(true);
    expect(byCluster.reduce((sum, r) => sum + r.count, 0)).toBe(2 * PER_CLASS);
    const unknown = await dispatch(backend.api, 'subgroups', [{ key, groupBy: 'badge' }]);
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });

  it('details one image: top classes, regions, statistics, the map of each explained class', async () => {
    const { ids } = await backend.api.gridIndex({ key, filter: { correctness: 'wrong' }, sort: { by: 'path', dir: 'asc' } });
    const anyIds = ids.length > 0 ? ids : (await backend.api.gridIndex({ key, filter: {}, sort: { by: 'path', dir: 'asc' } })).ids;
    const detail = await backend.api.imageDetail({ key, imageId: anyIds[0]! });
    expect(detail.top.map((t) => t.name).sort()).toEqual(['doctor', 'nurse']);
    expect(detail.regions.length).toBeGreaterThan(0);
    expect(detail.stats?.regions.length).toBeGreaterThan(0);
    expect(detail.width).toBeGreaterThan(0);
    // targets 'label': the predicted class and, when it differs, the true label.
    expect(detail.maps.map((m) => m.target)).toContain(detail.top[0]!.name);
    if (ids.length > 0) expect(detail.maps.map((m) => m.target).sort()).toEqual(['doctor', 'nurse']);
  });

  it('computes guided and counterfactual maps on demand, with the sanity-check note on guided ones', async () => {
    const { ids } = await backend.api.gridIndex({ key, filter: {}, sort: { by: 'path', dir: 'asc' } });
    const guided = await backend.api.explainImage({ key, imageId: ids[0]!, method: 'guided-backprop', target: 'nurse' });
    expect(guided.note).toMatch(/sanity check/);
    expect(guided.map.width).toBe(96);
    const counter = await backend.api.explainImage({ key, imageId: ids[0]!, method: 'counterfactual', target: 'doctor' });
    expect(counter.note).toBeNull();
    expect(counter.map.width).toBeLessThan(96);
    const unknown = await dispatch(backend.api, 'explainImage', [{ key, imageId: ids[0]!, method: 'gradcam', target: 'pilot' }]);
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });

  it('serves thumbnails of opened datasets only, and never outside the root', async () => {
    const { ids } = await backend.api.gridIndex({ key, filter: {}, sort: { by: 'path', dir: 'asc' } });
    const [tile] = await allTiles(ids.slice(0, 1));
    const thumb = await backend.images.serve(dataset.id, tile!.path, 'thumb');
    expect(thumb.contentType).toBe('image/jpeg');
    expect((await sharp(thumb.bytes).metadata()).format).toBe('jpeg');
    await expect(backend.images.serve(dataset.id, '../../etc/passwd', 'full')).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(backend.images.serve(dataset.id + 99, tile!.path, 'full')).rejects.toMatchObject({ kind: 'forbidden' });
  });

  it('opens a database written elsewhere (biascope audit --out) on its latest audit', async () => {
    const other = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-app-'), dbFile: `${dataDir}/library.db`, demo: null });
    try {
      const startup = await other.api.startup();
      expect(startup.recent).toEqual([]);
      expect(startup.last).toMatchObject({ dataset: { id: dataset.id }, model: { id: key.modelId }, layer: key.layer, method: 'gradcam' });
      expect(startup.last!.firstScreen.total).toBe(PER_CLASS);
    } finally {
      await other.close();
    }
  });

  it('reopens where the user left off, with tags kept, without scanning again', async () => {
    await backend.close();
    backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir, demo: null, workers: 1 });
    const startup = await backend.api.startup();
    expect(startup.last).toMatchObject({ dataset: { id: dataset.id, root }, model: { id: key.modelId }, layer: key.layer, method: 'gradcam' });
    expect(startup.recent.map((r) => r.root)).toEqual([root]);
    expect(await backend.api.tagCounts({ datasetId: dataset.id })).toEqual([{ tag: 'spurious:face', images: 2 }]);
    expect(await backend.api.storedAudits({ datasetId: dataset.id })).toEqual([
      { datasetId: dataset.id, modelId: key.modelId, modelPath: DEMO_MODEL, layer: key.layer, method: 'gradcam', results: 2 * PER_CLASS },
    ]);
  });
});
