/**
 * Drawn regions as the contract speaks of them: the checks a request must pass before
 * the store applies it (stored maps are measured by analysis/drawn-regions).
 */
import { CallError } from '../../shared/api';
import type { DeleteDrawnResult, DrawnRegion, DrawnRegionRef, DrawRegionRequest, DrawRegionResult } from '../../shared/drawn-regions';
import { measureStoredRegion } from '../analysis/drawn-regions';
import { refreshRegionStats } from '../analysis/region-refresh';
import type { DatasetOverview, Store } from '../store';

export function drawnRegionsOf(store: Store, datasetId: number): DrawnRegion[] {
  return store.drawnRegions(datasetId);
}

export function drawRegion(store: Store, overview: DatasetOverview, request: DrawRegionRequest): DrawRegionResult {
  const { datasetId, label, name, box } = request;
  if (!overview.classes.some((c) => c.name === label)) {
    throw new CallError('invalid-input', `the dataset has no class ${JSON.stringify(label)}; it has ${overview.classes.map((c) => c.name).join(', ')}`);
  }
  // Two boxes of one name on an image count as their union: a drawn box beside an annotated one would blur both.
  if (store.annotatedRegionNames(datasetId).includes(name)) {
    throw new CallError('invalid-input', `${JSON.stringify(name)} is already a region of the dataset's annotations: draw it under another name`);
  }
  if (store.conceptRegions(datasetId).some((region) => region.name === name)) {
    throw new CallError('invalid-input', `${JSON.stringify(name)} is already the name of a concept: draw it under another name`);
  }
  const applied = store.putDrawnRegion(datasetId, label, name, box, measureStoredRegion);
  // Every name of the images it reached is measured again, through the model's frame, as an audit would.
  refreshRegionStats(store, datasetId);
  const region = store.drawnRegions(datasetId).find((r) => r.label === label && r.name === name)!;
  return { region, ...applied };
}

export function deleteDrawnRegion(store: Store, ref: DrawnRegionRef): DeleteDrawnResult {
  const images = store.deleteDrawnRegion(ref.datasetId, ref.label, ref.name, measureStoredRegion);
  if (images === undefined) throw new CallError('not-found', `no region ${JSON.stringify(ref.name)} is drawn on ${JSON.stringify(ref.label)} images`);
  refreshRegionStats(store, ref.datasetId);
  return { images };
}
