/** The shared colour scales come from the stored maps the grid shows: a quantile of their maxima, per audit and per class. */
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { scaleOfSortedMaxima } from '../../src/shared/map-scale';
import { startAudit } from '../../src/main/jobs/audit';
import { openStore } from '../../src/main/store';
import { tempDir } from '../fixtures/models';
import { demoSubset, DEMO_MODEL } from '../jobs/demo-subset';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

it('are the quantile of the predicted-class maps maxima, over the audit and per class', async () => {
  const dataset = demoSubset(8);
  const dir = tempDir('biascope-db-');
  dirs.push(dataset, dir);
  const store = openStore(path.join(dir, 'audit.db'));
  try {
    const summary = await startAudit(store, { dataset, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', workers: 1, batchSize: 8 }).finished;
    const model = store.model(summary.modelId)!;
    const classes = model.classes;
    const setId = store.findResultSet(summary.modelId, summary.layer, 'gradcam')!;
    const scales = store.mapScales({ datasetId: summary.datasetId, modelId: summary.modelId, setId, classes });

    const db = new Database(store.file, { readonly: true });
    const rows = db
      .prepare<[], { target: number; max: number }>(
        'SELECT r.target, r.max FROM results r JOIN predictions p ON p.content_id = r.content_id AND p.model_id = ? WHERE r.target = p.predicted ORDER BY r.max'.replace('?', String(summary.modelId)),
      )
      .all();
    db.close();
    expect(rows.length).toBe(16);
    expect(scales.dataset).toBe(scaleOfSortedMaxima(rows.map((r) => r.max)));
    for (const [index, name] of classes.entries()) {
      expect(scales.byClass[name]).toBe(scaleOfSortedMaxima(rows.filter((r) => r.target === index).map((r) => r.max)));
    }
    // The demo's doctor maps carry an order of magnitude more evidence than its nurse maps.
    expect(scales.byClass['doctor']!).toBeGreaterThan(5 * scales.byClass['nurse']!);
  } finally {
    store.close();
  }
});
