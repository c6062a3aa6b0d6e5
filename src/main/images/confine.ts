/**
 * Path confinement for served images: a request names a dataset and a path relative to
 * its root, and only files inside that root (after resolving symlinks) are served.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { CallError } from '../../shared/api';

function inside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * The absolute file for `relative` under `root`, or a `forbidden` error when it would
 * leave the root: by `..`, an absolute path, a NUL byte, or a symlink pointing out.
 * A missing file is `not-found`.
 */
export async function confinedPath(root: string, relative: string): Promise<string> {
  if (relative.includes('\0') || path.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) {
    throw new CallError('forbidden', `image path ${JSON.stringify(relative)} is not relative to the dataset`);
  }
  const file = path.resolve(root, relative);
  if (!inside(root, file)) throw new CallError('forbidden', `image path ${JSON.stringify(relative)} leaves the dataset folder`);
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
  } catch {
    throw new CallError('not-found', `no image at ${JSON.stringify(relative)} in the dataset`);
  }
  if (!inside(realRoot, real)) throw new CallError('forbidden', `image ${JSON.stringify(relative)} links outside the dataset folder`);
  return real;
}
