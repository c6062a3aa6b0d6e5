import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditProgress, AuditSettings } from '../../src/shared/audit';
import { decodeMap } from '../../src/shared/map-codec';
import { AuditError, startAudit } from '../../src/main/jobs/audit';
import { openStore, type Store } from '../../src/main/store';
import { tempDir } from '../fixtures/models';
import { demoModelCopy, demoSubset, DEMO_MODEL } from './demo-subset';

const FAULTY_WORKER = new URL('./faulty-worker.mjs', import.meta.url).href;

let stores: Store[] = [];
function freshStore(): Store {
  const store = openStore(path.join(tempDir('biascope-db-'), 'audit.db'));
  stores.push(store);
  return store;
}
afterEach(() => {
  for (const store of stores) store.close();
  stores = [];
  delete process.env['BIASCOPE_FAULT'];
});

const settings = (dataset: string, extra: Partial<AuditSettings> = {}): AuditSettings => ({
  dataset,
  model: DEMO_MODEL,
  methods: ['gradcam'],
  targets: 'predicted',
  workers: 2,
  batchSize: 4,
  ...extra,
});

describe('an audit of the demo dataset', () => {
  it('stores a prediction, a map and statistics for every image; a second run reuses them all', async () => {
    const dataset = demoSubset(6);
    const store = freshStore();
    const events: AuditProgress[] = [];
    const run = startAudit(store, settings(dataset));
    run.on('progress', (p) => events.push(p));
    const first = await run.finished;
    expect(first).toMatchObject({ outcome: 'done', images: 12, computed: 12, reused: 0, failed: 0, layer: 'conv_last' });
    expect(first.backend).toMatch(/wasm|cpu|tensorflow/);
    const last = events.at(-1)!;
    expect(last.phase).toBe('finished');
    expect(events.some((e) => e.phase === 'explaining' && e.done === 12 && e.total === 12)).toBe(true);

    const rows = store.auditRows(first.datasetId, first.modelId, 'conv_last', 'gradcam');
    expect(rows).toHaveLength(12);
    for (const row of rows) {
      expect(row.prediction).not.toBeNull();
      expect(row.stats).not.toBeNull();
      const names = row.stats!.regions.map((r) => r.name);
      expect(names).toEqual(['cue', 'face', 'hair', 'object']);
      const mass = row.stats!.regions.reduce((sum, r) => sum + r.mass, 0);
      expect(mass).toBeGreaterThan(0.3); // the four boxes cover much of a 96x96 portrait
      const map = decodeMap(row.map!);
      expect([map.width, map.height]).toEqual([12, 12]);
      expect(Math.max(...map.data)).toBeCloseTo(row.stats!.max, 4);
    }
    // The demo model follows the scrub colour: most of the predicted class's map sits on it.
    const cue = rows.map((r) => r.stats!.regions.find((x) => x.name === 'cue')!.mass);
    expect(cue.reduce((a, b) => a + b, 0) / cue.length).toBeGreaterThan(0.35);

    const second = await startAudit(store, settings(dataset)).finished;
    expect(second).toMatchObject({ outcome: 'done', computed: 0, reused: 12, failed: 0 });
    expect(second.backend).toMatch(/everything cached/);
  });

  it('recomputes everything when the model file changes, and nothing when it does not', async () => {
    const dataset = demoSubset(3);
    const model = demoModelCopy();
    const store = freshStore();
    const first = await startAudit(store, settings(dataset, { model })).finished;
    expect(first.computed).toBe(6);
    expect((await startAudit(store, settings(dataset, { model })).finished).computed).toBe(0);
    // One weight nudged: another model as far as the cache knows.
    const weights = path.join(path.dirname(model), 'weights.bin');
    const bytes = readFileSync(weights);
    bytes.writeFloatLE(bytes.readFloatLE(0) + 0.01, 0);
    writeFileSync(weights, bytes);
    const changed = await startAudit(store, settings(dataset, { model })).finished;
    expect(changed).toMatchObject({ computed: 6, reused: 0 });
    expect(changed.modelId).not.toBe(first.modelId);
    // A new layer or method is a miss too; the old results stay.
    const method = await startAudit(store, settings(dataset, { model, methods: ['gradcam', 'counterfactual'] })).finished;
    expect(method.computed).toBe(6);
  });

  it('explains the true label as well with targets "label"', async () => {
    const dataset = demoSubset(4);
    const store = freshStore();
    const summary = await startAudit(store, settings(dataset, { targets: 'label' })).finished;
    expect(summary.computed).toBe(8);
    const set = store.resultSet(summary.modelId, 'conv_last', 'gradcam');
    const done = store.doneTargets(set);
    const predicted = store.predictedClasses(summary.modelId);
    for (const image of store.listImages(summary.datasetId)) {
      const targets = done.get(image.contentId)!;
      expect(targets.has(predicted.get(image.contentId)!)).toBe(true);
      expect(targets.has(['doctor', 'nurse'].indexOf(image.label))).toBe(true);
    }
    expect((await startAudit(store, settings(dataset, { targets: 'label' })).finished).computed).toBe(0);
  });

  it('stops before storing anything when the model outputs NaN', async () => {
    const dataset = demoSubset(3);
    const model = demoModelCopy();
    const weights = path.join(path.dirname(model), 'weights.bin');
    const bytes = readFileSync(weights);
    for (let i = 0; i + 4 <= bytes.length; i += 4) bytes.writeFloatLE(Number.NaN, i);
    writeFileSync(weights, bytes);
    const store = freshStore();
    const run = startAudit(store, settings(dataset, { model }));
    await expect(run.finished).rejects.toThrow(AuditError);
    await expect(run.finished).rejects.toThrow(/cannot run on these images.*non-finite/);
    expect(store.sizeReport().results).toBe(0);
  });

  it('stops with the reason when the sidecar disagrees with the model, storing nothing', async () => {
    const dataset = demoSubset(2);
    const model = demoModelCopy();
    const sidecar = path.join(path.dirname(model), 'biascope.json');
    writeFileSync(sidecar, JSON.stringify({ ...JSON.parse(readFileSync(sidecar, 'utf8')), inputSize: [128, 128] }));
    const store = freshStore();
    const run = startAudit(store, settings(dataset, { model }));
    await expect(run.finished).rejects.toThrow(/inputSize.*\[128, 128\].*96x96/);
    expect(store.sizeReport().results).toBe(0);
  });

  it('refuses guided methods, which are computed on demand', () => {
    const store = freshStore();
    expect(() => startAudit(store, settings('/nowhere', { methods: ['guided-backprop'] }))).toThrow(/on demand/);
  });
});

