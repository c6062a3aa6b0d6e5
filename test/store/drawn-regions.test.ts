/**
 * Regions drawn on a class, through the back end on a real audited demo subset: the
 * box over the scrubs becomes a region row of every image of the class, stored maps
 * are measured on it exactly as an audit measures a fresh map, and from then on it is
 * a region like the annotated ones (grid sort, summaries, rules, suggestions). It
 * survives re-scans, reaches images added later, and goes entirely when deleted.
 */
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionStats } from '../../src/main/analysis/attention';
import { dispatch } from '../../src/main/api';
import { createBackend, type Backend } from '../../src/main/backend';
import { DRAWN_ORD_BASE, pixelBox } from '../../src/main/store';
import type { RegionBox } from '../../src/main/library/types';
import type { MethodName } from '../../src/shared/explain';
import { decodeMap } from '../../src/shared/map-codec';
import type { AuditKey, DatasetView } from '../../src/shared/views';
import { tempDir } from '../fixtures/models';
import { DEMO_DATASET, DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { file, freshStore, mapFor, resultFor } from './helpers';
import { auditThroughApi } from '../fixtures/backend-audit';

const PER_CLASS = 12;
/** The scrub top's usual place in the demo's 96x96 portraits (the mean of the annotated `cue` boxes). */
const SCRUBS = { x0: 0.3, y0: 0.41, x1: 0.7, y1: 1 };
let dataDir: string;
let root: string;
let backend: Backend;
let dataset: DatasetView;
let key: AuditKey;
let db: Database.Database;

async function audit(methods: MethodName[]): Promise<void> {
  await auditThroughApi(backend, { dataset: root, model: DEMO_MODEL, methods, targets: 'predicted', workers: 1 });
}

interface StoredMap {
  resultId: number;
  method: string;
  width: number;
  height: number;
  max: number;
  map: Uint8Array;
  imageWidth: number;
  imageHeight: number;
}

function imagesOf(label: string): { id: number; contentId: number; path: string }[] {
  return db
    .prepare<[number, string], { id: number; contentId: number; path: string }>(
      'SELECT id, content_id AS contentId, path FROM images WHERE dataset_id = ? AND label = ? AND present = 1 ORDER BY path',
    )
    .all(dataset.id, label);
}

function regionRows(imageId: number): (RegionBox & { ord: number })[] {
  return db.prepare<[number], RegionBox & { ord: number }>('SELECT ord, name, x0, y0, x1, y1 FROM regions WHERE image_id = ? ORDER BY ord').all(imageId);
}

function storedMaps(contentId: number): StoredMap[] {
  return db
    .prepare<[number], StoredMap>(
      `SELECT r.id AS resultId, s.method, r.width, r.height, r.max, r.map, c.width AS imageWidth, c.height AS imageHeight
       FROM results r JOIN result_sets s ON s.id = r.set_id JOIN contents c ON c.id = r.content_id
       WHERE r.content_id = ? ORDER BY r.id`,
    )
    .all(contentId);
}

function statOf(resultId: number, region: string): { mass: number; boxIou: number } | undefined {
  return db
    .prepare<[number, string], { mass: number; boxIou: number }>('SELECT mass, box_iou AS boxIou FROM region_stats WHERE result_id = ? AND region = ?')
    .get(resultId, region);
}

/** What attentionStats gives a stored map on these boxes: the number the store must hold. */
function expected(map: StoredMap, boxes: RegionBox[]): { mass: number; boxIou: number } {
  const decoded = decodeMap({ width: map.width, height: map.height, max: map.max, bytes: map.map });
  const [stat] = attentionStats(decoded, { width: map.imageWidth, height: map.imageHeight }, boxes).regions;
  return { mass: stat!.mass, boxIou: stat!.boxIou };
}

beforeAll(async () => {
  dataDir = tempDir('biascope-drawn-');
  root = demoSubset(PER_CLASS);
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir, demo: null, workers: 1 });
  dataset = await backend.api.openDataset({ root });
  const model = await backend.api.openModel({ path: DEMO_MODEL });
  await audit(['gradcam']);
  key = { datasetId: dataset.id, modelId: model.id, layer: model.defaultLayer!, method: 'gradcam' };
  db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
}, 120_000);

