/** Where the demo dataset and model ship: resources/demo beside the sources or the build. */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Walks up from this module (src/main/workspace, or out/main when built) to the folder holding resources/demo. */
export function demoPaths(from = import.meta.dirname): { dataset: string; model: string } | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const demo = path.join(dir, 'resources', 'demo');
    const dataset = path.join(demo, 'dataset');
    const model = path.join(demo, 'model', 'model.json');
    if (existsSync(dataset) && existsSync(model)) return { dataset, model };
    if (path.dirname(dir) === dir) return null;
  }
}
