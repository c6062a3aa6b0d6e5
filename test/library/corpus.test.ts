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

  it('refuses every scan entry while listing or hashing, and passes every other file on to decoding', async () => {
    const hashed = await hashFiles(listing.root, listing.files, new Map());
    const refused = new Set([...listing.problems, ...hashed.problems].map((p) => p.path));
    expect([...refused].sort()).toEqual(corpus.filter((e) => e.expect === 'scan').map((e) => e.path));
    expect(hashed.files.map((f) => f.path)).toEqual(corpus.filter((e) => e.expect !== 'scan').map((e) => e.path));
    expect(hashed.problems).toEqual([{ path: 'dog/empty.jpg', reason: 'empty file (0 bytes)' }]);
  });
});
