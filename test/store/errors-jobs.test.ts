import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, StoreError } from '../../src/main/store';
import { file, freshStore, tempDir } from './helpers';

describe('errors', () => {
  it('replace the same path and stage, clear by path, and hide those of files gone', () => {
    const store = freshStore();
    const dataset = store.upsertDataset('/data').id;
    store.syncImages(dataset, [file('a/bad.png', 'bad'), file('a/odd.png', 'odd'), file('a/gone.png', 'gone')], new Map());
    const [bad, gone, odd] = store.listImages(dataset);
    const model = store.upsertModel({ hash: 'm', path: '/m.json', kind: 'layers', classes: ['a'], config: '{}' });
    const job = store.createJob({ datasetId: dataset, modelId: model.id, layer: 'conv', methods: ['gradcam'], targets: 'predicted', total: 3 });

    store.recordErrors(dataset, null, [
      { path: 'a/unreadable.png', contentId: null, stage: 'scan', reason: 'permission denied' },
      { path: 'a/bad.png', contentId: bad.contentId, stage: 'decode', reason: 'truncated PNG' },
      { path: 'a/gone.png', contentId: gone.contentId, stage: 'decode', reason: 'not an image' },
    ]);
    store.recordErrors(dataset, job, [
      { path: 'a/bad.png', contentId: bad.contentId, stage: 'decode', reason: 'truncated PNG (again)' },
      { path: 'a/odd.png', contentId: odd.contentId, stage: 'explain', reason: 'NaN in activations' },
    ]);
    store.syncImages(dataset, [file('a/bad.png', 'bad'), file('a/odd.png', 'odd')], new Map());

    const errors = store.errors(dataset);
    expect(errors.every((e) => /^\d{4}-\d\d-\d\dT/.test(e.at))).toBe(true);
    expect(errors.map(({ at: _at, ...rest }) => rest)).toEqual([
      { path: 'a/bad.png', contentId: bad.contentId, stage: 'decode', reason: 'truncated PNG (again)' },
      { path: 'a/odd.png', contentId: odd.contentId, stage: 'explain', reason: 'NaN in activations' },
      { path: 'a/unreadable.png', contentId: null, stage: 'scan', reason: 'permission denied' },
    ]);
    expect(store.failedContents(dataset, 'decode')).toEqual(new Set([bad.contentId, gone.contentId]));
    expect(store.failedContents(dataset, 'explain')).toEqual(new Set([odd.contentId]));

    store.clearErrors(dataset, ['a/bad.png', 'a/unreadable.png']);
    expect(store.errors(dataset).map((e) => e.path)).toEqual(['a/odd.png']);
    expect(store.failedContents(dataset, 'decode')).toEqual(new Set([gone.contentId]));
    store.close();
  });
});

describe('jobs', () => {
  it('record progress, finish with a time, and clear an error', () => {
    const store = freshStore();
    const dataset = store.upsertDataset('/data').id;
    const model = store.upsertModel({ hash: 'm', path: '/m.json', kind: 'layers', classes: ['a'], config: '{}' });
    const id = store.createJob({ datasetId: dataset, modelId: model.id, layer: 'conv', methods: ['gradcam', 'cam'], targets: 'predicted', total: 10 });
    expect(store.job(id)).toMatchObject({
      id,
      datasetId: dataset,
      modelId: model.id,
      layer: 'conv',
      methods: ['gradcam', 'cam'],
      targets: 'predicted',
      status: 'running',
      total: 10,
      done: 0,
      failed: 0,
      error: null,
      finishedAt: null,
      backend: null,
    });
    expect(store.auditBackend(dataset, model.id, 'conv')).toBeUndefined();
    store.updateJob(id, { done: 4, failed: 1 });
    store.updateJob(id, { status: 'paused', error: 'worker crashed' });
    expect(store.job(id)).toMatchObject({ status: 'paused', done: 4, failed: 1, total: 10, error: 'worker crashed', finishedAt: null });
    store.updateJob(id, { status: 'running', total: 12, error: null });
    expect(store.job(id)).toMatchObject({ status: 'running', total: 12, error: null, finishedAt: null });
    store.updateJob(id, { status: 'done', done: 12, backend: 'wasm (SIMD)' });
    const finished = store.job(id)!;
    expect(finished.status).toBe('done');
    expect(finished.backend).toBe('wasm (SIMD)');
    // A later job that computed nothing (all cached) leaves the audit's backend known.
    const cached = store.createJob({ datasetId: dataset, modelId: model.id, layer: 'conv', methods: ['gradcam'], targets: 'predicted', total: 0 });
    store.updateJob(cached, { status: 'done' });
    expect(store.job(cached)!.backend).toBeNull();
    expect(store.auditBackend(dataset, model.id, 'conv')).toBe('wasm (SIMD)');
    expect(store.auditBackend(dataset, model.id, 'other')).toBeUndefined();
    expect(finished.finishedAt! >= finished.startedAt).toBe(true);
    expect(store.job(cached + 1)).toBeUndefined();
    expect(() => store.updateJob(cached + 1, { done: 1 })).toThrow(StoreError);
    store.close();
  });

  it('left running or paused by a killed process become interrupted on the next start', () => {
    const file = path.join(tempDir(), 'audit.db');
    const first = openStore(file);
    const dataset = first.upsertDataset('/data').id;
    const model = first.upsertModel({ hash: 'm', path: '/m.json', kind: 'layers', classes: ['a'], config: '{}' });
    const job = (total: number) => first.createJob({ datasetId: dataset, modelId: model.id, layer: 'conv', methods: ['gradcam'], targets: 'predicted', total });
    const running = job(1);
    const paused = job(2);
    const done = job(3);
    first.updateJob(paused, { status: 'paused' });
    first.updateJob(done, { status: 'done' });
    first.close(); // as if the process had died here

    const second = openStore(file);
    expect(second.interruptStaleJobs()).toBe(2);
    expect([running, paused, done].map((id) => second.job(id)?.status)).toEqual(['interrupted', 'interrupted', 'done']);
    expect(second.interruptStaleJobs()).toBe(0);
    second.close();
  });
});