describe('workers that fail', () => {
  async function contentIdsOf(dataset: string, store: Store, paths: string[]): Promise<number[]> {
    const { openDataset } = await import('../../src/main/jobs/open-dataset');
    const opened = await openDataset(store, dataset);
    const images = store.listImages(opened.dataset.id);
    return paths.map((p) => images.find((i) => i.path === p)!.contentId);
  }

  it('retries a batch whose worker throws once, and the audit completes', async () => {
    const dataset = demoSubset(4);
    const store = freshStore();
    const [target] = await contentIdsOf(dataset, store, ['nurse/test_0002.png'].filter(Boolean));
    process.env['BIASCOPE_FAULT'] = JSON.stringify({ mode: 'throw', contents: [target], once: path.join(tempDir(), 'marker') });
    const summary = await startAudit(store, settings(dataset), { workerFile: FAULTY_WORKER }).finished;
    expect(summary).toMatchObject({ computed: 8, failed: 0 });
  });

  it('splits a batch that fails twice until the image that fails is alone: only it is recorded, with the reason', async () => {
    const dataset = demoSubset(4);
    const store = freshStore();
    const ids = await contentIdsOf(dataset, store, ['nurse/test_0002.png']);
    process.env['BIASCOPE_FAULT'] = JSON.stringify({ mode: 'throw', contents: ids, once: null });
    const summary = await startAudit(store, settings(dataset, { batchSize: 4 }), { workerFile: FAULTY_WORKER }).finished;
    expect(summary.outcome).toBe('done');
    expect(summary.failed).toBe(1); // the poison image alone: its three batch mates are explained
    expect(summary.computed).toBe(7);
    const errors = store.errors(summary.datasetId);
    expect(errors.map((e) => [e.path, e.stage])).toEqual([['nurse/test_0002.png', 'explain']]);
    expect(errors[0]!.reason).toMatch(/failed twice: injected failure/);
    // The next run (no fault) computes only those two.
    delete process.env['BIASCOPE_FAULT'];
    const again = await startAudit(store, settings(dataset, { batchSize: 2 })).finished;
    expect(again).toMatchObject({ computed: 1, reused: 7, failed: 0 });
  });

  it('stops a worker that hangs, and explains the rest of its batch', async () => {
    const dataset = demoSubset(4);
    const store = freshStore();
    const ids = await contentIdsOf(dataset, store, ['doctor/test_0002.png']);
    process.env['BIASCOPE_FAULT'] = JSON.stringify({ mode: 'hang', contents: ids, once: null });
    const summary = await startAudit(store, settings(dataset, { batchSize: 2 }), { workerFile: FAULTY_WORKER, batchTimeout: () => 3000 }).finished;
    expect(summary).toMatchObject({ outcome: 'done', computed: 7, failed: 1 });
    const errors = store.errors(summary.datasetId);
    expect(errors.map((e) => [e.path, e.reason])).toEqual([['doctor/test_0002.png', 'explaining failed twice: no answer after 3 s: the worker hung and was stopped']]);
  }, 60_000);

  it('replaces a worker thread that dies and retries its batch', async () => {
    const dataset = demoSubset(4);
    const store = freshStore();
    const ids = await contentIdsOf(dataset, store, ['doctor/test_0003.png']);
    process.env['BIASCOPE_FAULT'] = JSON.stringify({ mode: 'exit', contents: ids, once: path.join(tempDir(), 'marker') });
    const summary = await startAudit(store, settings(dataset), { workerFile: FAULTY_WORKER }).finished;
    expect(summary).toMatchObject({ computed: 8, failed: 0 });
  });
});

