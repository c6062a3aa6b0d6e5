/** Content hashes, and the rule that an unchanged file (same size and time) is not read again. */
import { createHash } from 'node:crypto';
import { chmod, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFiles } from '../../src/main/library/hash';
import { listDataset } from '../../src/main/library/scan';
import type { HashedFile, KnownFile, ListedFile } from '../../src/main/library/types';
import { ON_WINDOWS, RUNNING_AS_ROOT, scratch, tinyPng, writeTree } from './tree';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const knownFrom = (files: readonly HashedFile[]): Map<string, KnownFile> =>
  new Map(files.map((f) => [f.path, { size: f.size, mtimeMs: f.mtimeMs, hash: f.hash }]));

async function fiveImages(): Promise<{ root: string; files: ListedFile[] }> {
  const root = scratch();
  await writeTree(root, { 'cat/a.png': null, 'cat/b.png': null, 'cat/deep/c.png': null, 'dog/d.png': null, 'dog/chien été.png': null });
  return { root, files: (await listDataset(root)).files };
}

describe('hashFiles', () => {
  it('hashes each file as the sha256 of its bytes, in the order given, reporting progress', async () => {
    const { root, files } = await fiveImages();
    const progress: [number, number][] = [];
    const result = await hashFiles(root, files, new Map(), { concurrency: 2, onProgress: (done, total) => progress.push([done, total]) });
    expect(result.hashed).toBe(5);
    expect(result.reused).toBe(0);
    expect(result.problems).toEqual([]);
    expect(result.files.map((f) => f.path)).toEqual(files.map((f) => f.path));
    for (const file of result.files) {
      expect(file.hash).toBe(sha256(await readFile(path.join(root, file.path))));
      expect(file).toMatchObject(files.find((f) => f.path === file.path)!);
    }
    expect(progress).toEqual([1, 2, 3, 4, 5].map((done) => [done, 5]));
  });

  it('keeps the known hash of a file whose size and time are unchanged, without reading it', async () => {
    const { root } = await fiveImages();
    // A whole second, so the time set again below is the very same number.
    const swapped = path.join(root, 'cat/a.png');
    const fixedTime = 1_700_000_000;
    await utimes(swapped, fixedTime, fixedTime);
    const first = await hashFiles(root, (await listDataset(root)).files, new Map());
    // Same size, same time, other bytes: only a read could notice, so the old hash shows none happened.
    const bytes = await readFile(swapped);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
    await writeFile(swapped, bytes);
    await utimes(swapped, fixedTime, fixedTime);

    const again = await hashFiles(root, (await listDataset(root)).files, knownFrom(first.files));
    expect(again.reused).toBe(5);
    expect(again.hashed).toBe(0);
    expect(again.files).toEqual(first.files);
  });

  it.skipIf(RUNNING_AS_ROOT || ON_WINDOWS)('does not open unchanged files at all: unreadable ones still keep their hash', async () => {
    const { root, files } = await fiveImages();
    const first = await hashFiles(root, files, new Map());
    await Promise.all(files.map((f) => chmod(path.join(root, f.path), 0o000)));
    try {
      const again = await hashFiles(root, files, knownFrom(first.files));
      expect(again).toEqual({ files: first.files, problems: [], hashed: 0, reused: 5 });
    } finally {
      await Promise.all(files.map((f) => chmod(path.join(root, f.path), 0o644)));
    }
  });

  it('hashes again exactly the file whose content and time changed', async () => {
    const { root, files } = await fiveImages();
    const first = await hashFiles(root, files, new Map());
    const changed = path.join(root, 'dog/d.png');
    const newBytes = await tinyPng(99, 7, 5);
    await writeFile(changed, newBytes);
    const later = new Date(Date.now() + 60_000);
    await utimes(changed, later, later);

    const again = await hashFiles(root, (await listDataset(root)).files, knownFrom(first.files));
    expect(again.hashed).toBe(1);
    expect(again.reused).toBe(4);
    const hashOf = (result: { files: HashedFile[] }, p: string) => result.files.find((f) => f.path === p)?.hash;
    expect(hashOf(again, 'dog/d.png')).toBe(sha256(newBytes));
    expect(hashOf(again, 'dog/d.png')).not.toBe(hashOf(first, 'dog/d.png'));
    expect(hashOf(again, 'cat/a.png')).toBe(hashOf(first, 'cat/a.png'));
  });

  it('refuses empty and vanished files with a specific reason and keeps the rest', async () => {
    const root = scratch();
    await writeTree(root, { 'cat/a.png': null, 'cat/empty.jpg': '', 'cat/gone.png': null });
    const files = (await listDataset(root)).files;
    await rm(path.join(root, 'cat/gone.png'));
    const result = await hashFiles(root, files, new Map());
    expect(result.files.map((f) => f.path)).toEqual(['cat/a.png']);
    expect(result.problems).toEqual([
      { path: 'cat/empty.jpg', reason: 'empty file (0 bytes)' },
      { path: 'cat/gone.png', reason: expect.stringMatching(/^file not found/) },
    ]);
    expect(result.hashed).toBe(1);
  });

  it.skipIf(RUNNING_AS_ROOT || ON_WINDOWS)('refuses a file it may not read: permission denied', async () => {
    const root = scratch();
    await writeTree(root, { 'cat/a.png': null, 'cat/locked.png': null });
    const files = (await listDataset(root)).files;
    const locked = path.join(root, 'cat/locked.png');
    await chmod(locked, 0o000);
    try {
      const result = await hashFiles(root, files, new Map());
      expect(result.files.map((f) => f.path)).toEqual(['cat/a.png']);
      expect(result.problems).toEqual([{ path: 'cat/locked.png', reason: 'permission denied' }]);
    } finally {
      await chmod(locked, 0o644);
    }
  });
});
