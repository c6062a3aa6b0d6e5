/** Listing and hashing the image corpus: what is refused before decoding, and what goes on to it. */
import { beforeAll, describe, expect, it } from 'vitest';
import { hashFiles } from '../../src/main/library/hash';
import { listDataset } from '../../src/main/library/scan';
import type { DatasetListing } from '../../src/main/library/types';
import { type CorpusEntry, writeImageCorpus } from '../fixtures/bad-images';
import { scratch } from './tree';

let corpus: CorpusEntry[];
let listing: DatasetListing;

beforeAll(async () => {
  const root = scratch('biascope-corpus-');
  corpus = await writeImageCorpus(root);
  listing = await listDataset(root);
});

describe('the image corpus as a dataset', () => {
  it('lists every file of both classes, and reports the link loop', async () => {
    expect(listing.source).toBe('folders');
    expect(listing.labels).toEqual(['cat', 'dog']);
    const files = corpus.filter((e) => e.path !== 'cat/loop').map((e) => e.path);
    expect(listing.files.map((f) => f.path)).toEqual(files);
    expect(listing.files.find((f) => f.path === 'cat/indoor/deep/x.png')?.label).toBe('cat');
    expect(listing.problems).toEqual(corpus.some((e) => e.path === 'cat/loop') ? [{ path: 'cat/loop', reason: 'symbolic link loop, skipped' }] : []);
  });

  it('refuses every scan entry and every file that is no image at all while listing or hashing, and passes every other file on to decoding', async () => {
    const hashed = await hashFiles(listing.root, listing.files, new Map());
    const refused = new Set([...listing.problems, ...hashed.problems].map((p) => p.path));
    // A file whose first bytes are no image format's is refused before it is read on.
    const atScan = (e: CorpusEntry) => e.expect === 'scan' || e.expect === 'not-an-image';
    expect([...refused].sort()).toEqual(corpus.filter(atScan).map((e) => e.path).sort());
    expect(hashed.files.map((f) => f.path)).toEqual(corpus.filter((e) => !atScan(e)).map((e) => e.path));
    expect(hashed.problems).toEqual([
      { path: 'dog/empty.jpg', reason: 'empty file (0 bytes)' },
      { path: 'dog/notes.jpg', reason: 'not an image: its first bytes are not those of PNG, JPEG, GIF, WebP, TIFF or AVIF' },
    ]);
  });
});
