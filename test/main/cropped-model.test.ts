/**
 * A model trained on torchvision's Resize(96) + CenterCrop(96), audited through the back
 * end: on 200x100 images its maps cover x 50..150 only, so a region left of the crop
 * holds no mass, one on the crop holds all of it, and tiles and the image view say
 * where the map sits. The demo model stands in for the trained one.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/main/backend';
import type { AuditKey } from '../../src/shared/views';
import { auditThroughApi } from '../fixtures/backend-audit';
import { CROP_FRAME, croppedSetup, type CroppedSetup } from '../fixtures/cropped-model';
import { tempDir } from '../fixtures/models';

let setup: CroppedSetup;
let dataDir: string;
let backend: Backend;
let key: AuditKey;
let ids: number[];

beforeAll(async () => {
  setup = await croppedSetup();
  dataDir = tempDir('biascope-cropped-data-');
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir, demo: null, workers: 1 });
  const dataset = await backend.api.openDataset({ root: setup.root });
  const opened = await backend.api.openModel({ path: setup.model });
  const state = await auditThroughApi(backend, { dataset: setup.root, model: setup.model, methods: ['gradcam'], targets: 'predicted', workers: 1 });
  expect(state.status).toBe('done');
  key = { datasetId: dataset.id, modelId: opened.id, layer: opened.defaultLayer!, method: 'gradcam' };
  ids = (await backend.api.gridIndex({ key, filter: {}, sort: { by: 'path', dir: 'asc' } })).ids;
}, 120_000);

afterAll(async () => {
  await backend?.close();
  setup?.remove();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a centre-cropped model', () => {
  it('measures regions through its crop', async () => {
    expect(ids).toHaveLength(2);
    for (const imageId of ids) {
      const detail = await backend.api.imageDetail({ key, imageId });
      const mass = Object.fromEntries(detail.stats!.regions.map((r) => [r.name, r.mass]));
      expect(mass['left']).toBe(0);
      expect(mass['crop']).toBeCloseTo(1, 6);
      expect(mass['straddle']).toBeGreaterThan(0);
      expect(mass['straddle']).toBeLessThan(1);
    }
  });

  it('tells the grid and the image view where its maps sit', async () => {
    const tiles = await backend.api.gridTiles({ key, ids });
    for (const tile of tiles) expect(tile.frame).toEqual(CROP_FRAME);
    expect((await backend.api.imageDetail({ key, imageId: ids[0]! })).frame).toEqual(CROP_FRAME);
  });
});
