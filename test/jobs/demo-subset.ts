/** A small copy of the demo dataset (manifest, regions and images) in a temp folder. */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../fixtures/models';

export const DEMO_ROOT = path.resolve(import.meta.dirname, '../../resources/demo');
export const DEMO_DATASET = path.join(DEMO_ROOT, 'dataset');
export const DEMO_MODEL = path.join(DEMO_ROOT, 'model', 'model.json');

function csvLines(file: string): { header: string; rows: string[] } {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  return { header: header!, rows };
}

/** Copies the first `perClass` test images of each class; returns the new root. */
export function demoSubset(perClass: number, dir = tempDir('biascope-data-')): string {
  const manifest = csvLines(path.join(DEMO_DATASET, 'manifest.csv'));
  const counts = new Map<string, number>();
  const kept = manifest.rows.filter((row) => {
    const [file, label] = row.split(',');
    if (!file!.includes('/test_')) return false;
    const n = counts.get(label!) ?? 0;
    counts.set(label!, n + 1);
    return n < perClass;
  });
  const paths = new Set(kept.map((row) => row.split(',')[0]!));
  for (const file of paths) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(DEMO_DATASET, file), path.join(dir, file));
  }
  writeFileSync(path.join(dir, 'manifest.csv'), [manifest.header, ...kept].join('\n') + '\n');
  const regions = csvLines(path.join(DEMO_DATASET, 'regions.csv'));
  const keptRegions = regions.rows.filter((row) => paths.has(row.split(',')[0]!));
  writeFileSync(path.join(dir, 'regions.csv'), [regions.header, ...keptRegions].join('\n') + '\n');
  return dir;
}

/** A copy of the demo model folder, to change without touching the original. */
export function demoModelCopy(dir = tempDir('biascope-model-')): string {
  for (const file of ['model.json', 'weights.bin', 'biascope.json']) {
    copyFileSync(path.join(DEMO_ROOT, 'model', file), path.join(dir, file));
  }
  return path.join(dir, 'model.json');
}
