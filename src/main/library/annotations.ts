/**
 * Gathers the region annotations at a dataset's root, from regions.csv and any COCO
 * files, into one map per listed image. Annotations are optional: a file that cannot
 * be read is a problem to report, never a reason to refuse the dataset.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isCocoName, readCoco } from './coco';
import { describeFsError } from './errors';
import { byCodeUnit, isHidden, type PathIndex } from './paths';
import { readRegionsCsv, REGIONS, type RegionsRead } from './regions';
import type { RegionBox, ScanProblem } from './types';

export interface Annotations {
  regions: Map<string, RegionBox[]>;
  regionNames: string[];
  problems: ScanProblem[];
}

async function readSource(root: string, name: string, read: (text: string) => RegionsRead): Promise<RegionsRead> {
  try {
    return read(await readFile(path.join(root, name), 'utf8'));
  } catch (error) {
    return { boxes: [], problems: [{ path: name, reason: `${name}: ${describeFsError(error)}; no regions read from it` }] };
  }
}

/** Reads regions.csv and the COCO files at the root; `index` holds the listed paths boxes may name. */
export async function readAnnotations(root: string, index: PathIndex): Promise<Annotations> {
  const names = (await readdir(root, { withFileTypes: true }))
    .filter((entry) => !entry.isDirectory() && !isHidden(entry.name))
    .map((entry) => entry.name)
    .sort(byCodeUnit);
  const sources: Promise<RegionsRead>[] = [];
  if (names.includes(REGIONS)) sources.push(readSource(root, REGIONS, (text) => readRegionsCsv(text, index)));
  for (const name of names.filter(isCocoName)) sources.push(readSource(root, name, (text) => readCoco(name, text, index)));

  const regions = new Map<string, RegionBox[]>();
  const regionNames = new Set<string>();
  const problems: ScanProblem[] = [];
  for (const source of await Promise.all(sources)) {
    problems.push(...source.problems);
    for (const { path: listed, box } of source.boxes) {
      const boxes = regions.get(listed);
      if (boxes) boxes.push(box);
      else regions.set(listed, [box]);
      regionNames.add(box.name);
    }
  }
  return { regions, regionNames: [...regionNames].sort(byCodeUnit), problems };
}
