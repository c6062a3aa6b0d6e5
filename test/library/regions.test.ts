/** Region boxes from regions.csv and COCO files, matched to listed images. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listDataset } from '../../src/main/library/scan';
import { scratch, writeTree } from './tree';

const IMAGES = { 'cat/a.png': null, 'cat/b.png': null, 'dog/a.png': null, 'dog/été.png': null } as const;

async function dataset(files: Record<string, string>): Promise<string> {
  const root = scratch();
  await writeTree(root, { ...IMAGES });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(root, name), text);
  return root;
}

const coco = (images: unknown[], annotations: unknown[], categories: unknown[] = [{ id: 1, name: 'face' }, { id: 2, name: 'collar' }]) =>
  JSON.stringify({ images, annotations, categories });

describe('regions.csv', () => {
  it('reads boxes per image, several per image and several with one name', async () => {
    const root = await dataset({
      'regions.csv': ['path,region,x0,y0,x1,y1', 'cat/a.png,face,1,2,5,6', 'cat/a.png,face,3,0,6,4', 'cat/a.png,collar,0,3,6,4', 'dog/été.png,face,0.5,1,2.5,3'].join('\r\n'),
    });
    const listing = await listDataset(root);
    expect(listing.problems).toEqual([]);
    expect(listing.regionNames).toEqual(['collar', 'face']);
    expect(listing.regions.get('cat/a.png')).toEqual([
      { name: 'face', x0: 1, y0: 2, x1: 5, y1: 6 },
      { name: 'face', x0: 3, y0: 0, x1: 6, y1: 4 },
      { name: 'collar', x0: 0, y0: 3, x1: 6, y1: 4 },
    ]);
    expect(listing.regions.get('dog/été.png')).toEqual([{ name: 'face', x0: 0.5, y0: 1, x1: 2.5, y1: 3 }]);
    expect(listing.regions.has('cat/b.png')).toBe(false);
  });

  it('turns each bad row into a problem naming its line, and keeps the good ones', async () => {
    const root = await dataset({
      'regions.csv': [
        'path,region,x0,y0,x1,y1',
        'cat/a.png,face,1,2,5,6', // 2: fine
        'cat/a.png,face,one,2,5,6', // 3: not a number
        'cat/a.png,face,5,2,5,6', // 4: x1 == x0
        'cat/a.png,face,1,6,5,2', // 5: y1 < y0
        'cat/zebra.png,face,1,2,5,6', // 6: not listed
        'cat/a.png,,1,2,5,6', // 7: no name
        'cat/a.png,face,1,2,5', // 8: a field short
        'cat/a.png,face,-1,-2,3,4', // 9: clamped to the edge
        'cat/a.png,face,1,2,,6', // 10: empty corner
      ].join('\n'),
    });
    const listing = await listDataset(root);
    expect(listing.regions.get('cat/a.png')).toEqual([
      { name: 'face', x0: 1, y0: 2, x1: 5, y1: 6 },
      { name: 'face', x0: 0, y0: 0, x1: 3, y1: 4 },
    ]);
    expect(listing.problems).toEqual([
      { path: 'cat/a.png', reason: 'regions.csv line 3: x0 is not a number ("one")' },
      { path: 'cat/a.png', reason: 'regions.csv line 4: empty box: x1 (5) must be greater than x0 (5)' },
      { path: 'cat/a.png', reason: 'regions.csv line 5: empty box: y1 (2) must be greater than y0 (6)' },
      { path: 'cat/zebra.png', reason: 'regions.csv line 6: not an image of the dataset' },
      { path: 'cat/a.png', reason: 'regions.csv line 7: empty region name' },
      { path: 'cat/a.png', reason: 'regions.csv line 8: has 5 fields, the header has 6' },
      { path: 'cat/a.png', reason: 'regions.csv line 10: x1 is not a number ("")' },
    ]);
  });

  it('reports a regions.csv without the needed columns, and still opens the dataset', async () => {
    const root = await dataset({ 'regions.csv': 'path,region,left,top,right,bottom\ncat/a.png,face,1,2,3,4\n' });
    const listing = await listDataset(root);
    expect(listing.files).toHaveLength(4);
    expect(listing.regions.size).toBe(0);
    expect(listing.problems).toEqual([{ path: 'regions.csv', reason: expect.stringMatching(/^regions\.csv: no "x0", "y0", "x1", "y1" column/) }]);
  });
});

describe('COCO annotations', () => {
  it('turns each bbox into a box named by its category, matching file names by path, suffix or unique name', async () => {
    const images = [
      { id: 1, file_name: 'cat/a.png' }, // exact
      { id: 2, file_name: 'export/train/dog/a.png' }, // ends with a listed path
      { id: 3, file_name: 'b.png' }, // unique name
      { id: '4', file_name: 'photos/été.png' }, // unique name, string id
    ];
    const annotations = [
      { id: 10, image_id: 1, category_id: 1, bbox: [1, 2, 3, 4] },
      { id: 11, image_id: 1, category_id: 2, bbox: [0, 0, 6, 1.5] },
      { id: 12, image_id: 2, category_id: 1, bbox: [2, 2, 1, 1] },
      { id: 13, image_id: 3, category_id: 2, bbox: [0, 1, 2, 2] },
      { id: 14, image_id: '4', category_id: 1, bbox: [1, 1, 1, 1] },
    ];
    const root = await dataset({ 'coco.json': coco(images, annotations) });
    const listing = await listDataset(root);
    expect(listing.problems).toEqual([]);
    expect(listing.regionNames).toEqual(['collar', 'face']);
    expect(Object.fromEntries(listing.regions)).toEqual({
      'cat/a.png': [
        { name: 'face', x0: 1, y0: 2, x1: 4, y1: 6 },
        { name: 'collar', x0: 0, y0: 0, x1: 6, y1: 1.5 },
      ],
      'dog/a.png': [{ name: 'face', x0: 2, y0: 2, x1: 3, y1: 3 }],
      'cat/b.png': [{ name: 'collar', x0: 0, y0: 1, x1: 2, y1: 3 }],
      'dog/été.png': [{ name: 'face', x0: 1, y0: 1, x1: 2, y1: 2 }],
    });
  });

  it('reports unmatched and ambiguous images, bad annotations, and skips only those', async () => {
    const images = [
      { id: 1, file_name: 'cat/a.png' },
      { id: 2, file_name: 'a.png' }, // cat/a.png or dog/a.png
      { id: 3, file_name: 'zebra.png' },
      { id: 4 }, // no file_name
    ];
    const annotations = [
      { image_id: 1, category_id: 1, bbox: [1, 1, 2, 2] },
      { image_id: 2, category_id: 1, bbox: [1, 1, 2, 2] }, // its image is already reported
      { image_id: 1, category_id: 9, bbox: [1, 1, 2, 2] },
      { image_id: 7, category_id: 1, bbox: [1, 1, 2, 2] },
      { image_id: 1, category_id: 1, bbox: [1, 1, 0, 2] },
      { image_id: 1, category_id: 1, segmentation: [[1, 1, 2, 2]] },
    ];
    const root = await dataset({ 'cats.coco.json': coco(images, annotations) });
    const listing = await listDataset(root);
    expect(listing.regions.get('cat/a.png')).toEqual([{ name: 'face', x0: 1, y0: 1, x1: 3, y1: 3 }]);
    expect(listing.problems).toEqual([
      { path: 'a.png', reason: 'cats.coco.json images[1]: "a.png" matches 2 listed files by name; write its path relative to the dataset folder' },
      { path: 'zebra.png', reason: 'cats.coco.json images[2]: "zebra.png" is not an image of the dataset' },
      { path: 'cats.coco.json', reason: 'cats.coco.json images[3]: needs an id and a file_name' },
      { path: 'cat/a.png', reason: 'cats.coco.json annotations[2]: category_id 9 is not in categories' },
      { path: 'cats.coco.json', reason: 'cats.coco.json annotations[3]: image_id 7 is not in images' },
      { path: 'cat/a.png', reason: 'cats.coco.json annotations[4]: empty box: width (0) and height (2) must be positive' },
      { path: 'cats.coco.json', reason: 'cats.coco.json annotations[5]: needs image_id, category_id and bbox [x, y, width, height]' },
    ]);
  });

  it('reports malformed JSON and files that are not COCO, naming the file, without failing the scan', async () => {
    const root = await dataset({ 'coco.json': '{"images": [', 'annotations.json': '{"labels": []}' });
    const listing = await listDataset(root);
    expect(listing.files).toHaveLength(4);
    expect(listing.problems).toEqual([
      { path: 'annotations.json', reason: 'annotations.json: not a COCO annotation file (it needs images, annotations and categories arrays); no regions read from it' },
      { path: 'coco.json', reason: expect.stringMatching(/^coco\.json: not valid JSON \(.+\); no regions read from it$/) },
    ]);
  });

  it('merges boxes from regions.csv and COCO files, ignoring other JSON files', async () => {
    const root = await dataset({
      'regions.csv': 'path,region,x0,y0,x1,y1\ncat/a.png,face,0,0,2,2\n',
      'coco.json': coco([{ id: 1, file_name: 'cat/a.png' }], [{ image_id: 1, category_id: 2, bbox: [1, 1, 1, 1] }]),
      'extra.coco.json': coco([{ id: 1, file_name: 'dog/a.png' }], [{ image_id: 1, category_id: 1, bbox: [0, 0, 4, 4] }], [{ id: 1, name: 'tail' }]),
      'config.json': '{"not": "annotations"}',
    });
    const listing = await listDataset(root);
    expect(listing.problems).toEqual([]);
    expect(listing.regionNames).toEqual(['collar', 'face', 'tail']);
    expect(listing.regions.get('cat/a.png')).toEqual([
      { name: 'face', x0: 0, y0: 0, x1: 2, y1: 2 },
      { name: 'collar', x0: 1, y0: 1, x1: 2, y1: 2 },
    ]);
    expect(listing.regions.get('dog/a.png')).toEqual([{ name: 'tail', x0: 0, y0: 0, x1: 4, y1: 4 }]);
  });
});
