/** Every bad request of the corpus gets its specific error, never an internal one. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/api';
import { createBackend, type Backend } from '../../src/main/backend';
import type { ApiMethod } from '../../src/shared/api';
import { auditThroughApi } from '../fixtures/backend-audit';
import { tempDir } from '../fixtures/temp';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { BAD_REQUESTS, type RequestContext } from './bad-requests';

let backend: Backend;
let context: RequestContext;

beforeAll(async () => {
  const root = demoSubset(4);
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-bad-requests-'), demo: null, workers: 1 });
  const dataset = await backend.api.openDataset({ root });
  const model = await backend.api.openModel({ path: DEMO_MODEL });
  await auditThroughApi(backend, { dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', workers: 1 });
  context = { datasetId: dataset.id, key: { datasetId: dataset.id, modelId: model.id, layer: model.defaultLayer!, method: 'gradcam' } };
});

afterAll(async () => {
  await backend?.close();
});

describe('bad requests', () => {
  it.each(BAD_REQUESTS.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    const result = await dispatch(backend.api, row.method as ApiMethod, row.args(context));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect([result.error.kind, result.error.message]).toEqual([row.kind, expect.stringMatching(row.message)]);
  });
});
