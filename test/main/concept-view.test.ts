/**
 * The concept view through the contract, on a real audit of the planted-cue fixture
 * with concepts on: the cross class's badge concepts sit in the top corners, are red
 * (the badge's colour, read from the typical images' pixels), their typical crops'
 * boxes cover the badge the truth file places (the app never reads it), the grid
 * filters to a concept's dominated images, tags are read at each call, and the errors
 * say what the audit lacks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/api';
import { createBackend, type Backend } from '../../src/main/backend';
import { API_SCHEMAS } from '../../src/shared/api';
import { CONCEPT_CROPS, MAX_CONCEPT_K, type ConceptView } from '../../src/shared/concepts';
import type { AuditKey } from '../../src/shared/views';
import { auditThroughApi } from '../fixtures/backend-audit';
import { tempDir } from '../fixtures/models';

const PLANTED = path.resolve(import.meta.dirname, '../fixtures/planted');
const CUE = path.join(PLANTED, 'cue');
const CUE_MODEL = path.join(PLANTED, 'cue-model', 'model.json');
const SIZE = 64;

let backend: Backend;
let key: AuditKey;

/** The truth's badge boxes by image path, in pixels of the 64x64 images. */
const badges = new Map(
  (parse(readFileSync(path.join(CUE, 'truth.csv'), 'utf8'), { columns: true }) as Record<string, string>[])
    .filter((row) => row['region'] === 'badge')
    .map((row) => [row['path']!, { x0: Number(row['x0']), y0: Number(row['y0']), x1: Number(row['x1']), y1: Number(row['y1']) }]),
);

const inTopCorner = (c: ConceptView) => ['top-left', 'top-right', 'top corners'].includes(c.where);
const isRed = (c: ConceptView) => c.meanColour !== null && c.meanColour.r > 150 && c.meanColour.g < 100 && c.meanColour.b < 100;

beforeAll(async () => {
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-concept-view-'), demo: null, workers: 1, warm: false });
  const state = await auditThroughApi(backend, { dataset: CUE, model: CUE_MODEL, methods: ['gradcam'], targets: 'label', workers: 1, concepts: true });
  expect(state.status).toBe('done');
  key = { datasetId: state.datasetId!, modelId: state.modelId!, layer: state.layer!, method: 'gradcam' };
});

afterAll(async () => {
  await backend?.close();
});

