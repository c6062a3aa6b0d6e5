import { describe, expect, it } from 'vitest';
import { StoreError, type Store } from '../../src/main/store';
import { file, freshStore, mapFor, regionsFor, resultFor } from './helpers';

function setUp(store: Store) {
  const dataset = store.upsertDataset('/data').id;
  const files = [file('doctor/a.png', 'A', { attributes: { hair: 'short' } }), file('nurse/b.png', 'B'), file('nurse/c.png', 'C')];
  store.syncImages(dataset, files, new Map([['doctor/a.png', regionsFor(1)]]));
  const model = store.upsertModel({ hash: 'm1', path: '/models/m1/model.json', kind: 'layers', classes: ['doctor', 'nurse', 'x', 'y', 'z'], config: '{}' });
  const images = store.listImages(dataset);
  return { dataset, model, images };
}

describe('models', () => {
  it('are upserted by hash, keep their id and learn a default layer', () => {
    const store = freshStore();
    const first = store.upsertModel({ hash: 'h', path: '/a/model.json', kind: 'graph', classes: ['a', 'b'], config: '{"x":1}' });
    expect(first).toEqual({ id: first.id, hash: 'h', path: '/a/model.json', kind: 'graph', classes: ['a', 'b'], config: '{"x":1}' });
    expect(store.modelDefaultLayer(first.id)).toBeNull();
    store.setModelDefaultLayer(first.id, 'conv_last');
    const moved = store.upsertModel({ ...first, path: '/b/model.json' });
    expect(moved).toEqual({ ...first, path: '/b/model.json' });
    expect(store.modelClasses(first.id)).toEqual(['a', 'b']);
    expect(store.modelDefaultLayer(first.id)).toBe('conv_last');
    expect(() => store.modelClasses(999)).toThrow(StoreError);
    store.close();
  });
});

describe('results', () => {
  it('round-trip: done targets, predicted classes and audit rows with identical blobs and stats', () => {
    const store = freshStore();
    const { dataset, model, images } = setUp(store);
    const [a, b] = images;
    const ra = resultFor(a.contentId, 1, []);
    const rb = resultFor(b.contentId, 2, []);
    ra.maps = [mapFor(1, 'gradcam', ra.prediction.predicted), mapFor(11, 'gradcam', 4), mapFor(21, 'cam', ra.prediction.predicted, 7)];
    rb.maps = [mapFor(10, 'gradcam', rb.prediction.predicted)]; // seed 10: a map without a box
    store.writeResults(model.id, 'conv_last', [ra, rb]);

    const gradcam = store.resultSet(model.id, 'conv_last', 'gradcam');
    const cam = store.resultSet(model.id, 'conv_last', 'cam');
    expect(store.resultSet(model.id, 'conv_last', 'gradcam')).toBe(gradcam);
    expect(store.doneTargets(gradcam)).toEqual(
      new Map([
        [a.contentId, new Set([ra.prediction.predicted, 4])],
        [b.contentId, new Set([rb.prediction.predicted])],
      ]),
    );
    expect(store.doneTargets(cam)).toEqual(new Map([[a.contentId, new Set([ra.prediction.predicted])]]));
    expect(store.predictedClasses(model.id)).toEqual(new Map([[a.contentId, ra.prediction.predicted], [b.contentId, rb.prediction.predicted]]));

    const rows = store.auditRows(dataset, model.id, 'conv_last', 'gradcam');
    expect(rows.map((r) => r.path)).toEqual(['doctor/a.png', 'nurse/b.png', 'nurse/c.png']);
    const [rowA, rowB, rowC] = rows;
    expect(rowA).toMatchObject({ label: 'doctor', attributes: { hair: 'short' }, contentId: a.contentId, prediction: ra.prediction });
    expect(rowA.stats).toEqual(ra.maps[0].stats);
    expect(Buffer.from(rowA.map!.bytes).equals(Buffer.from(ra.maps[0].blob))).toBe(true);
    expect(rowA.map).toMatchObject({ width: 14, height: 14, max: ra.maps[0].stats.max });
    expect(rowB.stats).toEqual(rb.maps[0].stats);
    expect(rowB.stats?.box).toBeNull();
    expect(rowC).toEqual({ path: 'nurse/c.png', label: 'nurse', attributes: {}, contentId: images[2].contentId, prediction: null, stats: null, map: null });

    const camRows = store.auditRows(dataset, model.id, 'conv_last', 'cam');
    expect(camRows[0].map?.width).toBe(7);
    expect(camRows[0].stats).toEqual(ra.maps[2].stats);
    // A layer never computed: predictions still show, maps do not.
    const other = store.auditRows(dataset, model.id, 'other_layer', 'gradcam');
    expect(other[0]).toMatchObject({ prediction: ra.prediction, stats: null, map: null });
    store.close();
  });

  it('overwrites a result in place and replaces its region statistics', () => {
    const store = freshStore();
    const { dataset, model, images } = setUp(store);
    const first = resultFor(images[0].contentId, 3, []);
    first.maps = [mapFor(3, 'gradcam', first.prediction.predicted)];
    store.writeResults(model.id, 'conv_last', [first]);
    const second = resultFor(images[0].contentId, 3, []);
    const replacement = mapFor(4, 'gradcam', first.prediction.predicted);
    replacement.stats.regions = [{ name: 'only', mass: 0.5, boxIou: 0.25 }];
    second.maps = [replacement];
    store.writeResults(model.id, 'conv_last', [second]);
    const [row] = store.auditRows(dataset, model.id, 'conv_last', 'gradcam');
    expect(row.stats).toEqual(replacement.stats);
    expect(store.sizeReport().results).toBe(1);
    store.close();
  });

  it('writes all of a batch or none of it', () => {
    const store = freshStore();
    const { dataset, model, images } = setUp(store);
    const good = resultFor(images[0].contentId, 5, []);
    good.maps = [mapFor(5, 'gradcam', good.prediction.predicted)];
    const bad = resultFor(images[1].contentId, 6, []);
    bad.maps = [mapFor(6, 'hirescam', 0)];
    bad.maps[0].stats.entropy = Number.NaN;
    expect(() => store.writeResults(model.id, 'conv_last', [good, bad])).toThrow(/entropy is NaN/);

    // A constraint failing in SQLite, after rows were written, rolls back the same way.
    const unknownContent = resultFor(9999, 7, [mapFor(7, 'gradcam', 0)]);
    expect(() => store.writeResults(model.id, 'conv_last', [good, unknownContent])).toThrow(/FOREIGN KEY/);

    expect(store.predictedClasses(model.id).size).toBe(0);
    expect(store.sizeReport().results).toBe(0);
    const rows = store.auditRows(dataset, model.id, 'conv_last', 'gradcam');
    expect(rows.every((r) => r.prediction === null && r.map === null)).toBe(true);
    // A result set created inside the failed batch is gone too, and is created afresh.
    const set = store.resultSet(model.id, 'conv_last', 'hirescam');
    expect(store.doneTargets(set).size).toBe(0);
    store.writeResults(model.id, 'conv_last', [good]);
    expect(store.predictedClasses(model.id).size).toBe(1);
    store.close();
  });

  it('refuses a blob whose size does not match the map', () => {
    const store = freshStore();
    const { model, images } = setUp(store);
    const result = resultFor(images[0].contentId, 8, [mapFor(8, 'gradcam', 0)]);
    result.maps[0].blob = result.maps[0].blob.subarray(2);
    expect(() => store.writeResults(model.id, 'conv_last', [result])).toThrow(/a 14x14 map needs 392/);
    store.close();
  });
});
