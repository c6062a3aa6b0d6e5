/**
 * Finds the images of an ImageFolder dataset: each top-level sub-folder of the root
 * is a class, and every folder below it belongs to that class. Symbolic links are
 * followed, since datasets are often assembled from links into a shared store.
 *
 * Each real folder is visited once, whatever the links leading to it: checking only
 * the folders above (a loop) let a web of links fan out (16 levels of two links each
 * listed 65,536 copies of two images). Folders of the kernel's pseudo file systems
 * (/proc, /sys, /dev) are never entered: they are endless and not data. Depth and the
 * number of entries are capped, and a scan stops when its signal is aborted.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { systemFolderOf } from '../util/system-folders';
import { DatasetError, describeFsError } from './errors';
import { byCodeUnit, isHidden, isImageName } from './paths';
import type { ScanProblem } from './types';

export interface FoundImage {
  absolute: string;
  /** Relative to the root, forward slashes. */
  relative: string;
  label: string;
}

interface Folder {
  absolute: string;
  /** '' for the root. */
  relative: string;
  /** The class, or null at the root where no class is known yet. */
  label: string | null;
  /** Folders below the root. */
  depth: number;
}

/** Folders below a class deeper than this are not entered. */
export const MAX_FOLDER_DEPTH = 32;
/** Entries (files and folders) a scan reads at most before it stops. */
export const MAX_SCAN_ENTRIES = 5_000_000;

export interface WalkOptions {
  signal?: AbortSignal | undefined;
  maxDepth?: number;
  maxEntries?: number;
}

export { systemFolderOf };

type EntryKind = { kind: 'file' | 'folder' | 'other' } | { kind: 'problem'; reason: string };

/** What an entry is, looking through a symbolic link to what it points at. */
async function kindOf(entry: Dirent, absolute: string): Promise<EntryKind> {
  if (!entry.isSymbolicLink()) {
    return { kind: entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : 'other' };
  }
  try {
    const target = await stat(absolute);
    return { kind: target.isDirectory() ? 'folder' : target.isFile() ? 'file' : 'other' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'problem', reason: 'broken symbolic link, skipped' };
    return { kind: 'problem', reason: describeFsError(error) };
  }
}

export async function findClassImages(root: string, options: WalkOptions = {}): Promise<{ images: FoundImage[]; problems: ScanProblem[] }> {
  const { signal, maxDepth = MAX_FOLDER_DEPTH, maxEntries = MAX_SCAN_ENTRIES } = options;
  const images: FoundImage[] = [];
  const problems: ScanProblem[] = [];
  /** Real path of every folder entered -> the relative path it was first entered by. */
  const visited = new Map<string, string>();
  let entriesRead = 0;
  let stopped = false;

  const visit = async (folder: Folder): Promise<void> => {
    if (signal?.aborted) throw new DatasetError(`${root}: the scan was cancelled`);
    if (stopped) return;
    let entries: Dirent[];
    try {
      entries = await readdir(folder.absolute, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: folder.relative || '.', reason: `cannot read the folder: ${describeFsError(error)}` });
      return;
    }
    entries.sort((a, b) => byCodeUnit(a.name, b.name));
    entriesRead += entries.length;
    if (entriesRead > maxEntries) {
      stopped = true;
      problems.push({ path: folder.relative || '.', reason: `the scan stopped after ${maxEntries.toLocaleString('en')} files and folders; list the images in a manifest.csv instead` });
      return;
    }
    for (const entry of entries) {
      if (isHidden(entry.name)) continue;
      const absolute = path.join(folder.absolute, entry.name);
      const relative = folder.relative === '' ? entry.name : `${folder.relative}/${entry.name}`;
      const found = await kindOf(entry, absolute);
      if (found.kind === 'problem') {
        problems.push({ path: relative, reason: found.reason });
      } else if (found.kind === 'folder') {
        await enter(folder, entry.name, absolute, relative);
      } else if (found.kind === 'file' && isImageName(entry.name)) {
        if (folder.label === null) problems.push({ path: relative, reason: 'image directly in the dataset folder, not in a class folder, skipped' });
        else images.push({ absolute, relative, label: folder.label });
      }
    }
  };

  const enter = async (parent: Folder, name: string, absolute: string, relative: string): Promise<void> => {
    let real: string;
    try {
      real = await realpath(absolute);
    } catch (error) {
      problems.push({ path: relative, reason: `cannot read the folder: ${describeFsError(error)}` });
      return;
    }
    const system = systemFolderOf(real);
    if (system !== null) {
      problems.push({ path: relative, reason: `a link into ${system}, the system's own files, skipped` });
      return;
    }
    const first = visited.get(real);
    if (first !== undefined) {
      // A loop meets a folder above it; any other repeat is the same folder by another link.
      const loop = relative.startsWith(`${first}/`) || first === '';
      problems.push({ path: relative, reason: loop ? 'symbolic link loop, skipped' : `the same folder as ${first} (by a symbolic link), listed once` });
      return;
    }
    if (parent.depth + 1 > maxDepth) {
      problems.push({ path: relative, reason: `more than ${maxDepth} folders deep, skipped` });
      return;
    }
    visited.set(real, relative);
    await visit({ absolute, relative, label: parent.label ?? name, depth: parent.depth + 1 });
  };

  const realRoot = await realpath(root);
  const system = systemFolderOf(realRoot);
  if (system !== null) throw new DatasetError(`${root}: a folder of ${system}, the system's own files, not a dataset`);
  visited.set(realRoot, '');
  await visit({ absolute: root, relative: '', label: null, depth: 0 });
  return { images, problems };
}
