/**
 * What a component looks like: the map-weighted mean of a descriptor layer's feature
 * vectors under it, at unit length so k-means compares directions (what) and not
 * activation strength (how bright, how large).
 */
import type { MapData } from '../../../shared/explain';
import type { EvidenceComponent } from './components';

/** Channel vectors on a grid, height x width x channels (HWC), row-major. */
export interface FeatureGrid {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

/**
 * The descriptor of one component: sum over its cells of max(map, 0) x the cell's
 * channel vector, divided by the summed weight, then L2-normalised. A component whose
 * features are all zero (a dead patch of a ReLU layer) keeps a zero vector: it says
 * nothing about what the place is, and the clustering leaves it unassigned.
 * The descriptor must already be on the map's grid (the engine pools it there: engine/descriptor.ts).
 */
export function describeComponent(component: Pick<EvidenceComponent, 'cells'>, map: MapData, descriptor: FeatureGrid): Float32Array {
  const { width, height, channels, data } = descriptor;
  if (width !== map.width || height !== map.height) {
    throw new Error(`describeComponent: descriptor grid ${width}x${height} is not the map's ${map.width}x${map.height}; pool it first`);
  }
  if (data.length !== width * height * channels) throw new Error(`describeComponent: ${data.length} values for ${width}x${height}x${channels}`);
  const sum = new Float64Array(channels);
  let weight = 0;
  for (const cell of component.cells) {
    const w = Math.max(0, map.data[cell]!);
    if (w === 0) continue;
    weight += w;
    const base = cell * channels;
    for (let c = 0; c < channels; c++) sum[c]! += w * data[base + c]!;
  }
  const out = new Float32Array(channels);
  if (weight === 0) return out;
  let norm = 0;
  for (let c = 0; c < channels; c++) {
    sum[c]! /= weight;
    norm += sum[c]! * sum[c]!;
  }
  norm = Math.sqrt(norm);
  if (norm === 0) return out;
  for (let c = 0; c < channels; c++) out[c] = sum[c]! / norm;
  return out;
}
