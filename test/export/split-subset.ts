/** A copy of the demo with train and test images of both cue values per class: the split attribute matters. */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../fixtures/models';
import { DEMO_DATASET } from '../jobs/demo-subset';

/** The first `train` training and `test` test images of each class x cue value; returns the new root. */
export function demoSplitSubset(train: number, test: number, dir = tempDir('biascope-split-')): string {
  const [header, ...rows] = readFileSync(path.join(DEMO_DATASET, 'manifest.csv'), 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const at = (name: string) => columns.indexOf(name);
  const counts = new Map<string, number>();
  const kept = rows.filter((row) => {
    const cells = row.split(',');
    const split = cells[at('split')]!;
    const key = `${cells[at('label')]}\n${cells[at('cue')]}\n${split}`;
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    return n < (split === 'train' ? train : test);
  });
  const paths = new Set(kept.map((row) => row.split(',')[0]!));
  for (const file of paths) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(DEMO_DATASET, file), path.join(dir, file));
  }
  writeFileSync(path.join(dir, 'manifest.csv'), [header, ...kept].join('\n') + '\n');
  const [regionHeader, ...regions] = readFileSync(path.join(DEMO_DATASET, 'regions.csv'), 'utf8').trim().split('\n');
  writeFileSync(path.join(dir, 'regions.csv'), [regionHeader, ...regions.filter((row) => paths.has(row.split(',')[0]!))].join('\n') + '\n');
  return dir;
}