describe('controlling a running audit', () => {
  it('cancel stops within a second and keeps finished batches; the next run computes only the rest', async () => {
    const dataset = demoSubset(30);
    const store = freshStore();
    const run = startAudit(store, settings(dataset, { workers: 1, batchSize: 2 }));
    let cancelledAt = 0;
    run.on('progress', (p) => {
      if (p.phase === 'explaining' && p.done >= 6 && cancelledAt === 0) {
        cancelledAt = performance.now();
        run.cancel();
      }
    });
    const summary = await run.finished;
    const stopMs = performance.now() - cancelledAt;
    expect(summary.outcome).toBe('cancelled');
    expect(stopMs).toBeLessThan(1000);
    expect(summary.computed).toBeGreaterThanOrEqual(6);
    expect(summary.computed).toBeLessThan(60);
    const resumed = await startAudit(store, settings(dataset)).finished;
    expect(resumed.computed + resumed.reused).toBe(60);
    expect(resumed.computed).toBe(60 - summary.computed);
  });

  it('pause holds new batches until resume', async () => {
    const dataset = demoSubset(10);
    const store = freshStore();
    const run = startAudit(store, settings(dataset, { workers: 1, batchSize: 2 }));
    let pausedDone = -1;
    run.on('progress', (p) => {
      if (p.phase === 'explaining' && p.done >= 2 && pausedDone < 0) {
        run.pause();
        pausedDone = p.done;
      }
    });
    await new Promise<void>((resolve) => {
      const check = () => (pausedDone >= 0 ? setTimeout(resolve, 200) : setTimeout(check, 20));
      check();
    });
    const heldAt = run.snapshot().done;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(run.snapshot().paused).toBe(true);
    expect(run.snapshot().done).toBe(heldAt);
    expect(heldAt).toBeLessThan(20);
    run.resume();
    const summary = await run.finished;
    expect(summary).toMatchObject({ outcome: 'done', computed: 20 });
  });
});
