/**
 * The cluster view through the contract, on a real audit of a demo subset (each
 * image's map of its own label stored, and of its prediction): clusters, the eigengap's
 * k and a chosen one, members that cover the class and the errors predicted as it, the
 * embedding, the strangest images, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/api';
import { createBackend, type Backend } from '../../src/main/backend';
import type { AuditState } from '../../src/shared/api';
import { EXEMPLARS, MAX_CLUSTERS, MOST_UNUSUAL } from '../../src/shared/clusters';
import type { AuditKey, DatasetView } from '../../src/shared/views';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';
import { auditEnd } from '../fixtures/backend-audit';

const PER_CLASS = 20;
/** Clusters the eigengap suggests for the demo's doctors. */
const SUGGESTED = 3;
let backend: Backend;
let dataset: DatasetView;
let key: AuditKey;

const waitForEnd = (): Promise<AuditState> => auditEnd(backend);

/** Content ids of a class's images, and of the images predicted as it while labelled otherwise, from the grid. */
async function classContentIds(label: string): Promise<{ own: number[]; taken: number[] }> {
  const { ids } = await backend.api.gridIndex({ key, filter: {}, sort: { by: 'path', dir: 'asc' } });
  const tiles = await backend.api.gridTiles({ key, ids });
  return {
    own: tiles.filter((tile) => tile.label === label).map((tile) => tile.contentId),
    taken: tiles.filter((tile) => tile.label !== label && tile.predicted === label).map((tile) => tile.contentId),
  };
}

beforeAll(async () => {
  const root = demoSubset(PER_CLASS);
  backend = createBackend({ name: 'biascope', version: '0.0.0', dataDir: tempDir('biascope-clusters-'), demo: null, workers: 2 });
  dataset = await backend.api.openDataset({ root });
  const ended = waitForEnd();
  await backend.api.startAudit({ dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'label', workers: 2 });
  const end = await ended;
  expect(end.status).toBe('done');
  key = { datasetId: dataset.id, modelId: end.modelId!, layer: end.layer!, method: 'gradcam' };
});

afterAll(async () => {
  await backend?.close();
});

describe('the cluster view of a class', () => {
  it('splits the class by the eigengap, with sizes, accuracy, mean maps and exemplars', async () => {
    const view = await backend.api.clusters({ key, label: 'doctor' });
    expect(view.label).toBe('doctor');
    expect(view.images).toBe(PER_CLASS);
    expect(view.eigenvalues).toHaveLength(MAX_CLUSTERS + 1);
    expect([...view.eigenvalues].sort((a, b) => a - b)).toEqual(view.eigenvalues);
    // The demo's class splits where the scrub colour agrees with it and where it does not,
    // and the nurses the cue makes the model take for doctors.
    expect(view.suggested).toBe(SUGGESTED);
    expect(view.chosen).toBe(view.suggested);
    expect(view.clusters.map((c) => c.index)).toEqual([...Array(SUGGESTED).keys()]);
    expect(view.labelled).toBe(PER_CLASS);
    expect(view.misclassified).toBeGreaterThan(0);
    expect(view.clusters.reduce((sum, c) => sum + c.size, 0)).toBe(PER_CLASS + view.misclassified);
    expect(view.clusters.reduce((sum, c) => sum + c.misclassified, 0)).toBe(view.misclassified);
    for (const cluster of view.clusters) {
      expect(cluster.contentIds).toHaveLength(cluster.size);
      expect(cluster.exemplars.length).toBe(Math.min(EXEMPLARS, cluster.size));
      expect(cluster.meanMap.width).toBe(12);
      expect(cluster.accuracy).toBeGreaterThanOrEqual(0);
      for (const exemplar of cluster.exemplars) {
        expect(cluster.contentIds).toContain(exemplar.contentId);
        expect(exemplar.role === 'predicted').toBe(exemplar.label !== 'doctor');
        if (exemplar.role === 'predicted') expect(exemplar.correct).toBe(false);
      }
    }
  });

  it('lists every image of the class once, and every image predicted as it, in the clusters and in the embedding', async () => {
    const view = await backend.api.clusters({ key, label: 'nurse' });
    const { own, taken } = await classContentIds('nurse');
    const byNumber = (a: number, b: number) => a - b;
    const members = view.clusters.flatMap((c) => c.contentIds);
    expect(members.sort(byNumber)).toEqual([...own, ...taken].sort(byNumber));
    expect([view.labelled, view.misclassified]).toEqual([own.length, taken.length]);
    const total = PER_CLASS + taken.length;
    expect(view.points).toHaveLength(total);
    expect(new Set(view.points.map((p) => p.imageId)).size).toBe(total);
    for (const point of view.points) expect(point.cluster).toBeLessThan(view.chosen);
    expect(view.points.filter((p) => p.role === 'predicted').every((p) => !p.correct)).toBe(true);
    expect(view.points.filter((p) => p.role === 'predicted')).toHaveLength(taken.length);
  });

  it('ranks the strangest focus first', async () => {
    const view = await backend.api.clusters({ key, label: 'nurse' });
    expect(view.mostUnusual).toHaveLength(Math.min(MOST_UNUSUAL, view.points.length));
    const scores = view.mostUnusual.map((image) => image.unusual);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(scores[0]).toBe(Math.max(...view.points.map((p) => p.unusual)));
  });

  it('takes a chosen number of clusters, and keeps the suggestion', async () => {
    const view = await backend.api.clusters({ key, label: 'doctor', k: 4 });
    expect(view.chosen).toBe(4);
    expect(view.suggested).toBe(SUGGESTED);
    expect(view.clusters).toHaveLength(4);
    expect(view.clusters.reduce((sum, c) => sum + c.size, 0)).toBe(PER_CLASS + view.misclassified);
    // Largest first.
    const sizes = view.clusters.map((c) => c.size);
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
    const tooMany = await dispatch(backend.api, 'clusters', [{ key, label: 'doctor', k: MAX_CLUSTERS + 1 }]);
    expect(tooMany).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
  });

  it('reads tags at every call, so a tagged cluster shows as tagged', async () => {
    const view = await backend.api.clusters({ key, label: 'doctor' });
    const cluster = view.clusters[1]!;
    await backend.api.setTags({ datasetId: dataset.id, contentIds: cluster.contentIds, add: ['spurious:cue'], remove: [] });
    const again = await backend.api.clusters({ key, label: 'doctor' });
    const tagged = new Set(again.tagged.filter((t) => t.tags.includes('spurious:cue')).map((t) => t.contentId));
    expect([...tagged].sort()).toEqual([...cluster.contentIds].sort());
  });

  it('refuses an unknown class, and an audit without maps of the labels', async () => {
    const unknown = await dispatch(backend.api, 'clusters', [{ key, label: 'surgeon' }]);
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'not-found', message: expect.stringMatching(/surgeon/) } });
    const unaudited = await dispatch(backend.api, 'clusters', [{ key: { ...key, method: 'cam' }, label: 'doctor' }]);
    expect(unaudited).toMatchObject({ ok: false, error: { kind: 'invalid-input', message: expect.stringMatching(/targets "label"/) } });
  });
});
