/**
 * The maps a class's clusters are made of, on real audits of a demo subset: an image the
 * model gets wrong joins its predicted class's clusters by its map of that class, and its
 * label's by its map of the label; an audit that stored only the predicted maps still
 * clusters its correct images and its errors.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClasses } from '../../src/main/analysis/spray/audit-clusters';
import { startAudit } from '../../src/main/jobs/audit';
import { openStore, type Store } from '../../src/main/store';
import type { AuditSummary } from '../../src/shared/audit';
import { tempDir } from '../fixtures/models';
import { DEMO_MODEL, demoSubset } from '../jobs/demo-subset';

const PER_CLASS = 20;
let store: Store;
let every: AuditSummary;
let predictedOnly: AuditSummary;
let classes: string[];

const setOf = (summary: AuditSummary, method: string) => store.findResultSet(summary.modelId, summary.layer, method)!;
/** The stored map of one image for one class, as the box rows read it (another query than the clusters'). */
function storedMap(summary: AuditSummary, method: string, imageId: number, target: number) {
  const rows = store.boxes(summary.datasetId, summary.modelId, setOf(summary, method), classes, { kind: 'class', index: target });
  return rows.find((row) => row.imageId === imageId)?.map;
}

beforeAll(async () => {
  const root = demoSubset(PER_CLASS);
  store = openStore(path.join(tempDir('biascope-cluster-maps-'), 'audit.db'));
  every = await startAudit(store, { dataset: root, model: DEMO_MODEL, methods: ['gradcam'], targets: 'all', workers: 1 }).finished;
  predictedOnly = await startAudit(store, { dataset: root, model: DEMO_MODEL, methods: ['cam'], targets: 'predicted', workers: 1 }).finished;
  classes = store.modelClasses(every.modelId);
}, 120_000);

afterAll(() => store?.close());

describe('the maps of a class clusters', () => {
  it('hold each error twice: in its label by the label map, in its prediction by the prediction map', () => {
    const rows = store.clusterMaps(every.datasetId, every.modelId, setOf(every, 'gradcam'), classes);
    const own = rows.filter((row) => row.role === 'label');
    const errors = rows.filter((row) => row.role === 'predicted');
    expect(own).toHaveLength(2 * PER_CLASS);
    expect(own.every((row) => row.explained === row.label)).toBe(true);
    // The demo's cue misleads the model on some images: the test needs one.
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBe(own.filter((row) => !row.correct).length);
    for (const error of errors) {
      expect(error.explained).not.toBe(error.label);
      expect(error.correct).toBe(false);
      const asLabel = own.find((row) => row.imageId === error.imageId)!;
      expect(asLabel.correct).toBe(false);
      expect(Buffer.from(error.map)).toEqual(Buffer.from(storedMap(every, 'gradcam', error.imageId, classes.indexOf(error.explained))!.bytes));
      expect(Buffer.from(asLabel.map)).toEqual(Buffer.from(storedMap(every, 'gradcam', error.imageId, classes.indexOf(error.label))!.bytes));
      expect(Buffer.from(asLabel.map)).not.toEqual(Buffer.from(error.map));
    }
    // One class only: the same rows of it.
    const doctor = store.clusterMaps(every.datasetId, every.modelId, setOf(every, 'gradcam'), classes, 'doctor');
    expect(doctor).toEqual(rows.filter((row) => row.explained === 'doctor'));
    // The own-class maps stay what they were.
    expect(store.ownClassMaps(every.datasetId, every.modelId, setOf(every, 'gradcam'), classes).map((r) => r.imageId)).toEqual(own.map((r) => r.imageId));
  });

  it('puts the errors in their predicted class clusters, marked and counted', () => {
    const rows = store.clusterMaps(every.datasetId, every.modelId, setOf(every, 'gradcam'), classes);
    for (const c of clusterClasses(rows)) {
      const errors = rows.filter((row) => row.explained === c.label && row.role === 'predicted');
      expect(c.labelled).toBe(PER_CLASS);
      expect(c.misclassified).toBe(errors.length);
      expect(c.clusters.reduce((sum, k) => sum + k.misclassified, 0)).toBe(errors.length);
      expect(c.clusters.reduce((sum, k) => sum + k.labelled, 0)).toBe(PER_CLASS);
      const marked = c.images.filter((image) => image.role === 'predicted');
      expect(marked.map((image) => image.path).sort()).toEqual(errors.map((row) => row.path).sort());
      for (const image of marked) expect([image.correct, image.label === c.label]).toEqual([false, false]);
      // Errors count against the cluster they sit in.
      for (const k of c.clusters) {
        const members = c.images.filter((image) => image.cluster === k.cluster);
        expect(k.accuracy).toBeCloseTo(members.filter((image) => image.correct).length / members.length, 12);
      }
    }
  });

  it('clusters an audit that stored only predicted maps: its correct images by label, its errors by prediction', () => {
    const setId = setOf(predictedOnly, 'cam');
    const rows = store.clusterMaps(predictedOnly.datasetId, predictedOnly.modelId, setId, classes);
    expect(rows).toHaveLength(2 * PER_CLASS);
    const errors = rows.filter((row) => row.role === 'predicted');
    expect(errors.length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.role === 'label').every((row) => row.correct)).toBe(true);
    const clustered = clusterClasses(rows);
    expect(clustered.map((c) => c.label)).toEqual(['doctor', 'nurse']);
    expect(clustered.reduce((sum, c) => sum + c.misclassified, 0)).toBe(errors.length);
    expect(clustered.reduce((sum, c) => sum + c.images.length, 0)).toBe(2 * PER_CLASS);
  });
});