afterAll(async () => {
  db?.close();
  await backend?.close();
});

describe('regions drawn on a class', () => {
  it('apply to every image of the class, in pixels rounded outwards, and measure stored maps like attentionStats', async () => {
    const drawn = await backend.api.drawRegion({ datasetId: dataset.id, label: 'doctor', name: 'scrubs', box: SCRUBS });
    expect(drawn).toMatchObject({ region: { label: 'doctor', name: 'scrubs', box: SCRUBS }, images: PER_CLASS, skipped: 0 });
    // 0.3 * 96 = 28.8 -> 28, 0.41 * 96 = 39.36 -> 39, 0.7 * 96 = 67.2 -> 68.
    expect(pixelBox(SCRUBS, 96, 96)).toEqual({ x0: 28, y0: 39, x1: 68, y1: 96 });

    for (const image of imagesOf('doctor')) {
      const rows = regionRows(image.id);
      expect(rows.filter((r) => r.ord < DRAWN_ORD_BASE).map((r) => r.name).sort()).toEqual(['cue', 'face', 'hair', 'object']);
      expect(rows.filter((r) => r.ord >= DRAWN_ORD_BASE)).toEqual([{ ord: DRAWN_ORD_BASE, name: 'scrubs', x0: 28, y0: 39, x1: 68, y1: 96 }]);
      const maps = storedMaps(image.contentId);
      expect(maps.length).toBeGreaterThan(0);
      for (const map of maps) {
        expect(statOf(map.resultId, 'scrubs')).toEqual(expected(map, [{ name: 'scrubs', x0: 28, y0: 39, x1: 68, y1: 96 }]));
      }
    }
    for (const image of imagesOf('nurse')) {
      expect(regionRows(image.id).some((r) => r.name === 'scrubs')).toBe(false);
      for (const map of storedMaps(image.contentId)) expect(statOf(map.resultId, 'scrubs')).toBeUndefined();
    }
  });

  it('measure a stored map as the audit measured the fresh one (annotated cue, and a new audit on the drawn box)', async () => {
    for (const image of imagesOf('doctor')) {
      const cue = regionRows(image.id).filter((r) => r.name === 'cue');
      for (const map of storedMaps(image.contentId)) {
        const audited = statOf(map.resultId, 'cue')!;
        const measured = expected(map, cue);
        // The stored map is the audit's quantised to 16 bits: a few parts in a hundred thousand.
        expect(Math.abs(measured.mass - audited.mass)).toBeLessThan(1e-4);
        expect(measured.boxIou).toBeCloseTo(audited.boxIou, 6);
      }
    }
    // A later audit plans from the region rows, so its worker measures the drawn box on the raw map.
    await audit(['gradcam', 'cam']);
    let checked = 0;
    for (const image of imagesOf('doctor')) {
      for (const map of storedMaps(image.contentId).filter((m) => m.method === 'cam')) {
        const audited = statOf(map.resultId, 'scrubs')!;
        expect(Math.abs(expected(map, [{ name: 'scrubs', x0: 28, y0: 39, x1: 68, y1: 96 }]).mass - audited.mass)).toBeLessThan(1e-4);
        checked++;
      }
    }
    expect(checked).toBe(PER_CLASS);
  }, 120_000);

  it('count in the overview, the class summary and the grid sort like an annotated region', async () => {
    const view = await backend.api.openDataset({ root });
    expect(view.regions).toEqual(['cue', 'face', 'hair', 'object', 'scrubs']);
    const summary = await backend.api.classSummary(key);
    const doctor = summary.find((c) => c.name === 'doctor')!;
    expect(doctor.focus.find((f) => f.region === 'scrubs')).toBeDefined();
    const index = await backend.api.gridIndex({ key, filter: { label: 'doctor' }, sort: { by: 'mass', region: 'scrubs', dir: 'desc' } });
    expect(index.ids).toHaveLength(PER_CLASS);
    const tiles = await backend.api.gridTiles({ key, ids: index.ids });
    const masses = tiles.map((tile) => {
      const image = imagesOf('doctor').find((i) => i.id === tile.id)!;
      const map = storedMaps(image.contentId).find((m) => m.method === 'gradcam')!;
      return statOf(map.resultId, 'scrubs')!.mass;
    });
    expect(masses).toEqual([...masses].sort((a, b) => b - a));
  });

  it('refuse names of annotated regions, bad names, degenerate boxes and unknown classes', async () => {
    const call = (request: object) => dispatch(backend.api, 'drawRegion', [{ datasetId: dataset.id, label: 'doctor', name: 'x', box: SCRUBS, ...request }]);
    expect(await call({ name: 'cue' })).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringContaining('annotations') } });
    expect(await call({ name: 'a,b' })).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringContaining('comma') } });
    expect(await call({ name: ' face2' })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(await call({ name: '' })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(await call({ box: { x0: 0.5, y0: 0.2, x1: 0.5, y1: 0.6 } })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(await call({ box: { x0: 0.6, y0: 0.2, x1: 0.5, y1: 0.6 } })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(await call({ box: { x0: 0, y0: 0, x1: 1.2, y1: 0.6 } })).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(await call({ label: 'surgeon' })).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringContaining('surgeon') } });
    expect(await backend.api.drawnRegions({ datasetId: dataset.id })).toHaveLength(1);
  });

  it('survive a re-scan that rewrites the annotated regions', async () => {
    const [first] = imagesOf('doctor');
    const before = regionRows(first!.id);
    // The first doctor's face box moves: the scan replaces its annotated rows.
    const csv = path.join(root, 'regions.csv');
    const text = readFileSync(csv, 'utf8');
    const face = text.split('\n').find((line) => line.startsWith(`${first!.path},face,`))!;
    writeFileSync(csv, text.replace(face, `${first!.path},face,1,2,30,31`));
    await backend.api.openDataset({ root });
    const after = regionRows(first!.id);
    expect(after.find((r) => r.name === 'face')).toMatchObject({ x0: 1, y0: 2, x1: 30, y1: 31 });
    expect(after.filter((r) => r.ord >= DRAWN_ORD_BASE)).toEqual(before.filter((r) => r.ord >= DRAWN_ORD_BASE));
    for (const map of storedMaps(first!.contentId)) expect(statOf(map.resultId, 'scrubs')).toBeDefined();
  });

  it('reach an image a later scan adds, once an audit has decoded it', async () => {
    const manifest = readFileSync(path.join(DEMO_DATASET, 'manifest.csv'), 'utf8').split('\n');
    const extra = manifest.find((line) => line.startsWith('doctor/train_0001.png,'))!;
    copyFileSync(path.join(DEMO_DATASET, 'doctor/train_0001.png'), path.join(root, 'doctor/train_0001.png'));
    appendFileSync(path.join(root, 'manifest.csv'), `${extra}\n`);
    await backend.api.openDataset({ root });
    const added = imagesOf('doctor').find((i) => i.path === 'doctor/train_0001.png')!;
    // Not decoded yet: no size, so no pixels to put the box in.
    expect(regionRows(added.id).some((r) => r.name === 'scrubs')).toBe(false);
    const redrawn = await backend.api.drawRegion({ datasetId: dataset.id, label: 'doctor', name: 'scrubs', box: SCRUBS });
    expect(redrawn).toMatchObject({ images: PER_CLASS, skipped: 1 });

    await audit(['gradcam']);
    expect(regionRows(added.id).filter((r) => r.name === 'scrubs')).toEqual([{ ord: DRAWN_ORD_BASE, name: 'scrubs', x0: 28, y0: 39, x1: 68, y1: 96 }]);
    const [map] = storedMaps(added.contentId);
    expect(statOf(map!.resultId, 'scrubs')).toEqual(expected(map!, [{ name: 'scrubs', x0: 28, y0: 39, x1: 68, y1: 96 }]));
  }, 120_000);

  it('are regions the rules can mark spurious, and the suggestions follow', async () => {
    const nurse = await backend.api.drawRegion({ datasetId: dataset.id, label: 'nurse', name: 'scrubs', box: SCRUBS });
    expect(nurse.images).toBe(PER_CLASS);
    const rules = await backend.api.setSpuriousRules({ datasetId: dataset.id, rules: { spurious: ['scrubs'], evidence: ['object'], threshold: 0.5 } });
    expect(rules.spurious).toEqual(['scrubs']);
    const list = await backend.api.suggestions({ key });
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((item) => item.region === 'scrubs')).toBe(true);
    expect(new Set(list.items.map((item) => item.label))).toEqual(new Set(['doctor', 'nurse']));
  });

  it('go with their rows and statistics when deleted, and only from their class', async () => {
    const removed = await backend.api.deleteDrawnRegion({ datasetId: dataset.id, label: 'doctor', name: 'scrubs' });
    expect(removed.images).toBe(PER_CLASS + 1);
    for (const image of imagesOf('doctor')) {
      expect(regionRows(image.id).some((r) => r.ord >= DRAWN_ORD_BASE)).toBe(false);
      for (const map of storedMaps(image.contentId)) expect(statOf(map.resultId, 'scrubs')).toBeUndefined();
    }
    for (const image of imagesOf('nurse')) {
      for (const map of storedMaps(image.contentId)) expect(statOf(map.resultId, 'scrubs')).toBeDefined();
    }
    expect((await backend.api.suggestions({ key })).items.every((item) => item.label === 'nurse')).toBe(true);
    expect(await dispatch(backend.api, 'deleteDrawnRegion', [{ datasetId: dataset.id, label: 'doctor', name: 'scrubs' }])).toMatchObject({
      ok: false,
      error: { kind: 'not-found' },
    });
    expect(await backend.api.drawnRegions({ datasetId: dataset.id })).toMatchObject([{ label: 'nurse', name: 'scrubs' }]);
  });
});

