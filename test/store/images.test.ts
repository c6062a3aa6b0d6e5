import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/main/store';
import { file, freshStore, regionsFor } from './helpers';

const noRegions = new Map();

describe('datasets', () => {
  it('are found by root, named after the folder unless a name is given', () => {
    const store = freshStore();
    const created = store.upsertDataset('/data/clinic');
    expect(created).toEqual({ id: created.id, root: '/data/clinic', name: 'clinic' });
    expect(store.upsertDataset('/data/clinic')).toEqual(created);
    expect(store.upsertDataset('/data/clinic', 'Clinic v2')).toEqual({ ...created, name: 'Clinic v2' });
    expect(store.upsertDataset('/data/clinic').name).toBe('Clinic v2');
    expect(store.datasetByRoot('/data/clinic')?.id).toBe(created.id);
    expect(store.datasetByRoot('/data/other')).toBeUndefined();
    store.close();
  });
});

describe('syncing images', () => {
  it('counts added, changed and removed, and lists present images sorted with attributes and regions', () => {
    const store = freshStore();
    const { id } = store.upsertDataset('/data');
    const first = [
      file('nurse/b.png', 'B', { attributes: { hair: 'long', site: 'north' } }),
      file('doctor/a.png', 'A', { attributes: { hair: 'short', site: 'south' } }),
      file('doctor/c.png', 'C'),
    ];
    const regions = new Map([['doctor/a.png', regionsFor(1)]]);
    expect(store.syncImages(id, first, regions)).toEqual({ added: 3, changed: 0, removed: 0 });

    const listed = store.listImages(id);
    expect(listed.map((i) => i.path)).toEqual(['doctor/a.png', 'doctor/c.png', 'nurse/b.png']);
    expect(listed[0]).toMatchObject({ label: 'doctor', hash: first[1].hash, attributes: { hair: 'short', site: 'south' }, regions: regionsFor(1) });
    expect(listed[1]).toMatchObject({ attributes: {}, regions: [] });

    // Unchanged: nothing counted. A new mtime alone is not a change.
    expect(store.syncImages(id, first.map((f) => ({ ...f, mtimeMs: f.mtimeMs + 1 })), regions)).toEqual({ added: 0, changed: 0, removed: 0 });

    const second = [
      file('nurse/b.png', 'B', { attributes: { hair: 'short', site: 'north' } }), // attribute changed
      file('doctor/a.png', 'A2'), // content changed (and attributes dropped)
      file('doctor/d.png', 'D'), // new; c.png is gone
    ];
    const newRegions = new Map([['doctor/d.png', regionsFor(2)]]);
    expect(store.syncImages(id, second, newRegions)).toEqual({ added: 1, changed: 2, removed: 1 });
    const after = store.listImages(id);
    expect(after.map((i) => i.path)).toEqual(['doctor/a.png', 'doctor/d.png', 'nurse/b.png']);
    expect(after[0]).toMatchObject({ hash: second[1].hash, attributes: {}, regions: [] });
    expect(after[1].regions).toEqual(regionsFor(2));
    expect(after[2].attributes).toEqual({ hair: 'short', site: 'north' });

    // A file that comes back counts as added again.
    expect(store.syncImages(id, [...second, file('doctor/c.png', 'C')], newRegions)).toEqual({ added: 1, changed: 0, removed: 0 });
    store.close();
  });

  it('keeps datasets apart and reports present files for the scan to skip hashing', () => {
    const store = freshStore();
    const one = store.upsertDataset('/one').id;
    const two = store.upsertDataset('/two').id;
    const a = file('x/a.png', 'A', { size: 1234 });
    store.syncImages(one, [a, file('x/b.png', 'B')], noRegions);
    store.syncImages(two, [file('x/a.png', 'A')], noRegions);
    store.syncImages(one, [a], noRegions);
    const known = store.knownFiles(one);
    expect([...known.keys()]).toEqual(['x/a.png']);
    expect(known.get('x/a.png')).toEqual({ size: 1234, mtimeMs: a.mtimeMs, hash: a.hash });
    expect(store.knownFiles(two).size).toBe(1);
    store.close();
  });

  it('shares one content row between copies, so they share a cache', () => {
    const store = freshStore();
    const { id } = store.upsertDataset('/data');
    store.syncImages(id, [file('a/one.png', 'same'), file('b/two.png', 'same')], noRegions);
    const [one, two] = store.listImages(id);
    expect(one.contentId).toBe(two.contentId);
    store.close();
  });

  it('keeps tags through a re-scan, a removal and a rename', () => {
    const store = freshStore();
    const { id } = store.upsertDataset('/data');
    store.syncImages(id, [file('doctor/a.png', 'A'), file('doctor/b.png', 'B')], noRegions);
    const [a, b] = store.listImages(id);
    store.addTag(id, [a.contentId, b.contentId], 'spurious');
    store.addTag(id, [a.contentId], 'face');
    store.addTag(id, [a.contentId], 'face');
    expect(store.tags(id)).toEqual(new Map([[a.contentId, ['face', 'spurious']], [b.contentId, ['spurious']]]));

    // Re-scan, then a.png renamed and b.png gone: tags are the user's and stay.
    store.syncImages(id, [file('doctor/a.png', 'A'), file('doctor/b.png', 'B')], noRegions);
    expect(store.syncImages(id, [file('nurse/renamed.png', 'A')], noRegions)).toEqual({ added: 1, changed: 0, removed: 2 });
    const [renamed] = store.listImages(id);
    expect(renamed.contentId).toBe(a.contentId);
    expect(store.tags(id).get(renamed.contentId)).toEqual(['face', 'spurious']);
    expect(store.tags(id).get(b.contentId)).toEqual(['spurious']);

    store.removeTag(id, [a.contentId, b.contentId], 'spurious');
    expect(store.tags(id)).toEqual(new Map([[a.contentId, ['face']]]));
    store.close();
  });

  it('refuses blank tags and a path listed twice, changing nothing', () => {
    const store = freshStore();
    const { id } = store.upsertDataset('/data');
    store.syncImages(id, [file('a/x.png', 'X')], noRegions);
    const [x] = store.listImages(id);
    expect(() => store.addTag(id, [x.contentId], ' ')).toThrow(StoreError);
    expect(() => store.addTag(id, [x.contentId], ' face')).toThrow(/spaces/);
    expect(() => store.syncImages(id, [file('a/y.png', 'Y'), file('a/y.png', 'Y')], noRegions)).toThrow(/listed twice/);
    expect(store.listImages(id).map((i) => i.path)).toEqual(['a/x.png']);
    store.close();
  });
});
