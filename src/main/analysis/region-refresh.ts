/**
 * Region statistics brought in line with the boxes, from stored maps: after a scan
 * (annotations edited, added or removed), an audit, or a drawn region changed. Each
 * stale result is measured exactly as the audit's worker measures a fresh map (the
 * decoded stored map, the image's frame, every box of the image), so an edited
 * dataset re-run gives the numbers a fresh audit of it gives, with no map recomputed.
 */
import { decodeMap } from '../../shared/map-codec';
import { mapFrame } from '../../shared/map-frame';
import type { ModelConfig } from '../../shared/model-config';
import type { Store } from '../store';
import type { RegionRefreshMeasures } from '../store/region-refresh';
import { attentionStats } from './attention';
import { regionsKey } from './region-key';

function measures(): RegionRefreshMeasures {
  // Parsed once per model per refresh: the config is the store's own validated JSON.
  const frames = new Map<string, ModelConfig['preprocess']>();
  return {
    keyOf: ({ image, regions }) => regionsKey(image, regions),
    measure(map, { image, regions }, modelConfig) {
      let preprocess = frames.get(modelConfig);
      if (!preprocess) frames.set(modelConfig, (preprocess = (JSON.parse(modelConfig) as ModelConfig).preprocess));
      return attentionStats(decodeMap(map), image, regions, { frame: mapFrame(image, preprocess) }).regions;
    },
  };
}

/** How many results' region statistics were measured again. */
export function refreshRegionStats(store: Store, datasetId: number): number {
  return store.refreshRegionStats(datasetId, measures());
}
