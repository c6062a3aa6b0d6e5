/**
 * Finds the images of an ImageFolder dataset: each top-level sub-folder of the root
 * is a class, and every folder below it belongs to that class. Symbolic links are
 * followed, since datasets are often assembled from links into a shared store.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError } from './errors';
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
  /** Real paths of this folder and those above it: meeting one again is a loop. */
  ancestors: ReadonlySet<string>;
}

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

export async function findClassImages(root: string): Promise<{ images: FoundImage[]; problems: ScanProblem[] }> {
  const images: FoundImage[] = [];
  const problems: ScanProblem[] = [];

  const visit = async (folder: Folder): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(folder.absolute, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: folder.relative || '.', reason: `cannot read the folder: ${describeFsError(error)}` });
      return;
    }
    entries.sort((a, b) => byCodeUnit(a.name, b.name));
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
    if (parent.ancestors.has(real)) {
      problems.push({ path: relative, reason: 'symbolic link loop, skipped' });
      return;
    }
    await visit({ absolute, relative, label: parent.label ?? name, ancestors: new Set([...parent.ancestors, real]) });
  };

  await visit({ absolute: root, relative: '', label: null, ancestors: new Set([await realpath(root)]) });
  return { images, problems };
}