describe('the store keeps drawn rows apart from the scan', () => {
  it('re-scans leave drawn rows alone, and applying an unchanged region measures nothing', () => {
    const store = freshStore();
    const { id } = store.upsertDataset('/data/portraits');
    const files = [file('doctor/a.png', 'a'), file('doctor/b.png', 'b'), file('nurse/c.png', 'c')];
    const annotated = (x: number) => new Map(files.map((f) => [f.path, [{ name: 'face', x0: x, y0: 0, x1: x + 10, y1: 10 }]]));
    store.syncImages(id, files, annotated(0));
    const images = store.listImages(id);
    const modelId = store.upsertModel({ hash: 'm', path: '/m/model.json', kind: 'layers', classes: ['doctor', 'nurse'], config: '{}' }).id;
    store.writeResults(modelId, 'conv', images.map((image, seed) => resultFor(image.contentId, seed, [mapFor(seed, 'gradcam', 0)], 2)));

    let measured = 0;
    const measure = () => ({ mass: ++measured / 100, boxIou: 0.5 });
    expect(store.putDrawnRegion(id, 'doctor', 'coat', { x0: 0.25, y0: 0.5, x1: 0.75, y1: 1 }, measure)).toEqual({ images: 2, skipped: 0 });
    expect(measured).toBe(2);
    // 640x480 images: 0.25 * 640 = 160, 0.75 * 640 = 480, 0.5 * 480 = 240.
    const coat = { name: 'coat', x0: 160, y0: 240, x1: 480, y1: 480 };
    expect(store.listImages(id).map((image) => image.regions)).toEqual([
      [{ name: 'face', x0: 0, y0: 0, x1: 10, y1: 10 }, coat],
      [{ name: 'face', x0: 0, y0: 0, x1: 10, y1: 10 }, coat],
      [{ name: 'face', x0: 0, y0: 0, x1: 10, y1: 10 }],
    ]);

    // A scan that moves every annotated box replaces those rows only.
    store.syncImages(id, files, annotated(5));
    expect(store.listImages(id)[0]!.regions).toEqual([{ name: 'face', x0: 5, y0: 0, x1: 15, y1: 10 }, coat]);
    store.applyDrawnRegions(id, measure);
    expect(measured).toBe(2);

    expect(store.annotatedRegionNames(id)).toEqual(['face']);
    expect(() => store.putDrawnRegion(id, 'nurse', 'face', { x0: 0, y0: 0, x1: 0.5, y1: 0.5 }, measure)).toThrow(/annotations/);
    expect(store.deleteDrawnRegion(id, 'doctor', 'coat', measure)).toBe(2);
    expect(store.listImages(id).every((image) => image.regions.every((r) => r.name === 'face'))).toBe(true);
    expect(store.deleteDrawnRegion(id, 'doctor', 'coat', measure)).toBeUndefined();
    store.close();
  });
});
