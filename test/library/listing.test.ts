/** Listing an ImageFolder dataset: classes from folders, what is skipped, and links. */
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, listDataset } from '../../src/main/library/scan';
import { ON_WINDOWS, RUNNING_AS_ROOT, scratch, tryLink, writeTree } from './tree';

describe('listDataset over class folders', () => {
  it('labels each file by its top-level folder, nested folders included, sorted by path', async () => {
    const root = scratch();
    await writeTree(root, {
      'dog/b.png': null,
      'cat/a.JPG': null,
      'cat/indoor/sofa/c.png': null,
      'dog/chien été 1.png': null,
      'bird/x.webp': null,
      'bird/y.tif': null,
    });
    const listing = await listDataset(root);
    expect(listing.root).toBe(path.resolve(root));
    expect(listing.source).toBe('folders');
    expect(listing.labels).toEqual(['bird', 'cat', 'dog']);
    expect(listing.files.map((f) => [f.path, f.label])).toEqual([
      ['bird/x.webp', 'bird'],
      ['bird/y.tif', 'bird'],
      ['cat/a.JPG', 'cat'],
      ['cat/indoor/sofa/c.png', 'cat'],
      ['dog/b.png', 'dog'],
      ['dog/chien été 1.png', 'dog'],
    ]);
    expect(listing.problems).toEqual([]);
    expect(listing.attributeNames).toEqual([]);
    expect(listing.regions.size).toBe(0);
    for (const file of listing.files) {
      expect(file.size).toBeGreaterThan(0);
      expect(file.mtimeMs).toBeGreaterThan(0);
      expect(file.attributes).toEqual({});
    }
  });

  it('skips hidden entries and other extensions silently, lists a text file named .jpg', async () => {
    const root = scratch();
    await writeTree(root, {
      'cat/a.png': null,
      'cat/.thumb.png': null,
      'cat/.cache/b.png': null,
      '.trash/c.png': null,
      'cat/readme.txt': 'notes',
      'cat/model.h5': 'weights',
      'cat/fake.jpg': 'not a picture',
      'labels.txt': 'cat\n',
    });
    const listing = await listDataset(root);
    expect(listing.files.map((f) => f.path)).toEqual(['cat/a.png', 'cat/fake.jpg']);
    expect(listing.labels).toEqual(['cat']);
    expect(listing.problems).toEqual([]);
  });

  it('reports an image directly in the root, which belongs to no class', async () => {
    const root = scratch();
    await writeTree(root, { 'cat/a.png': null, 'stray.png': null });
    const listing = await listDataset(root);
    expect(listing.files.map((f) => f.path)).toEqual(['cat/a.png']);
    expect(listing.problems).toEqual([{ path: 'stray.png', reason: expect.stringMatching(/not in a class folder/) }]);
  });

  it.skipIf(ON_WINDOWS)('follows links to files and folders, and reports a loop instead of following it', async () => {
    const root = scratch();
    const elsewhere = scratch();
    await writeTree(elsewhere, { 'shared/s.png': null, 'single.png': null });
    await writeTree(root, { 'cat/a.png': null, 'dog/b.png': null });
    expect(await tryLink(path.join(elsewhere, 'shared'), path.join(root, 'dog/more'))).toBe(true);
    await tryLink(path.join(elsewhere, 'single.png'), path.join(root, 'cat/linked.png'), 'file');
    await tryLink('..', path.join(root, 'cat/loop'));
    await tryLink('.', path.join(root, 'dog/more/self'));
    await tryLink('nowhere.png', path.join(root, 'dog/broken.png'), 'file');

    const listing = await listDataset(root);
    expect(listing.files.map((f) => [f.path, f.label])).toEqual([
      ['cat/a.png', 'cat'],
      ['cat/linked.png', 'cat'],
      ['dog/b.png', 'dog'],
      ['dog/more/s.png', 'dog'],
    ]);
    expect(listing.problems).toEqual([
      { path: 'cat/loop', reason: 'symbolic link loop, skipped' },
      { path: 'dog/broken.png', reason: 'broken symbolic link, skipped' },
      { path: 'dog/more/self', reason: 'symbolic link loop, skipped' },
    ]);
  });

  it.skipIf(RUNNING_AS_ROOT || ON_WINDOWS)('reports an unreadable folder and lists the rest', async () => {
    const root = scratch();
    await writeTree(root, { 'cat/a.png': null, 'dog/locked/b.png': null });
    const locked = path.join(root, 'dog/locked');
    await chmod(locked, 0o000);
    try {
      const listing = await listDataset(root);
      expect(listing.files.map((f) => f.path)).toEqual(['cat/a.png']);
      expect(listing.problems).toEqual([{ path: 'dog/locked', reason: 'cannot read the folder: permission denied' }]);
    } finally {
      await chmod(locked, 0o755);
    }
  });
});

describe('listDataset refuses what is not a dataset', () => {
  it('a missing root, a file, or a folder without images, naming the path and the problem', async () => {
    const root = scratch();
    await expect(listDataset(path.join(root, 'nope'))).rejects.toThrow(DatasetError);
    await expect(listDataset(path.join(root, 'nope'))).rejects.toThrow(/nope: not found/);

    const file = path.join(root, 'file.png');
    await writeFile(file, 'x');
    await expect(listDataset(file)).rejects.toThrow(/file\.png: not a folder/);

    const empty = scratch();
    await writeTree(empty, { 'cat/readme.txt': 'no pictures here' });
    await expect(listDataset(empty)).rejects.toThrow(/no images found.*one sub-folder per class/);
  });
});
