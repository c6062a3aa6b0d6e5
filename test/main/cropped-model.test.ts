/**
 * A model trained on torchvision's Resize(96) + CenterCrop(96), audited through the back
 * end: on 200x100 images its maps cover x 50..150 only, so a region left of the crop
 * holds no mass, one on the crop holds all of it, and tiles and the image view say
 * where the map sits. The demo model stands in for the trained one.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/main/backend';
import type { AuditKey } from '../../src/shared/views';
import { auditThroughApi } from '../fixtures/backend-audit';
import { tempDir } from '../fixtures/models';
import { DEMO_DATASET, demoModelCopy } from '../jobs/demo-subset';

let backend: Backend;
let key: AuditKey;
let ids: number[];
const dirs: string[] = [];

beforeAll(async () => {
  const root = tempDir('biascope-cropped-');
  dirs.push(root);
  const regions = ['path,region,x0,y0,x1,y1'];
  for (const [label, source] of [['doctor', 'doctor/test_0001.png'], ['nurse', 'nurse/test_0001.png']] as const) {
    mkdirSync(path.join(root, label));
    const file = `${label}/wide.png`;
    await sharp(path.join(DEMO_DATASET, source)).resize(200, 100, { fit: 'fill' }).png().toFile(path.join(root, file));
    regions.push(`${file},left,0,0,50,100`, `${file},crop,50,0,150,100`, `${file},straddle,0,0,100,100`);
  }
  writeFileSync(path.join(root, 'regions.csv'), regions.join('\n') + '\n');
  const model = demoModelCopy();
  dirs.push(path.dirname(model));
  const sidecar = path.join(path.dirname(model), 'biascope.json');
  const config = JSON.parse(readFileSync(sidecar, 'utf8')) as { preprocess: Record<string, unknown> };
  Object.assign(config.preprocess, { resize: 'bilinear-antialias', shorterSide: 96, centerCrop: [96, 96] });
  writeFileSync(sidecar, JSON.stringify(config));

  const dataDir = tempDir('biascope-cropped-data-');
  dirs.push(dataDir);
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir, demo: null, workers: 1 });
  const dataset = await backend.api.openDataset({ root });
  const opened = await backend.api.openModel({ path: model });
  const state = await auditThroughApi(backend, { dataset: root, model, methods: ['gradcam'], targets: 'predicted', workers: 1 });
  expect(state.status).toBe('done');
  key = { datasetId: dataset.id, modelId: opened.id, layer: opened.defaultLayer!, method: 'gradcam' };
  ids = (await backend.api.gridIndex({ key, filter: {}, sort: { by: 'path', dir: 'asc' } })).ids;
}, 120_000);

afterAll(async () => {
  await backend?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
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
    // Resize(96): 200x100 -> 192x96; the crop starts at round((192 - 96) / 2) = 48, i.e. x = 50 of the original.
    const frame = { x: 50, y: 0, width: 100, height: 100, imageWidth: 200, imageHeight: 100 };
    const tiles = await backend.api.gridTiles({ key, ids });
    for (const tile of tiles) expect(tile.frame).toEqual(frame);
    expect((await backend.api.imageDetail({ key, imageId: ids[0]! })).frame).toEqual(frame);
  });
});
