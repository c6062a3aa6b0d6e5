/**
 * Input checks done in JS before SQL: SQLite would store NaN as NULL and then fail a
 * NOT NULL constraint with a message naming neither the image nor the field.
 */
import { StoreError } from './errors';
import type { ImageResult } from './types';

function finite(value: number, what: string): void {
  if (!Number.isFinite(value)) throw new StoreError('invalid', `${what} is ${value}; it must be a finite number`);
}

function nonNegativeInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) throw new StoreError('invalid', `${what} is ${value}; it must be a non-negative integer`);
}

/** Throws a StoreError naming the content, map and field of the first bad value. */
export function checkImageResult(result: ImageResult): void {
  const where = `result for content ${result.contentId}`;
  nonNegativeInteger(result.width, `${where}: width`);
  nonNegativeInteger(result.height, `${where}: height`);
  const { prediction } = result;
  nonNegativeInteger(prediction.predicted, `${where}: predicted class`);
  finite(prediction.prob, `${where}: prob`);
  finite(prediction.logit, `${where}: logit`);
  for (const entry of prediction.top) {
    nonNegativeInteger(entry.index, `${where}: top index`);
    finite(entry.logit, `${where}: top logit`);
    finite(entry.prob, `${where}: top prob`);
  }
  for (const map of result.maps) {
    const at = `${where} (${map.method}, target ${map.target})`;
    nonNegativeInteger(map.target, `${at}: target`);
    if (map.blob.byteLength !== map.width * map.height * 2) {
      throw new StoreError('invalid', `${at}: map has ${map.blob.byteLength} bytes; a ${map.width}x${map.height} map needs ${map.width * map.height * 2}`);
    }
    const { stats } = map;
    for (const key of ['max', 'entropy', 'peakX', 'peakY', 'spread'] as const) finite(stats[key], `${at}: ${key}`);
    if (stats.box) for (const key of ['x0', 'y0', 'x1', 'y1'] as const) finite(stats.box[key], `${at}: box ${key}`);
    const names = new Set<string>();
    for (const region of stats.regions) {
      if (names.has(region.name)) throw new StoreError('invalid', `${at}: region ${region.name} appears twice`);
      names.add(region.name);
      finite(region.mass, `${at}: mass in ${region.name}`);
      finite(region.boxIou, `${at}: box IoU with ${region.name}`);
    }
  }
}
