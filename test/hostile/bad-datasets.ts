/**
 * Hostile and broken dataset folders: one row each. bad-datasets.test.ts lists every
 * row's folder as opening a dataset does and checks what is listed, what is reported,
 * and that it ends at once. The corpus grows by a row per finding.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeTree } from '../library/tree';

export interface BadDataset {
  name: string;
  /** Makes the dataset under `dir` (fresh) and returns the folder to open. */
  make(dir: string): Promise<string>;
  /** The images listed, as relative paths in order; or the error the listing must fail with. */
  expect: { files: string[]; problems?: RegExp[] } | { error: RegExp };
}

/** Levels of folders each holding two links to the next: 2^levels paths to the last one. */
function linkWeb(root: string, levels: number): void {
  for (let level = 0; level < levels; level++) {
    mkdirSync(path.join(root, `web/${level}`), { recursive: true });
    for (const name of ['a', 'b']) symlinkSync(path.join(root, `web/${level + 1}`), path.join(root, `web/${level}/${name}`));
  }
}

export const BAD_DATASETS: BadDataset[] = [
  {
    name: 'a web of symbolic links, 16 levels of two links over two images',
    make: async (dir) => {
      await writeTree(dir, { 'web/16/one.png': null, 'web/16/two.png': null });
      linkWeb(dir, 16);
      const root = path.join(dir, 'dataset');
      mkdirSync(root);
      symlinkSync(path.join(dir, 'web/0'), path.join(root, 'cat'));
      return root;
    },
    expect: {
      files: ['cat/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/one.png', 'cat/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/two.png'],
      problems: Array.from({ length: 15 }, () => /^the same folder as cat(\/a)+ \(by a symbolic link\), listed once$/).concat([/^the same folder as cat(\/a)* \(by a symbolic link\), listed once$/]),
    },
  },
  {
    name: 'two class folders that are one folder',
    make: async (dir) => {
      await writeTree(dir, { 'cat/a.png': null });
      symlinkSync(path.join(dir, 'cat'), path.join(dir, 'kitten'));
      return dir;
    },
    expect: { files: ['cat/a.png'], problems: [/^the same folder as cat \(by a symbolic link\), listed once$/] },
  },
  {
    name: 'a link to the folder above (a loop)',
    make: async (dir) => {
      await writeTree(dir, { 'cat/a.png': null });
      symlinkSync('..', path.join(dir, 'cat/up'));
      return dir;
    },
    expect: { files: ['cat/a.png'], problems: [/^symbolic link loop, skipped$/] },
  },
  {
    name: 'a class folder that links into /proc',
    make: async (dir) => {
      await writeTree(dir, { 'cat/a.png': null });
      symlinkSync('/proc/self', path.join(dir, 'proc'));
      return dir;
    },
    expect: { files: ['cat/a.png'], problems: [/^a link into \/proc, the system's own files, skipped$/] },
  },
  {
    name: '/proc/self opened as a dataset',
    make: async () => '/proc/self',
    expect: { error: /\/proc\/self: a folder of \/proc, the system's own files, not a dataset/ },
  },
  {
    name: 'a link to /sys opened as a dataset',
    make: async (dir) => {
      symlinkSync('/sys/kernel', path.join(dir, 'sys'));
      return path.join(dir, 'sys');
    },
    expect: { error: /a folder of \/sys, the system's own files, not a dataset/ },
  },
  {
    name: 'folders 40 deep',
    make: async (dir) => {
      const deep = Array.from({ length: 40 }, (_, i) => `d${i}`).join('/');
      await writeTree(dir, { 'cat/a.png': null, [`cat/${deep}/far.png`]: null });
      return dir;
    },
    expect: { files: ['cat/a.png'], problems: [/^more than 32 folders deep, skipped$/] },
  },
  {
    name: 'a manifest listing a FIFO named like an image',
    make: async (dir) => {
      await writeTree(dir, { 'cat/a.png': null });
      execFileSync('mkfifo', [path.join(dir, 'cat/pipe.png')]);
      writeFileSync(path.join(dir, 'manifest.csv'), 'path,label\ncat/a.png,cat\ncat/pipe.png,cat\n');
      return dir;
    },
    expect: { files: ['cat/a.png'], problems: [/^manifest\.csv line 3: not a file$/] },
  },
  {
    name: 'a FIFO named like an image in a class folder',
    make: async (dir) => {
      await writeTree(dir, { 'cat/a.png': null });
      execFileSync('mkfifo', [path.join(dir, 'cat/pipe.png')]);
      return dir;
    },
    expect: { files: ['cat/a.png'] },
  },
  {
    name: 'a 1.5 GB junk file named like an image (sparse)',
    make: async (dir) => {
      await writeTree(dir, { 'cat/a.png': null, 'cat/junk.png': 'not a picture' });
      truncateSync(path.join(dir, 'cat/junk.png'), 1.5e9);
      return dir;
    },
    expect: { files: ['cat/a.png'], problems: [/^not an image: its first bytes are not those of PNG, JPEG, GIF, WebP, TIFF or AVIF$/] },
  },
  {
    name: 'a folder named like an image',
    make: async (dir) => {
      await writeTree(dir, { 'cat/a.png': null, 'cat/b.png/c.png': null });
      return dir;
    },
    expect: { files: ['cat/a.png', 'cat/b.png/c.png'] },
  },
  {
    name: 'a region box with a corner at 1e308',
    make: async (dir) => {
      await writeTree(dir, { 'cat/a.png': null, 'regions.csv': 'path,region,x0,y0,x1,y1\ncat/a.png,face,0,0,1e308,4\ncat/a.png,ear,0,0,2,2\n' });
      return dir;
    },
    expect: { files: ['cat/a.png'], problems: [/x1 \(1e\+308\) is beyond any image \(more than 1,000,000 pixels\)/] },
  },
];
