/** Every bad dataset of the corpus is listed as it should be, or refused, at once. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFiles } from '../../src/main/library/hash';
import { DatasetError, listDataset } from '../../src/main/library/scan';
import { findClassImages } from '../../src/main/library/walk';
import { tempDir } from '../fixtures/temp';
import { writeTree } from '../library/tree';
import { BAD_DATASETS } from './bad-datasets';

describe.skipIf(process.platform !== 'linux')('bad datasets', () => {
  const root = tempDir('biascope-bad-datasets-');

  it.each(BAD_DATASETS.map((row, i) => [row.name, row, i] as const))('%s', async (_, row, i) => {
    const dir = path.join(root, String(i));
    mkdirSync(dir);
    const dataset = await row.make(dir);
    if ('error' in row.expect) {
      await expect(listDataset(dataset)).rejects.toThrow(DatasetError);
      await expect(listDataset(dataset)).rejects.toThrow(row.expect.error);
      return;
    }
    // As opening a dataset does: list, then hash what was listed.
    const listing = await listDataset(dataset);
    const hashed = await hashFiles(listing.root, listing.files, new Map());
    expect(hashed.files.map((f) => f.path)).toEqual(row.expect.files);
    const reasons = [...listing.problems, ...hashed.problems].map((p) => p.reason);
    expect(reasons).toHaveLength(row.expect.problems?.length ?? 0);
    (row.expect.problems ?? []).forEach((pattern, p) => expect(reasons[p]).toMatch(pattern));
    // Nothing was read whole: a 1.5 GB junk file would show here.
    expect(process.memoryUsage().rss).toBeLessThan(1.5e9);
  }, 10_000);

  it('stops a scan when its signal is aborted, and after its cap on entries', async () => {
    const dir = tempDir('biascope-scan-stop-');
    await writeTree(dir, { 'cat/a.png': null, 'cat/b.png': null, 'dog/c.png': null });
    const controller = new AbortController();
    controller.abort();
    await expect(findClassImages(dir, { signal: controller.signal })).rejects.toThrow(/the scan was cancelled/);
    // The root's two entries and cat's two fit under four; dog's one more does not.
    const capped = await findClassImages(dir, { maxEntries: 4 });
    expect(capped.images.map((i) => i.relative)).toEqual(['cat/a.png', 'cat/b.png']);
    expect(capped.problems).toEqual([{ path: 'dog', reason: 'the scan stopped after 4 files and folders; list the images in a manifest.csv instead' }]);
  });
});
