/**
 * Drawn regions as the contract speaks of them: the checks a request must pass before
 * the store applies it, and the measure that gives stored maps their statistics on a
 * new region, the same computation an audit runs on a fresh map.
 */
import { CallError } from '../../shared/api';
import type { DeleteDrawnResult, DrawnRegion, DrawnRegionRef, DrawRegionRequest, DrawRegionResult } from '../../shared/drawn-regions';
import { decodeMap } from '../../shared/map-codec';
import { attentionStats } from '../analysis/attention';
import type { DatasetOverview, RegionMeasure, Store } from '../store';

/** Statistics of a stored map on one region: attentionStats on the decoded map, as the audit's worker computes them. */
export const measureRegion: RegionMeasure = (map, image, boxes) => {
  const [stat] = attentionStats(decodeMap(map), image, boxes).regions;
  return { mass: stat?.mass ?? 0, boxIou: stat?.boxIou ?? 0 };
};

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
  const applied = store.putDrawnRegion(datasetId, label, name, box, measureRegion);
  const region = store.drawnRegions(datasetId).find((r) => r.label === label && r.name === name)!;
  return { region, ...applied };
}

export function deleteDrawnRegion(store: Store, ref: DrawnRegionRef): DeleteDrawnResult {
  const images = store.deleteDrawnRegion(ref.datasetId, ref.label, ref.name, measureRegion);
  if (images === undefined) throw new CallError('not-found', `no region ${JSON.stringify(ref.name)} is drawn on ${JSON.stringify(ref.label)} images`);
  return { images };
}

/** After a scan or an audit: images added to a class, or decoded for the first time, get its drawn regions. */
export function applyDrawnRegions(store: Store, datasetId: number): void {
  if (store.drawnRegions(datasetId).length > 0) store.applyDrawnRegions(datasetId, measureRegion);
}
