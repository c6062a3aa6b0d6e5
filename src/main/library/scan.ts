/**
 * Lists a dataset folder: its images with their labels, attributes and region boxes,
 * and every file it had to leave out with the reason. Nothing is read but names, file
 * sizes and the small annotation files; hashing and decoding come later.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { mapWithConcurrency } from '../util/concurrency';
import { readAnnotations } from './annotations';
import { DatasetError, describeFsError } from './errors';
import { listFromManifest, MANIFEST, STAT_CONCURRENCY } from './manifest';
import { byCodeUnit, PathIndex } from './paths';
import type { DatasetListing, ListedFile, ScanProblem } from './types';
import { findClassImages, systemFolderOf, type FoundImage, type WalkOptions } from './walk';

export { DatasetError } from './errors';

interface BaseListing {
  source: DatasetListing['source'];
  files: ListedFile[];
  problems: ScanProblem[];
  attributeNames: string[];
}

async function requireFolder(root: string): Promise<void> {
  try {
    if (!(await stat(root)).isDirectory()) throw new DatasetError(`${root}: not a folder`);
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw new DatasetError(`${root}: ${describeFsError(error)}`);
  }
}

/** The manifest's text, or null when the dataset has none and is read from its folders. */
async function manifestText(root: string): Promise<string | null> {
  const file = path.join(root, MANIFEST);
  try {
    if (!(await stat(file)).isFile()) return null;
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DatasetError(`${file}: ${describeFsError(error)}`);
  }
}

async function statFound(image: FoundImage): Promise<ListedFile | ScanProblem> {
  try {
    const info = await stat(image.absolute);
    return { path: image.relative, size: info.size, mtimeMs: info.mtimeMs, label: image.label, attributes: {} };
  } catch (error) {
    return { path: image.relative, reason: describeFsError(error) };
  }
}

async function listFromFolders(root: string, options: WalkOptions): Promise<BaseListing> {
  const { images, problems } = await findClassImages(root, options);
  const files: ListedFile[] = [];
  for (const result of await mapWithConcurrency(images, STAT_CONCURRENCY, statFound)) {
    if ('label' in result) files.push(result);
    else problems.push(result);
  }
  return { source: 'folders', files, problems, attributeNames: [] };
}

function nothingFound(root: string, base: BaseListing): DatasetError {
  const first = base.problems[0];
  const detail = first ? ` (${base.problems.length} problem${base.problems.length === 1 ? '' : 's'}; first: ${first.path}: ${first.reason})` : '';
  if (base.source === 'manifest') return new DatasetError(`${path.join(root, MANIFEST)}: lists no image that can be used${detail}`);
  return new DatasetError(`${root}: no images found; expected one sub-folder per class (cat/, dog/, ...) or a ${MANIFEST}${detail}`);
}

export async function listDataset(root: string, options: WalkOptions = {}): Promise<DatasetListing> {
  const absolute = path.resolve(root);
  await requireFolder(absolute);
  // Refused before any file of it is read, a manifest included.
  const system = systemFolderOf(await realpath(absolute));
  if (system !== null) throw new DatasetError(`${absolute}: a folder of ${system}, the system's own files, not a dataset`);
  const manifest = await manifestText(absolute);
  const base: BaseListing = manifest === null ? await listFromFolders(absolute, options) : { source: 'manifest', ...(await listFromManifest(absolute, manifest)) };
  if (base.files.length === 0) throw nothingFound(absolute, base);
  const files = base.files.sort((a, b) => byCodeUnit(a.path, b.path));
  const annotations = await readAnnotations(absolute, new PathIndex(files.map((file) => file.path)));
  return {
    root: absolute,
    source: base.source,
    labels: [...new Set(files.map((file) => file.label))].sort(byCodeUnit),
    files,
    problems: [...base.problems, ...annotations.problems],
    regions: annotations.regions,
    attributeNames: base.attributeNames,
    regionNames: annotations.regionNames,
  };
}
