/**
 * An ONNX model through the application layer every transport calls (IPC, HTTP):
 * opened with its PyTorch layer names, audited, and explained on demand for the
 * image view, guided backprop included.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/main/backend';
import { auditThroughApi } from '../fixtures/backend-audit';
import { tempDir } from '../fixtures/models';
import { DEMO_ROOT, demoSubset } from '../jobs/demo-subset';
import { modelName } from '../../src/shared/model-name';

const DEMO_ONNX = path.join(DEMO_ROOT, 'model-onnx', 'model.onnx');

let backend: Backend;
let dataDir: string;
let root: string;

beforeAll(() => {
  dataDir = tempDir('biascope-onnx-app-');
  root = demoSubset(2, tempDir('biascope-onnx-data-'));
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir, demo: null, workers: 1 });
});

afterAll(async () => {
  await backend?.close();
  for (const dir of [dataDir, root]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('an ONNX model in the app', () => {
  it('opens with module-path layers, audits, and explains an image with every method', async () => {
    const dataset = await backend.api.openDataset({ root });
    const model = await backend.api.openModel({ path: DEMO_ONNX });
    expect(model.kind).toBe('onnx');
    expect(model.defaultLayer).toBe('conv_last');
    expect(model.layers.filter((l) => l.candidate).map((l) => l.name)).toEqual(expect.arrayContaining(['conv1', 'conv2', 'conv3', 'conv_last']));
    const state = await auditThroughApi(backend, { dataset: root, model: DEMO_ONNX, methods: ['gradcam'], targets: 'predicted' });
    expect(state.status).toBe('done');
    const key = { datasetId: dataset.id, modelId: model.id, layer: 'conv_last', method: 'gradcam' as const };
    const { ids } = await backend.api.gridIndex({ key, filter: {}, sort: { by: 'path', dir: 'asc' } });
    expect(ids).toHaveLength(4);
    const detail = await backend.api.imageDetail({ key, imageId: ids[0]! });
    expect(detail.stats!.regions.length).toBeGreaterThan(0);
    for (const method of ['guided-backprop', 'counterfactual'] as const) {
      const shown = await backend.api.explainImage({ key, imageId: ids[0]!, method, target: 'nurse' });
      expect(shown.backend).toMatch(/ONNX Runtime/);
      expect(shown.map.width).toBe(method === 'guided-backprop' ? 96 : 12);
    }
    expect(modelName(DEMO_ONNX)).toBe('model-onnx');
    expect(modelName('/x/exports/resnet50.onnx')).toBe('resnet50');
  });
});
