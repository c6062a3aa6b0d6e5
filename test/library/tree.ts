/** Small real datasets on disk for the library's tests. */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { tempDir } from '../fixtures/temp';

/** chmod cannot lock root out of a file: tests of unreadable files are skipped then. */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;
export const ON_WINDOWS = process.platform === 'win32';

/** A fresh folder, removed after the file's tests. */
export function scratch(prefix = 'biascope-library-'): string {
  return tempDir(prefix);
}

/** A tiny PNG whose colour comes from `seed`, so different seeds give different hashes. */
export function tinyPng(seed = 0, width = 6, height = 4): Promise<Buffer> {
  const background = { r: (seed * 53) % 256, g: (seed * 97) % 256, b: (seed * 193) % 256 };
  return sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();
}

/** Writes `files` (relative path -> content) under `root`; a null content is a tiny PNG. */
export async function writeTree(root: string, files: Record<string, string | Buffer | null>): Promise<void> {
  let seed = 0;
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content ?? (await tinyPng(++seed)));
  }
}

/** Makes a symbolic link, or returns false where the system refuses (Windows without privileges). */
export async function tryLink(target: string, at: string, kind: 'dir' | 'file' = 'dir'): Promise<boolean> {
  try {
    await mkdir(path.dirname(at), { recursive: true });
    await symlink(target, at, kind);
    return true;
  } catch {
    return false;
  }
}
