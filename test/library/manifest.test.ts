/** manifest.csv: labels and attributes from a table, and every bad row named by its line. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, listDataset } from '../../src/main/library/scan';
import { scratch, writeTree } from './tree';

async function datasetWithManifest(manifest: string, files: Record<string, string | null>): Promise<string> {
  const root = scratch();
  await writeTree(root, files);
  await writeFile(path.join(root, 'manifest.csv'), manifest);
  return root;
}

describe('listDataset with manifest.csv', () => {
  it('wins over folder names: only listed files, labelled as listed, with attributes in file order', async () => {
    const root = await datasetWithManifest(
      ['\ufeffpath,site,label,"scanner, model"', 'cat/a.png,north,tabby,"X1, rev 2"', 'cat/b.png,south,siamese,Y', 'dog/chien été 1.png,north,dog,Z', ''].join('\r\n'),
      { 'cat/a.png': null, 'cat/b.png': null, 'cat/unlisted.png': null, 'dog/chien été 1.png': null },
    );
    const listing = await listDataset(root);
    expect(listing.source).toBe('manifest');
    expect(listing.attributeNames).toEqual(['site', 'scanner, model']);
    expect(listing.labels).toEqual(['dog', 'siamese', 'tabby']);
    expect(listing.files.map((f) => [f.path, f.label, f.attributes])).toEqual([
      ['cat/a.png', 'tabby', { site: 'north', 'scanner, model': 'X1, rev 2' }],
      ['cat/b.png', 'siamese', { site: 'south', 'scanner, model': 'Y' }],
      ['dog/chien été 1.png', 'dog', { site: 'north', 'scanner, model': 'Z' }],
    ]);
    expect(listing.problems).toEqual([]);
    expect(listing.files.every((f) => f.size > 0 && f.mtimeMs > 0)).toBe(true);
  });

  it('accepts images at the root, backslashes and ./ in paths, and header names in any case', async () => {
    const root = await datasetWithManifest('Path,LABEL\nroot.png,a\n.\\sub\\b.png,b\n', { 'root.png': null, 'sub/b.png': null });
    const listing = await listDataset(root);
    expect(listing.files.map((f) => [f.path, f.label])).toEqual([
      ['root.png', 'a'],
      ['sub/b.png', 'b'],
    ]);
  });

  it('turns each bad row into a problem naming its line, and keeps the good rows', async () => {
    const manifest = [
      'path,label,site',
      'cat/a.png,cat,north', // 2: fine
      'cat/b.png,,south', // 3: empty label
      '../outside.png,cat,north', // 4: escapes the root
      '/etc/passwd,cat,north', // 5: absolute
      'cat/missing.png,cat,north', // 6: not on disk
      'cat/a.png,dog,south', // 7: listed again
      'cat/c.png,cat', // 8: a field short
      ',cat,north', // 9: no path
      '"cat/multi',
      'line.png",cat,north', // 10-11: a quoted field across lines, missing
      'cat,cat,north', // 12: a folder
    ].join('\n');
    const root = await datasetWithManifest(manifest, { 'cat/a.png': null, 'cat/b.png': null, 'cat/c.png': null });
    const listing = await listDataset(root);
    expect(listing.files.map((f) => f.path)).toEqual(['cat/a.png']);
    expect(listing.problems).toEqual([
      { path: 'cat/b.png', reason: 'manifest.csv line 3: empty label' },
      { path: '../outside.png', reason: expect.stringMatching(/^manifest\.csv line 4: .*outside the dataset folder/) },
      { path: '/etc/passwd', reason: expect.stringMatching(/^manifest\.csv line 5: absolute path/) },
      { path: 'cat/a.png', reason: 'manifest.csv line 7: listed again (first on line 2), skipped' },
      { path: 'cat/c.png', reason: 'manifest.csv line 8: has 2 fields, the header has 3' },
      { path: 'manifest.csv', reason: 'manifest.csv line 9: empty path' },
      { path: 'cat/missing.png', reason: 'manifest.csv line 6: listed but not found' },
      { path: 'cat/multi\nline.png', reason: 'manifest.csv line 11: listed but not found' },
      { path: 'cat', reason: 'manifest.csv line 12: not a file' },
    ]);
  });

  it('reports a record the CSV parser cannot read, with its line, and reads on after it', async () => {
    const manifest = 'path,label\ncat/a.png,cat\ncat/b.png,"ca"t\ncat/c.png,cat\n"cat/d.png,cat\ncat/e.png,cat\n';
    const root = await datasetWithManifest(manifest, { 'cat/a.png': null, 'cat/b.png': null, 'cat/c.png': null, 'cat/d.png': null, 'cat/e.png': null });
    const listing = await listDataset(root);
    expect(listing.files.map((f) => f.path)).toEqual(['cat/a.png', 'cat/c.png', 'cat/e.png']);
    expect(listing.problems).toEqual([
      { path: 'manifest.csv', reason: expect.stringMatching(/^manifest\.csv line 3: Invalid Closing Quote/) },
      { path: 'manifest.csv', reason: expect.stringMatching(/^manifest\.csv line 5: Quote Not Closed/) },
    ]);
  });

  it('refuses a manifest without a path or label column, naming the file and the column', async () => {
    const root = await datasetWithManifest('file,class\ncat/a.png,cat\n', { 'cat/a.png': null });
    await expect(listDataset(root)).rejects.toThrow(DatasetError);
    await expect(listDataset(root)).rejects.toThrow('manifest.csv: no "path" and "label" column (the header has: file, class)');
    await writeFile(path.join(root, 'manifest.csv'), 'path,species\ncat/a.png,cat\n');
    await expect(listDataset(root)).rejects.toThrow(/manifest\.csv: no "label" column/);
    await writeFile(path.join(root, 'manifest.csv'), '');
    await expect(listDataset(root)).rejects.toThrow(/manifest\.csv: the file is empty/);
  });

  it('refuses a manifest of which no row can be used, with the first reason', async () => {
    const root = await datasetWithManifest('path,label\ngone.png,cat\n', { 'cat/a.png': null });
    await expect(listDataset(root)).rejects.toThrow(/manifest\.csv: lists no image that can be used \(1 problem; first: gone\.png: manifest\.csv line 2: listed but not found\)/);
  });
});
