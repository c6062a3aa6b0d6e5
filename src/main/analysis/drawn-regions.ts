/**
 * Drawn regions reach stored maps: the statistics of a map on a region drawn after it
 * was computed, measured on the decoded stored map exactly as an audit's worker
 * measures a fresh one.
 */
import { decodeMap } from '../../shared/map-codec';
import type { RegionMeasure, Store } from '../store';
import { attentionStats } from './attention';

export const measureStoredRegion: RegionMeasure = (map, image, boxes) => {
  const [stat] = attentionStats(decodeMap(map), image, boxes).regions;
  return { mass: stat?.mass ?? 0, boxIou: stat?.boxIou ?? 0 };
};

/**
 * After a scan or an audit: images added to a class, or decoded for the first time
 * (their size now known), get the class's drawn regions and their statistics.
 */
export function applyDrawnRegions(store: Store, datasetId: number): void {
  if (store.drawnRegions(datasetId).length > 0) store.applyDrawnRegions(datasetId, measureStoredRegion);
}