describe('the concept view of a class', () => {
  it('finds the red badge in the top corners of the cross maps, with crops on the badge', async () => {
    const view = await backend.api.concepts({ key, label: 'cross' });
    expect(view.label).toBe('cross');
    expect(view.concepts.length).toBeGreaterThanOrEqual(1);
    expect(view.concepts.map((c) => c.index)).toEqual(view.concepts.map((_, i) => i));
    const badge = view.concepts.filter(inTopCorner);
    expect(badge.reduce((sum, c) => sum + c.share, 0)).toBeGreaterThan(0.8);
    for (const concept of badge) {
      expect(isRed(concept)).toBe(true);
      expect(concept.location).toHaveLength(9);
      expect(concept.typical.length).toBe(Math.min(CONCEPT_CROPS, concept.images));
      expect(concept.dominatedContentIds).toHaveLength(concept.dominated);
      expect(concept).toMatchObject({ name: null, role: null, test: null });
      for (const crop of concept.typical) {
        // The box of the component's cells holds the badge's centre, and is no bigger than a quarter of the image.
        const truth = badges.get(crop.path)!;
        expect(truth).toBeDefined();
        const [cx, cy] = [(truth.x0 + truth.x1) / 2 / SIZE, (truth.y0 + truth.y1) / 2 / SIZE];
        expect(crop.box.x0).toBeLessThanOrEqual(cx);
        expect(crop.box.x1).toBeGreaterThanOrEqual(cx);
        expect(crop.box.y0).toBeLessThanOrEqual(cy);
        expect(crop.box.y1).toBeGreaterThanOrEqual(cy);
        expect((crop.box.x1 - crop.box.x0) * (crop.box.y1 - crop.box.y0)).toBeLessThan(0.25);
      }
    }
    // The ring maps look at the ring, in the middle, and it is not red.
    const ring = await backend.api.concepts({ key, label: 'ring' });
    expect(ring.concepts.filter(inTopCorner)).toEqual([]);
    expect(ring.concepts.some(isRed)).toBe(false);
  });

  it('gives the same concepts again for the same seed and k, and a chosen k', async () => {
    const first = await backend.api.concepts({ key, label: 'cross', seed: 5 });
    const again = await backend.api.concepts({ key, label: 'cross', seed: 5 });
    expect(again).toEqual(first);
    const three = await backend.api.concepts({ key, label: 'cross', k: 3 });
    expect(three.concepts).toHaveLength(3);
    expect(three.scores).toEqual([]);
  });

  it('filters the grid to the images a concept dominates, and reads their tags at each call', async () => {
    const [concept] = (await backend.api.concepts({ key, label: 'cross' })).concepts;
    const ids = concept!.dominatedContentIds;
    const grid = await backend.api.gridIndex({ key, filter: { images: { name: 'cross concept 0', contentIds: ids } }, sort: { by: 'path', dir: 'asc' } });
    expect(grid.total).toBe(ids.length);
    const tiles = await backend.api.gridTiles({ key, ids: grid.ids });
    expect(tiles.map((t) => t.contentId).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    // Dominated by a cross concept: most of them are predicted cross.
    expect(tiles.filter((t) => t.predicted === 'cross').length).toBeGreaterThan(ids.length / 2);

    await backend.api.setTags({ datasetId: key.datasetId, contentIds: ids, add: ['spurious:badge'], remove: [] });
    const tagged = (await backend.api.concepts({ key, label: 'cross' })).tagged.filter((t) => t.tags.includes('spurious:badge'));
    expect(tagged.map((t) => t.contentId).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    const byTag = await backend.api.gridIndex({ key, filter: { tag: 'spurious:badge' }, sort: { by: 'path', dir: 'asc' } });
    expect(byTag.total).toBe(ids.length);
  });

  it('refuses an unknown class, an audit with no results, and an audit without concepts', async () => {
    const unknown = await dispatch(backend.api, 'concepts', [{ key, label: 'square' }]);
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'not-found', message: expect.stringMatching(/no class "square".*cross, ring/) } });
    const none = await dispatch(backend.api, 'concepts', [{ key: { ...key, method: 'cam' }, label: 'cross' }]);
    expect(none).toMatchObject({ ok: false, error: { kind: 'not-found', message: expect.stringMatching(/no results/) } });
    const plain = await auditThroughApi(backend, { dataset: CUE, model: CUE_MODEL, methods: ['cam'], targets: 'predicted', workers: 1 });
    expect(plain.status).toBe('done');
    const without = await dispatch(backend.api, 'concepts', [{ key: { ...key, method: 'cam' }, label: 'cross' }]);
    expect(without).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringMatching(/audit with concepts on/) } });
  });

  it('names a concept: a spurious region on every image containing it, measured on the stored maps, seen by suggestions; renames and removes it', async () => {
    const view = await backend.api.concepts({ key, label: 'cross' });
    const badge = view.concepts.find(inTopCorner)!;
    const named = await backend.api.nameConcept({ key, label: 'cross', concept: badge.index, name: 'badge', role: 'spurious' });
    expect(named).toEqual({ name: 'badge', role: 'spurious', images: badge.images, previous: null });
    expect((await backend.api.concepts({ key, label: 'cross' })).concepts[badge.index]).toMatchObject({ name: 'badge', role: 'spurious' });
    expect((await backend.api.spuriousRules({ datasetId: key.datasetId })).spurious).toEqual(['badge']);

    // On a typical image: a box around the truth's badge, and most of the map's mass on it.
    const crop = badge.typical[0]!;
    const detail = await backend.api.imageDetail({ key, imageId: crop.imageId });
    const region = detail.regions.find((r) => r.name === 'badge')!;
    const truth = badges.get(crop.path)!;
    const overlap = Math.max(0, Math.min(region.x1, truth.x1) - Math.max(region.x0, truth.x0)) * Math.max(0, Math.min(region.y1, truth.y1) - Math.max(region.y0, truth.y0));
    expect(overlap / ((truth.x1 - truth.x0) * (truth.y1 - truth.y0))).toBeGreaterThan(0.8);
    expect(detail.stats!.regions.find((r) => r.name === 'badge')!.mass).toBeGreaterThan(0.5);
    // The class summary counts the maps on it, and the spurious-focus suggestions find them.
    const cross = (await backend.api.classSummary(key)).find((c) => c.name === 'cross')!;
    expect(cross.focus.find((f) => f.region === 'badge')!.images).toBeGreaterThan(badge.dominated / 2);
    const suggestions = await backend.api.suggestions({ key });
    expect(suggestions.items.filter((item) => item.region === 'badge').length).toBeGreaterThan(badge.dominated / 2);

    // A drawn region may not take the name, nor the concept a drawn region's; drawing and
    // removing one on the same images leaves the concept's region as it was.
    const drawn = await dispatch(backend.api, 'drawRegion', [{ datasetId: key.datasetId, label: 'ring', name: 'badge', box: { x0: 0, y0: 0, x1: 0.2, y1: 0.2 } }]);
    expect(drawn).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringMatching(/name of a concept/) } });
    await backend.api.drawRegion({ datasetId: key.datasetId, label: 'cross', name: 'corner', box: { x0: 0, y0: 0, x1: 0.2, y1: 0.2 } });
    const both = await backend.api.imageDetail({ key, imageId: crop.imageId });
    expect(both.regions.map((r) => r.name).sort()).toEqual(['badge', 'corner']);
    expect(both.regions.find((r) => r.name === 'badge')).toEqual(region);
    const taken = await dispatch(backend.api, 'nameConcept', [{ key, label: 'cross', concept: badge.index, name: 'corner', role: 'spurious' }]);
    expect(taken).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringMatching(/already an annotated or drawn region/) } });
    await backend.api.deleteDrawnRegion({ datasetId: key.datasetId, label: 'cross', name: 'corner' });
    expect((await backend.api.imageDetail({ key, imageId: crop.imageId })).regions).toEqual([region]);

    // Renamed: the old name's regions, role and statistics go.
    const renamed = await backend.api.nameConcept({ key, label: 'cross', concept: badge.index, name: 'red badge', role: 'spurious' });
    expect(renamed).toMatchObject({ name: 'red badge', previous: 'badge' });
    expect((await backend.api.spuriousRules({ datasetId: key.datasetId })).spurious).toEqual(['red badge']);
    const again = await backend.api.imageDetail({ key, imageId: crop.imageId });
    expect(again.regions.map((r) => r.name)).toEqual(['red badge']);
    expect(again.stats!.regions.map((r) => r.name)).toEqual(['red badge']);

    // Removed: nothing of it is left.
    const removed = await backend.api.nameConcept({ key, label: 'cross', concept: badge.index, name: null, role: 'spurious' });
    expect(removed).toEqual({ name: null, role: null, images: 0, previous: 'red badge' });
    const after = await backend.api.imageDetail({ key, imageId: crop.imageId });
    expect(after.regions).toEqual([]);
    expect(after.stats!.regions).toEqual([]);
    expect((await backend.api.spuriousRules({ datasetId: key.datasetId })).spurious).toEqual([]);
    expect((await backend.api.concepts({ key, label: 'cross' })).concepts[badge.index]).toMatchObject({ name: null, role: null });
    const unknown = await dispatch(backend.api, 'nameConcept', [{ key, label: 'cross', concept: 40, name: 'x', role: 'spurious' }]);
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('checks the request at the boundary', async () => {
    const args = API_SCHEMAS.concepts.args;
    expect(args.safeParse([{ key, label: 'cross' }]).success).toBe(true);
    expect(args.safeParse([{ key, label: 'cross', k: 1 }]).success).toBe(false);
    expect(args.safeParse([{ key, label: 'cross', k: MAX_CONCEPT_K + 1 }]).success).toBe(false);
    expect(args.safeParse([{ key, label: 'cross', seed: -1 }]).success).toBe(false);
    expect(args.safeParse([{ key, label: '' }]).success).toBe(false);
    const names = API_SCHEMAS.nameConcept.args;
    expect(names.safeParse([{ key, label: 'cross', concept: 0, name: 'badge', role: 'spurious' }]).success).toBe(true);
    expect(names.safeParse([{ key, label: 'cross', concept: 0, name: 'a,b', role: 'spurious' }]).success).toBe(false);
    expect(names.safeParse([{ key, label: 'cross', concept: 0, name: 'badge', role: 'object' }]).success).toBe(false);
    const bad = await dispatch(backend.api, 'concepts', [{ key, label: 'cross', k: 99 }]);
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });
});
